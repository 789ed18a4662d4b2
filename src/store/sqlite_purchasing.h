// sqlite_purchasing.h — the purchasing tables of the SQLite store (suppliers, their terms,
// purchase orders with lines and expected-date history, and supplier deliveries).
//
// Internal to store/: SqliteStore::WriteBatch calls WritePurchasing inside its transaction;
// SqliteStore::Load calls ReadPurchasing before handing the state to the engine. Rows are
// written from the engine's state after the batch, for the suppliers and purchase orders the
// batch's events touched; deliveries are append-only (all are kept; memory keeps the last 500).
// Thread safety: as the Database passed in (the writer's connection, one thread).
#pragma once

#include <vector>

#include "common/result.h"
#include "engine/event.h"
#include "engine/shop_state.h"
#include "store/sqlite.h"

namespace belofte::store {

// The migration that creates the purchasing tables (schema version 3).
extern const char* const kPurchasingMigration;

Status WritePurchasing(Database& db, const std::vector<engine::Event>& events, const engine::ShopState& state);
Status ReadPurchasing(Database& db, engine::ShopState* state);

}  // namespace belofte::store
