// Property test of durability: random command sequences committed to a real SQLite file in
// random batch sizes (as the group-committing writer would), then loaded back. The loaded
// state must equal the engine's, the replayed event log must equal both, and `belofte check`
// must pass on the file.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>

#include "cli/cli.h"
#include "engine/engine.h"
#include "engine/invariants.h"
#include "property/random_shop.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace belofte::testing {
namespace {

using namespace belofte::engine;

RC_GTEST_PROP(StoreProperty, WhatWasCommittedLoadsBackAndChecksClean,
              (std::vector<Step> steps, std::vector<int> batch_sizes)) {
  TempDir dir;
  const std::string path = dir.File("shop.db");
  {
    auto store = store::SqliteStore::Open(path);
    RC_ASSERT(store.ok());
    Engine engine;
    RC_ASSERT((*store)->Load(engine).ok());
    std::vector<Event> batch;
    std::vector<OrderId> touched;
    for (const auto& c : Opening()) RC_ASSERT(engine.Execute(c, &batch).ok());
    int64_t clock = 0;
    size_t next_batch = 0;
    int in_batch = 0;
    auto commit = [&] {
      RC_ASSERT((*store)->Commit(batch, engine.state()).ok());
      batch.clear();
      engine.EvictClosedOrders(touched);
      touched.clear();
      in_batch = 0;
    };
    for (const Step& step : steps) {
      auto r = engine.Execute(Interpret(step, engine, clock), &batch);
      if (r.ok()) {
        touched.push_back(r->order);
        for (const auto& f : r->filled) touched.push_back(f.order);
      }
      for (const auto& e : batch) {
        if (const auto* c = std::get_if<LineCancelled>(&e.body)) touched.push_back(c->order);
      }
      int limit = batch_sizes.empty() ? 1 : 1 + std::abs(batch_sizes[next_batch % batch_sizes.size()]) % 8;
      if (++in_batch >= limit) {
        commit();
        ++next_batch;
      }
    }
    commit();

    Engine loaded;
    RC_ASSERT((*store)->Load(loaded).ok());
    RC_ASSERT(DiffStates(engine.state(), loaded.state()).empty());
    // DiffStates compares the promises (first, told, current) line by line: say how often
    // there were any to compare.
    RC_TAG(engine.state().promises.empty() ? "no promises" : "promises");
  }
  std::ostringstream out, err;
  int rc = cli::Check(path, out, err);
  if (rc != 0) RC_FAIL(out.str() + err.str());
}

// The same round trip with promises certainly present: waiting lines promised first on the
// lead time, then on a purchase order (promise_changed), then revised by a small move and by new
// settings, so that first, told and current differ. Committed in two batches, loaded back.
TEST(StoreProperty, PromisesLoadBackEqual) {
  TempDir dir;
  const std::string path = dir.File("shop.db");
  auto store = store::SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  Engine engine;
  ASSERT_TRUE((*store)->Load(engine).ok());
  std::vector<Event> batch;
  auto at = [](int day) { return Instant::FromSeconds(1'767'600'000 + int64_t{day} * 86'400); };
  for (const auto& c : Opening()) ASSERT_TRUE(engine.Execute(c, &batch).ok());
  for (int i = 0; i < 3; ++i) {
    PlaceOrder o;
    o.channel = "web";
    o.external_id = "p" + std::to_string(i);
    o.placed_at = o.at = at(0).PlusSeconds(i + 1);
    o.lines.push_back(PlaceOrder::Line{"A", Quantity(3), Money(1295, "EUR")});
    ASSERT_TRUE(engine.Execute(o, &batch).ok());
  }
  ASSERT_TRUE((*store)->Commit(batch, engine.state()).ok());
  batch.clear();
  auto created = engine.Execute(
      CreatePurchaseOrder{"alt", {CreatePurchaseOrder::Line{"A", Quantity(4), at(0).date().PlusDays(30)}}, at(1)},
      &batch);
  ASSERT_TRUE(created.ok());
  const PurchaseOrderId po = created->purchase_order;
  ASSERT_TRUE(engine.Execute(SendPurchaseOrder{po, at(1)}, &batch).ok());
  ASSERT_TRUE(engine.Execute(MovePurchaseOrderDate{po, at(0).date().PlusDays(31), {}, at(2)}, &batch).ok());
  PromiseSettings settings;
  settings.handling_days = 2;
  ASSERT_TRUE(engine.Execute(SetPromiseSettings{settings, at(2)}, &batch).ok());
  ASSERT_TRUE((*store)->Commit(batch, engine.state()).ok());

  ASSERT_FALSE(engine.state().promises.empty());
  bool revised = false;
  for (const auto& [line, p] : engine.state().promises) revised |= !(p.given == p.current);
  EXPECT_TRUE(revised) << "the scenario should leave a promise revised but not told";

  Engine loaded;
  ASSERT_TRUE((*store)->Load(loaded).ok());
  EXPECT_EQ(loaded.state().promises.size(), engine.state().promises.size());
  EXPECT_EQ(DiffStates(engine.state(), loaded.state()), "");
}

}  // namespace
}  // namespace belofte::testing
