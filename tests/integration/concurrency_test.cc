// Concurrency against a real SQLite file: many threads submit orders for scarce stock through
// the one writer. Exactly the available units are allocated, caps hold exactly, and what the
// callers were told matches what the store holds after a restart.
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "app/shop_writer.h"
#include "cli/cli.h"
#include "engine/invariants.h"
#include "store/sqlite_store.h"
#include "support/commands.h"
#include "support/temp_dir.h"

namespace belofte {
namespace {

using namespace belofte::engine;
using belofte::testing::MakeOrderCmd;
using belofte::testing::MakeProductCmd;
using belofte::testing::Receive;

struct Tally {
  std::atomic<int> allocated{0}, backordered{0}, rejected{0};
  std::mutex mu;
  std::map<std::string, int> codes;
};

// `threads` threads each submit `per_thread` one-unit orders for SKU "A" and wait for each.
void Storm(app::ShopWriter& writer, int threads, int per_thread, Tally& tally) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto r = writer.Execute(MakeOrderCmd("web", std::to_string(t) + "-" + std::to_string(i), {{"A", 1}},
                                             Payment::kPaid, t * 1000 + i));
        if (!r.ok()) {
          tally.rejected++;
          std::lock_guard lock(tally.mu);
          tally.codes[r.error().code]++;
          continue;
        }
        const Order order = writer.Read([&](const Engine& e) { return *e.state().FindOrder(r->order); });
        if (order.lines[0].allocated().positive()) tally.allocated++;
        if (order.lines[0].backordered.positive()) tally.backordered++;
      }
    });
  }
  for (auto& th : pool) th.join();
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void Open() {
    auto s = store::SqliteStore::Open(dir_.File("shop.db"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s.value());
    engine_ = std::make_unique<Engine>();
    ASSERT_TRUE(store_->Load(*engine_).ok());
    writer_ = std::make_unique<app::ShopWriter>(*engine_, *store_);
  }
  void Close() {
    writer_.reset();
    engine_.reset();
    store_.reset();
  }
  void ExpectCheckPasses() {
    std::ostringstream out, err;
    EXPECT_EQ(cli::Check(dir_.File("shop.db"), out, err), 0) << out.str() << err.str();
  }

  belofte::testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<app::ShopWriter> writer_;
};

TEST_F(ConcurrencyTest, OneUnitUnderDenyGoesToExactlyOneOfTwoThousandOrders) {
  Open();
  ASSERT_TRUE(writer_->Execute(MakeProductCmd("A", BackorderPolicyKind::kDeny)).ok());
  ASSERT_TRUE(writer_->Execute(Receive("A", 1)).ok());
  Tally tally;
  Storm(*writer_, 32, 64, tally);
  EXPECT_EQ(tally.allocated, 1);
  EXPECT_EQ(tally.backordered, 0);
  EXPECT_EQ(tally.rejected, 32 * 64 - 1);
  EXPECT_EQ(tally.codes["insufficient_stock"], 32 * 64 - 1);
  EXPECT_GT(writer_->stats().largest_batch, 1u) << "concurrent commands should share transactions";
  Close();

  Open();  // what the callers were told is what the store holds
  const SkuState& a = engine_->state().skus.at("A");
  EXPECT_EQ(a.allocated(), Quantity(1));
  EXPECT_EQ(engine_->state().orders.size(), 1u);
  Close();
  ExpectCheckPasses();
}

TEST_F(ConcurrencyTest, CapsHoldExactlyUnderAllow) {
  Open();
  ASSERT_TRUE(writer_->Execute(MakeProductCmd("A", BackorderPolicyKind::kAllow, 100)).ok());
  ASSERT_TRUE(writer_->Execute(Receive("A", 1)).ok());
  Tally tally;
  Storm(*writer_, 32, 64, tally);
  EXPECT_EQ(tally.allocated, 1);
  EXPECT_EQ(tally.backordered, 100);
  EXPECT_EQ(tally.rejected, 32 * 64 - 101);
  EXPECT_EQ(tally.codes["backorder_cap_reached"], 32 * 64 - 101);
  Close();

  Open();
  const SkuState& a = engine_->state().skus.at("A");
  EXPECT_EQ(a.backordered, Quantity(100));
  EXPECT_EQ(a.queue.size(), 100u);
  EXPECT_EQ(a.allocated(), Quantity(1));
  Close();
  ExpectCheckPasses();
}

TEST_F(ConcurrencyTest, InvariantsHoldForReadersWhileWritersRace) {
  Open();
  ASSERT_TRUE(writer_->Execute(MakeProductCmd("A", BackorderPolicyKind::kAllow, 500)).ok());
  ASSERT_TRUE(writer_->Execute(MakeProductCmd("B", BackorderPolicyKind::kDeny)).ok());
  ASSERT_TRUE(writer_->Execute(Receive("B", 300)).ok());
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, violations{0};
  std::thread reader([&] {
    while (!done) {
      writer_->Read([&](const Engine& e) {
        if (!CheckInvariants(e.state(), e.rule()).empty()) violations++;
        return 0;
      });
      reads++;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        auto placed = writer_->Execute(MakeOrderCmd("web", std::to_string(t) + "/" + std::to_string(i),
                                                    {{"A", 1 + i % 3}, {"B", 1}}, Payment::kPaid, i));
        if (i % 10 == 0) (void)writer_->Execute(Receive("A", 7, i));
        if (placed.ok() && i % 7 == 0) (void)writer_->Execute(CancelOrder{placed->order, {}, "", {}});
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  EXPECT_EQ(violations, 0);
  EXPECT_GT(reads, 0);
  Close();
  ExpectCheckPasses();
}

}  // namespace
}  // namespace belofte
