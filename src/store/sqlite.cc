#include "store/sqlite.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bit>
#include <cstdio>
#include <cstdlib>

namespace belofte::store {

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    status_ = Error::Internal(std::string("sqlite: ") + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
  }
  return false;
}

Status Statement::Run() {
  status_ = Ok();
  while (Step()) {
  }
  Status s = status_;
  Reset();
  return s;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  status_ = Ok();
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, Mode mode) {
  sqlite3* db = nullptr;
  int flags = mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    if (db) sqlite3_close(db);
    return Error::Internal("cannot open database '" + path + "': " + message);
  }
  std::unique_ptr<Database> out(new Database(db));
  sqlite3_busy_timeout(db, 10'000);
  if (mode == Mode::kReadWrite) {
    if (auto s = out->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !s.ok()) return s.take_error();
  }
  return out;
}

Database::~Database() {
  if (db_) sqlite3_close(db_);
}

Status Database::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Error::Internal("sqlite: " + message);
  }
  return Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error::Internal(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
  return Statement(stmt);
}

Statement Database::MustPrepare(std::string_view sql) {
  auto s = Prepare(sql);
  if (!s.ok()) {
    std::fprintf(stderr, "belofte: %s\nSQL: %.*s\n", s.error().message.c_str(), static_cast<int>(sql.size()),
                 sql.data());
    std::abort();
  }
  return std::move(s.value());
}

RowBatch::RowBatch(Database& db, std::string head, int columns, std::string tail)
    : db_(&db), head_(std::move(head)), tail_(std::move(tail)), columns_(columns) {}

Statement& RowBatch::For(int rows) {
  const int slot = std::countr_zero(static_cast<unsigned>(rows));
  Statement& statement = statements_[slot];
  if (!statement.prepared()) {
    std::string group = "(";
    for (int c = 0; c < columns_; ++c) group += c ? ",?" : "?";
    group += ")";
    std::string sql = head_;
    for (int r = 0; r < rows; ++r) sql.append(r ? "," : "").append(group);
    statement = db_->MustPrepare(sql.append(tail_));
  }
  return statement;
}

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path, Database& writer,
                                                                int start_frames, int limit_frames) {
  auto own = Database::Open(path, Database::Mode::kReadWrite);  // synchronous=FULL: checkpoints sync too
  if (!own.ok()) return own.take_error();
  return std::unique_ptr<WalCheckpointer>(
      new WalCheckpointer(std::move(own.value()), writer, start_frames, limit_frames));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<Database> own, Database& writer, int start_frames, int limit_frames)
    : own_(std::move(own)), writer_(writer), start_frames_(start_frames), limit_frames_(limit_frames) {
  sqlite3_wal_hook(writer_.handle(), &WalCheckpointer::OnCommit, this);
  thread_ = std::thread([this] { Run(); });
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

int WalCheckpointer::OnCommit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (frames >= c->limit_frames_) {
    std::lock_guard lock(c->checkpoint_mu_);
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= c->start_frames_) {
    {
      std::lock_guard lock(c->mu_);
      c->wanted_ = true;
    }
    c->cv_.notify_one();
  }
  return SQLITE_OK;  // a failed checkpoint is retried after the next commit; the commit stands
}

void WalCheckpointer::Run() {
  pthread_setname_np(pthread_self(), "wal-checkpoint");
  // Background work: on a busy machine the writer's commits go first (failure is harmless).
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kNice);
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
    }
    std::lock_guard lock(checkpoint_mu_);
    (void)sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
}

}  // namespace belofte::store
