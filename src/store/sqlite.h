// sqlite.h — a thin RAII wrapper over the SQLite C API: Database, Statement, WalCheckpointer.
//
// Only what belofte's store needs: open with pragmas, run SQL, prepared statements with
// typed binds and columns, WAL checkpoints on a thread of their own. Errors are returned as
// Status (never thrown).
// Thread safety: a Database and its Statements belong to one thread at a time;
// WalCheckpointer documents its own.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/result.h"

namespace belofte::store {

class Statement {
 public:
  Statement() = default;
  Statement(Statement&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& BindNull(int index);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Steps once: true while a row is available; false when done. Errors go to status().
  bool Step();
  // Runs to completion (for writes) and resets.
  Status Run();
  void Reset();
  Status status() const { return status_; }
  bool prepared() const { return stmt_ != nullptr; }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string Text(int column) const;

 private:
  friend class Database;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

class Database {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (creating when kReadWrite) with WAL, synchronous=FULL and a busy timeout.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, Mode mode = Mode::kReadWrite);
  ~Database();

  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // Prepares or dies: for the store's own fixed SQL, where failure is a bug.
  Statement MustPrepare(std::string_view sql);
  std::string LastError() const { return sqlite3_errmsg(db_); }
  sqlite3* handle() { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// One SQL statement run for many rows, several rows per execution. The statement names its
// rows once, as `head` (v1, v2 ...) `tail`: RowBatch repeats the group "(?,...,?)" of `columns`
// parameters k times, k = 1, 2, 4 ... kMaxRows, as in "INSERT INTO t(a, b) VALUES (?,?),(?,?)" or
// "UPDATE t SET a = v.column2 FROM (VALUES (?,?),(?,?)) AS v WHERE t.id = v.column1". One
// execution for many rows spares SQLite most of its per-statement work (the VM started and
// halted, cursors opened and closed): about a third of the cost of a one-row UPDATE.
// Thread safety: like its Database.
class RowBatch {
 public:
  static constexpr int kMaxRows = 64;

  RowBatch() = default;
  RowBatch(Database& db, std::string head, int columns, std::string tail);

  // Runs the statement over `rows` rows: bind(statement, first, i) binds row i (0-based) as
  // parameters first + 1 ... first + columns. Stops at the first error.
  template <typename Bind>
  Status Run(size_t rows, Bind&& bind) {
    for (size_t i = 0; i < rows;) {
      int k = kMaxRows;
      while (static_cast<size_t>(k) > rows - i) k /= 2;
      Statement& statement = For(k);
      for (int r = 0; r < k; ++r) bind(statement, r * columns_, i + static_cast<size_t>(r));
      BELOFTE_RETURN_IF_ERROR(statement.Run());
      i += static_cast<size_t>(k);
    }
    return Ok();
  }

 private:
  static constexpr int kSizes = 7;  // 1, 2, 4 ... 64 rows
  static_assert(kMaxRows == 1 << (kSizes - 1));
  Statement& For(int rows);  // prepared on first use

  Database* db_ = nullptr;
  std::string head_;
  std::string tail_;
  int columns_ = 0;
  Statement statements_[kSizes];
};

// Keeps WAL checkpoints off the commit path of one writer connection.
//
// SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages, on
// the writer's thread. Start() replaces it (sqlite3_wal_hook, which also switches the
// connection's wal_autocheckpoint off): after each commit that leaves the WAL at `start_frames`
// frames or more, the hook only wakes this object's thread, which runs a PASSIVE checkpoint on
// its own connection while the writer goes on with its next transactions. PASSIVE copies what it
// can without waiting for anyone; the first write transaction after a checkpoint that copied
// everything restarts the WAL from its beginning, so checkpoints follow every commit until that
// happens: a small WAL that is overwritten flushes faster than a growing one. Under continuous
// load the writer may always have committed again before a checkpoint finishes, so as a bound
// the hook itself, when the WAL reaches `limit_frames`, waits for a running checkpoint and
// checkpoints the rest on the writer connection (little is left by then): the next transaction
// restarts the WAL. The thread runs at nice kNice, so on a busy machine the writer's commits get
// the CPU first; should it fall behind, the bound above makes the writer catch up.
// Checkpoints never affect durability: a commit is durable in the WAL before they run.
// Thread safety: the hook runs on the writer connection's thread; the rest is internal. The
// writer connection must outlive this object.
class WalCheckpointer {
 public:
  static constexpr int kNice = 10;  // of the checkpoint thread

  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path, Database& writer, int start_frames,
                                                        int limit_frames);
  ~WalCheckpointer();  // detaches the hook, stops and joins the thread
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  WalCheckpointer(std::unique_ptr<Database> own, Database& writer, int start_frames, int limit_frames);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Run();

  std::unique_ptr<Database> own_;  // used by thread_ (and ~WalCheckpointer after the join)
  Database& writer_;
  const int start_frames_;
  const int limit_frames_;
  std::mutex checkpoint_mu_;  // held while a checkpoint runs, on either connection
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;    // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace belofte::store
