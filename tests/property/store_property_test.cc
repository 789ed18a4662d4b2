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
  }
  std::ostringstream out, err;
  int rc = cli::Check(path, out, err);
  if (rc != 0) RC_FAIL(out.str() + err.str());
}

}  // namespace
}  // namespace belofte::testing
