#include "store/sqlite_store.h"

#include <gtest/gtest.h>

#include "engine/invariants.h"
#include "support/commands.h"
#include "support/temp_dir.h"

namespace belofte::store {
namespace {

using namespace belofte::engine;
using belofte::testing::MakeOrderCmd;
using belofte::testing::MakeProductCmd;
using belofte::testing::Receive;
using belofte::testing::T;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::Open(dir_.File("shop.db"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s.value());
    ASSERT_TRUE(store_->Load(engine_).ok());
  }

  // Executes and commits one command as its own batch.
  Outcome Run(Command c) {
    std::vector<Event> events;
    auto r = engine_.Execute(c, &events);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    EXPECT_TRUE(store_->Commit(events, engine_.state()).ok());
    return r.ok() ? r.value() : Outcome{};
  }

  int64_t Scalar(const std::string& sql) {
    auto st = store_->db().Prepare(sql);
    EXPECT_TRUE(st.ok());
    return st->Step() ? st->Int(0) : -1;
  }

  belofte::testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  Engine engine_;
};

TEST_F(SqliteStoreTest, MigratesOnceAndRecordsTheVersion) {
  EXPECT_EQ(Scalar("SELECT max(version) FROM schema_migrations"), SqliteStore::SchemaVersion());
  EXPECT_EQ(Scalar("SELECT count(*) FROM locations WHERE code = 'main'"), 1);
  store_.reset();
  auto again = SqliteStore::Open(dir_.File("shop.db"));
  ASSERT_TRUE(again.ok());
  auto st = (*again)->db().Prepare("SELECT count(*) FROM schema_migrations");
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Int(0), SqliteStore::SchemaVersion());
}

