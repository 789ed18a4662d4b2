// sqlite_promises.h — the promise tables of the SQLite store: every waiting line's promises
// (first, last told, current; and the day it shipped in full, for accuracy) and the shop's
// promise settings.
//
// Internal to store/: SqliteStore::WriteBatch calls WritePromises inside its transaction;
// SqliteStore::Load calls ReadPromises before handing the state to the engine. The history of
// every promise of a line is the events table (promise_given / promise_revised /
// promise_changed); these rows are the latest state and what accuracy is computed from.
// Thread safety: as the Database passed in.
#pragma once

#include <vector>

#include "app/shop_history.h"
#include "common/result.h"
#include "engine/event.h"
#include "engine/shop_state.h"
#include "store/sqlite.h"

namespace belofte::store {

// The migration that creates the promise tables.
extern const char* const kPromisesMigration;

Status WritePromises(Database& db, const std::vector<engine::Event>& events, const engine::ShopState& state);
// Settings, and the promises of the live lines already in `state->orders`.
Status ReadPromises(Database& db, engine::ShopState* state);
Result<app::PromiseAccuracy> ReadPromiseAccuracy(Database& db, Date from, Date to);
Result<app::OrderPromises> ReadPromiseHistory(Database& db, OrderId order);

}  // namespace belofte::store
