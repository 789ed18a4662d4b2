// sqlite_notices.h — the customer-notice tables of the SQLite store. The outbox is the events
// table: a notice is its `notice_queued` event, committed in the same transaction as the change
// that caused it and found through the partial index `events_notices`; `notifications` holds
// each notice's delivery state, created by the delivery worker when it adopts new notices (off
// the shop's hot path). Also the shop's notice settings, promise slips, and the index that finds
// an order by its status token.
//
// Internal to store/: SqliteStore::WriteBatch calls WriteNotices inside its transaction;
// SqliteStore::Load calls ReadNotices after ReadPromises. What the engine keeps per followed order
// (engine::OrderNotices) is not stored twice: it is rebuilt from line_promises and events on load.
// Delivery (claiming rows, marking them sent) is the notify adapter's (store/sqlite_outbox.h).
// Thread safety: as the Database passed in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/shop_history.h"
#include "common/result.h"
#include "engine/event.h"
#include "engine/shop_state.h"
#include "store/sqlite.h"

namespace belofte::store {

extern const char* const kNoticesMigration;

Status WriteNotices(Database& db, const std::vector<engine::Event>& events, const engine::ShopState& state);
// Settings, and the notice state of the followed live orders (after ReadPromises).
Status ReadNotices(Database& db, engine::ShopState* state);
// The order whose status token this is, if any.
Result<std::optional<OrderId>> ReadOrderIdByToken(Database& db, const std::string& token);
// Every event of an order, oldest first (the timeline).
Result<std::vector<app::OrderEvent>> ReadOrderEvents(Database& db, OrderId order);
// The outbox rows of an order (or every order: 0), oldest first, ids above `after`.
Result<std::vector<app::NotificationRecord>> ReadNotifications(Database& db, OrderId order, uint64_t after,
                                                              size_t limit);

}  // namespace belofte::store