TEST_F(SqliteStoreTest, UsesWalAndFullSync) {
  EXPECT_EQ(Scalar("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
  EXPECT_EQ(Scalar("PRAGMA synchronous"), 2);  // FULL
}

TEST_F(SqliteStoreTest, OnlyOneWriterPerStore) {
  auto second = SqliteStore::Open(dir_.File("shop.db"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "store_locked");
  auto reader = SqliteStore::Open(dir_.File("shop.db"), SqliteStore::Access::kReadOnly);
  EXPECT_TRUE(reader.ok());
}

TEST_F(SqliteStoreTest, LoadRebuildsTheLiveStateAndReplayAgrees) {
  Run(MakeProductCmd("A", BackorderPolicyKind::kAllow, 10));
  Run(MakeProductCmd("B", BackorderPolicyKind::kDeny));
  Run(UpsertLocation{"winkel", "Winkel", T(0)});
  Run(Receive("A", 2));
  Run(Receive("B", 5, 0, "winkel"));
  OrderId o1 = Run(MakeOrderCmd("web", "1", {{"A", 3}, {"B", 1}}, Payment::kUnpaid, 1)).order;
  OrderId o2 = Run(MakeOrderCmd("bol", "X", {{"A", 2}}, Payment::kPaid, 2)).order;
  Run(SetLinePriority{engine_.state().FindOrder(o1)->lines[0].id, 3, T(3)});
  Run(ShipOrder{o1, "winkel", {}, T(4)});
  Run(Receive("A", 1, 5));
  OrderId o3 = Run(MakeOrderCmd("web", "3", {{"B", 4}}, Payment::kPaid, 6)).order;
  Run(ShipOrder{o3, "winkel", {}, T(7)});
  engine_.EvictClosedOrders({o3});

  Engine loaded;
  ASSERT_TRUE(store_->Load(loaded).ok());
  EXPECT_EQ(DiffStates(engine_.state(), loaded.state()), "");
  EXPECT_TRUE(CheckInvariants(loaded.state(), loaded.rule()).empty());
  ASSERT_EQ(loaded.Queue("A").size(), 1u);  // o1 (priority 3) got the receipt; o2 waits
  EXPECT_EQ(loaded.Queue("A")[0].order, o2);
  EXPECT_EQ(loaded.state().FindOrder(o3), nullptr);

  Engine replayed;
  ASSERT_TRUE(store_->ReplayEvents([&](const Event& e) { replayed.Apply(e); }).ok());
  replayed.EvictAllClosedOrders();
  EXPECT_EQ(DiffStates(loaded.state(), replayed.state()), "");

  // Closed orders are read from the store.
  auto closed = store_->FindOrder(o3);
  ASSERT_TRUE(closed.ok());
  ASSERT_TRUE(closed->has_value());
  EXPECT_EQ((*closed)->lines[0].shipped, Quantity(4));
  EXPECT_EQ(DeriveStatus(**closed), OrderStatus::kShipped);
  EXPECT_FALSE(store_->FindOrder(999)->has_value());
  (void)o2;
}

TEST_F(SqliteStoreTest, TheLedgerIsSignedAndSumsToOnHand) {
  Run(MakeProductCmd("A", BackorderPolicyKind::kDeny));
  Run(Receive("A", 10));
  Run(AdjustStock{"A", "main", Quantity(-3), "damaged", T(1)});
  OrderId o = Run(MakeOrderCmd("web", "1", {{"A", 2}})).order;
  Run(ShipOrder{o, "main", {}, T(2)});
  Run(CountStock{"A", "main", Quantity(4), "cycle count", T(3)});
  EXPECT_EQ(Scalar("SELECT sum(quantity) FROM stock_movements WHERE sku = 'A'"), 4);
  EXPECT_EQ(Scalar("SELECT on_hand FROM stock_levels WHERE sku = 'A'"), 4);
  EXPECT_EQ(Scalar("SELECT count(*) FROM stock_movements WHERE kind = 'shipment' AND quantity = -2"), 1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM stock_movements WHERE kind = 'count' AND quantity = -1"), 1);
  EXPECT_EQ(Scalar("SELECT status = 'shipped' FROM orders WHERE id = " + std::to_string(o)), 1);
}

TEST_F(SqliteStoreTest, BundlesAndTheirLinesLoadBackAsTheyWere) {
  Run(MakeProductCmd("MUG", BackorderPolicyKind::kAllow));
  Run(MakeProductCmd("BEANS", BackorderPolicyKind::kAllow));
  UpsertProduct gift = MakeProductCmd("GIFT", BackorderPolicyKind::kAllow, 5);
  gift.product.components = {Component{"MUG", Quantity(1)}, Component{"BEANS", Quantity(2)}};
  Run(gift);
  Run(Receive("MUG", 3));
  Run(Receive("BEANS", 3));
  OrderId open = Run(MakeOrderCmd("web", "1", {{"GIFT", 2}, {"MUG", 1}}, Payment::kPaid, 1)).order;
  OrderId done = Run(MakeOrderCmd("web", "2", {{"GIFT", 1}}, Payment::kPaid, 2)).order;
  LineId done_bundle = engine_.state().FindOrder(done)->bundles[0].id;
  Run(CancelOrder{done, {LineQuantity{done_bundle, Quantity(1)}}, "", T(3)});
  engine_.EvictClosedOrders({done});
  EXPECT_EQ(Scalar("SELECT count(*) FROM product_components WHERE bundle_sku = 'GIFT'"), 2);
  EXPECT_EQ(Scalar("SELECT count(*) FROM order_bundle_lines"), 2);
  EXPECT_EQ(Scalar("SELECT count(*) FROM order_lines WHERE bundle_line IS NOT NULL AND per_bundle > 0"), 4);

  Engine loaded;
  ASSERT_TRUE(store_->Load(loaded).ok());
  EXPECT_EQ(DiffStates(engine_.state(), loaded.state()), "");
  EXPECT_TRUE(CheckInvariants(loaded.state(), loaded.rule()).empty());
  EXPECT_EQ(loaded.state().skus.at("GIFT").product.components, gift.product.components);
  EXPECT_EQ(loaded.state().FindOrder(open)->bundles, engine_.state().FindOrder(open)->bundles);
  EXPECT_GT(loaded.state().next_line_id, done_bundle);
  Engine replayed;
  ASSERT_TRUE(store_->ReplayEvents([&](const Event& e) { replayed.Apply(e); }).ok());
  replayed.EvictAllClosedOrders();
  EXPECT_EQ(DiffStates(loaded.state(), replayed.state()), "");
  // A closed order read from the store keeps its bundle line.
  auto closed = store_->FindOrder(done);
  ASSERT_TRUE(closed.ok() && closed->has_value());
  ASSERT_EQ((*closed)->bundles.size(), 1u);
  EXPECT_EQ(BundleSplit(**closed, (*closed)->bundles[0]).cancelled, Quantity(1));
  // Orders are found by the bundle's SKU.
  auto ids = store_->ListOrderIds(app::OrderQuery{.sku = "GIFT"});
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), 2u);
}

TEST_F(SqliteStoreTest, AFailedCommitWritesNothing) {
  Run(MakeProductCmd("A", BackorderPolicyKind::kDeny));
  int64_t events_before = Scalar("SELECT count(*) FROM events");
  std::vector<Event> events;
  ASSERT_TRUE(engine_.Execute(Receive("A", 5), &events).ok());
  std::vector<Event> clash = events;
  clash.push_back(events.back());  // the same seq twice violates the primary key
  EXPECT_FALSE(store_->Commit(clash, engine_.state()).ok());
  EXPECT_EQ(Scalar("SELECT count(*) FROM events"), events_before);
  EXPECT_EQ(Scalar("SELECT count(*) FROM stock_movements"), 0);
  // The store is still usable afterwards.
  EXPECT_TRUE(store_->Commit(events, engine_.state()).ok());
  EXPECT_EQ(Scalar("SELECT count(*) FROM stock_movements"), 1);
}

TEST_F(SqliteStoreTest, TheEventLogIsReadableWithSqlJson) {
  Run(MakeProductCmd("A", BackorderPolicyKind::kAllow));
  OrderId o = Run(MakeOrderCmd("web", "1", {{"A", 2}})).order;
  EXPECT_EQ(Scalar("SELECT json_extract(payload, '$.lines[0].backordered') FROM events WHERE type = 'order_placed'"),
            2);
  EXPECT_EQ(Scalar("SELECT order_id FROM events WHERE type = 'order_placed'"), static_cast<int64_t>(o));
}

}  // namespace
}  // namespace belofte::store
