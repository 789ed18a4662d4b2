#include "app/shop_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/commands.h"
#include "support/memory_store.h"

namespace belofte::app {
namespace {

using namespace belofte::engine;
using belofte::testing::MakeOrderCmd;
using belofte::testing::MakeProductCmd;
using belofte::testing::MemoryStore;
using belofte::testing::Receive;

TEST(ShopWriter, AcknowledgesOnlyAfterTheCommitAndReadsDoNotWaitForIt) {
  Engine engine;
  MemoryStore store;
  ShopWriter writer(engine, store);
  ASSERT_TRUE(writer.Execute(MakeProductCmd("A", BackorderPolicyKind::kDeny)).ok());

  store.Hold();
  std::atomic<bool> acked{false};
  writer.Submit(Receive("A", 5), [&](Result<Outcome> r) {
    EXPECT_TRUE(r.ok());
    acked = true;
  });
  ASSERT_TRUE(store.WaitForCommits(2));
  // The commit is in flight: not acknowledged yet, but readers see the applied state at once.
  EXPECT_FALSE(acked);
  EXPECT_EQ(writer.Read([](const Engine& e) { return e.state().skus.at("A").on_hand(); }), Quantity(5));
  store.Release();
  writer.Stop();
  EXPECT_TRUE(acked);
}

TEST(ShopWriter, CommandsArrivingDuringACommitShareTheNextTransaction) {
  Engine engine;
  MemoryStore store;
  ShopWriter writer(engine, store);
  ASSERT_TRUE(writer.Execute(MakeProductCmd("A", BackorderPolicyKind::kAllow)).ok());
  store.Hold();
  writer.Submit(Receive("A", 1), [](Result<Outcome>) {});
  ASSERT_TRUE(store.WaitForCommits(2));
  std::atomic<int> acked{0};
  constexpr int kOrders = 200;
  for (int i = 0; i < kOrders; ++i) {
    writer.Submit(MakeOrderCmd("web", std::to_string(i), {{"A", 1}}), [&](Result<Outcome> r) {
      EXPECT_TRUE(r.ok());
      ++acked;
    });
  }
  store.Release();
  writer.Stop();
  EXPECT_EQ(acked, kOrders);
  auto batches = store.batches();
  ASSERT_EQ(batches.size(), 3u) << "product, the held receipt, then all orders together";
  EXPECT_GE(batches[2].size(), static_cast<size_t>(kOrders));
  EXPECT_EQ(writer.stats().largest_batch, static_cast<uint64_t>(kOrders));
}

TEST(ShopWriter, ARejectedCommandDoesNotSpoilItsBatch) {
  Engine engine;
  MemoryStore store;
  ShopWriter writer(engine, store);
  ASSERT_TRUE(writer.Execute(MakeProductCmd("A", BackorderPolicyKind::kDeny)).ok());
  ASSERT_TRUE(writer.Execute(Receive("A", 1)).ok());
  store.Hold();
  writer.Submit(Receive("A", 1), [](Result<Outcome>) {});
  ASSERT_TRUE(store.WaitForCommits(3));
  std::atomic<int> ok{0}, rejected{0};
  for (int i = 0; i < 5; ++i) {
    writer.Submit(MakeOrderCmd("web", std::to_string(i), {{"A", 1}}), [&](Result<Outcome> r) {
      (r.ok() ? ok : rejected)++;
      if (!r.ok()) {
        EXPECT_EQ(r.error().code, "insufficient_stock");
      }
    });
  }
  store.Release();
  writer.Stop();
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(rejected, 3);
  EXPECT_EQ(writer.stats().rejected, 3u);
}

TEST(ShopWriter, StopFinishesWhatWasQueuedAndRefusesNewWork) {
  Engine engine;
  MemoryStore store;
  auto writer = std::make_unique<ShopWriter>(engine, store);
  std::atomic<int> done{0};
  for (int i = 0; i < 50; ++i) {
    writer->Submit(MakeProductCmd("P" + std::to_string(i), BackorderPolicyKind::kDeny), [&](Result<Outcome> r) {
      EXPECT_TRUE(r.ok());
      ++done;
    });
  }
  writer->Stop();
  EXPECT_EQ(done, 50);
  auto late = writer->Execute(MakeProductCmd("LATE", BackorderPolicyKind::kDeny));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "shutting_down");
  EXPECT_EQ(engine.state().skus.size(), 50u);
}

TEST(ShopWriter, ClosedOrdersLeaveMemoryAfterTheirCommit) {
  Engine engine;
  MemoryStore store;
  ShopWriter writer(engine, store);
  ASSERT_TRUE(writer.Execute(MakeProductCmd("A", BackorderPolicyKind::kDeny)).ok());
  ASSERT_TRUE(writer.Execute(Receive("A", 1)).ok());
  auto placed = writer.Execute(MakeOrderCmd("web", "1", {{"A", 1}}));
  ASSERT_TRUE(placed.ok());
  ASSERT_TRUE(writer.Execute(ShipOrder{placed->order, "main", {}, {}}).ok());
  EXPECT_EQ(writer.Read([&](const Engine& e) { return e.state().FindOrder(placed->order); }), nullptr);
  EXPECT_EQ(writer.Read([](const Engine& e) { return e.state().order_by_external.size(); }), 1u);
}

}  // namespace
}  // namespace belofte::app
