// sqlite_outbox.h — SqliteOutbox: the notice outbox (`notifications` joined to the payloads of
// their `notice_queued` events) in the shop's SQLite file.
//
// It opens its own connection, so the notice worker never waits for the shop writer's lock;
// the file is in WAL mode, readers do not block the writer, and the few writes here (claim,
// mark) wait up to kBusyTimeoutMs for the writer's commit to finish. The tables are created by
// the store's migrations (SqliteStore, schema version 6); Open does not create or migrate them.
// Thread safety: all methods are thread-safe (one connection behind a mutex).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "notify/outbox.h"
#include "store/sqlite.h"

namespace belofte::store {

// Gives the notices committed since the last adoption (notice_queued events above the highest
// notifications id) their delivery row, status `queued`. ClaimDue runs it first.
extern const char* const kAdoptNoticesSql;

class SqliteOutbox final : public notify::Outbox {
 public:
  static constexpr int kBusyTimeoutMs = 5'000;

  // REQUIRES: the file exists and has the notifications table.
  static Result<std::unique_ptr<SqliteOutbox>> Open(const std::string& path);

  Result<std::vector<notify::DueNotice>> ClaimDue(int64_t now_us, int limit) override;
  Status MarkSent(int64_t id, const std::string& sent_at) override;
  Status MarkFailed(int64_t id, int64_t next_attempt_us, const std::string& error) override;
  Status MarkDead(int64_t id, const std::string& error) override;

 private:
  SqliteOutbox() = default;
  Status Mark(int64_t id, const char* sql, const std::function<void(Statement&)>& bind);

  std::mutex mu_;
  std::unique_ptr<Database> db_;  // GUARDED_BY(mu_)
};

}  // namespace belofte::store
