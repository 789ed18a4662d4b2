// bench_util.h — what the benchmark programs share: clocks, RSS, percentiles, the figures
// table, a temporary directory, and BulkLoader (set a shop up without ShopWriter).
//
// The programs time with std::chrono::steady_clock and never assert on a time: they print
// measured | budget | within budget? and leave judgement to the reader (and DESIGN's budget).
// Thread safety: free functions are thread-safe; TempDir and BulkLoader belong to one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/shop_store.h"
#include "engine/engine.h"

namespace belofte::bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
inline double SecondsSince(Clock::time_point t) { return Seconds(Clock::now() - t); }

// VmRSS of this process, in bytes (0 when /proc is unreadable).
int64_t RssBytes();
// VmHWM (peak RSS) of this process, in bytes; ResetPeakRss() restarts it from the current RSS
// (Linux: writes 5 to /proc/self/clear_refs; returns false where that is not possible).
int64_t PeakRssBytes();
bool ResetPeakRss();
// Bytes this process passed to read/write syscalls so far (/proc/self/io rchar, wchar): what
// the store reads from and writes to its files, page cache included.
struct IoBytes {
  int64_t read = 0;
  int64_t written = 0;
};
IoBytes ProcessIo();
// CPU time (user + system) of the calling thread, in seconds.
double ThreadCpuSeconds();
// CPU time of this process's threads named `name` (pthread_setname_np: ShopWriter's thread is
// "shop-writer", SqliteStore's checkpointer "wal-checkpoint"), in seconds, from /proc/self/task
// (clock-tick resolution). Threads that have exited are not counted.
double ThreadsCpuSeconds(const std::string& name);
// Hands freed heap back to the OS (malloc_trim), so RSS deltas count live memory only.
void TrimHeap();

// Nearest-rank percentile, p in [0, 100]; 0 for no values.
double Percentile(std::vector<double> values, double p);

// One row of a figures table. `within` is "yes", "NO" or "" when the metric has no budget.
struct Row {
  std::string metric;
  std::string measured;
  std::string budget;
  std::string within;
};
inline std::string Verdict(bool ok) { return ok ? "yes" : "NO"; }
void PrintTable(const std::string& title, const std::vector<Row>& rows);

// "12.3" (v with `decimals` decimals).
std::string Fixed(double v, int decimals = 1);
// "1,234,567"
std::string Thousands(int64_t value);
std::string FormatBytes(int64_t bytes);  // "123.4 MiB"

// A fresh directory under `parent` (default: $TMPDIR or /tmp), removed with its content.
class TempDir {
 public:
  explicit TempDir(const std::string& parent = "");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Executes commands against an engine and, with a store, commits their events in batches of
// at least `batch_events` against the engine's state — the store's Commit contract, without
// ShopWriter's threads. Without a store the events are dropped. Dies on a failed commit.
class BulkLoader {
 public:
  BulkLoader(engine::Engine& engine, app::ShopStore* store, size_t batch_events = 50'000);
  ~BulkLoader();  // Flush()es

  void Execute(const engine::Command& command);
  void Flush();

  size_t commands = 0;
  size_t rejected = 0;
  size_t events = 0;
  size_t commits = 0;
  double execute_seconds = 0;
  double commit_seconds = 0;
  std::string first_error;  // of the first rejected command

 private:
  engine::Engine& engine_;
  app::ShopStore* store_;
  size_t batch_;
  std::vector<engine::Event> pending_;
};

// A ShopStore decorator that times Commit (wall clock, fsync included; and the calling
// thread's CPU time) for the breakdowns.
// Used from the one thread that uses the store, like any ShopStore.
class TimingStore final : public app::ShopStore {
 public:
  explicit TimingStore(app::ShopStore& inner) : inner_(inner) {}
  using app::ShopStore::Commit;
  Status Load(engine::Engine& engine) override { return inner_.Load(engine); }
  Status Commit(const std::vector<engine::Event>& events, const std::vector<app::KeyedReply>& replies,
                const engine::ShopState& state) override;
  Result<std::optional<app::KeyedReply>> FindReply(const std::string& key) override { return inner_.FindReply(key); }
  Status ReplayEvents(const std::function<void(const engine::Event&)>& apply) override {
    return inner_.ReplayEvents(apply);
  }

  double commit_seconds = 0;
  double commit_cpu_seconds = 0;
  size_t commits = 0;
  size_t events = 0;
  std::vector<double> commit_times;  // seconds, one per Commit

 private:
  app::ShopStore& inner_;
};

// Queue and order-book figures of a state.
struct BookFigures {
  size_t skus = 0;
  size_t skus_waiting = 0;  // SKUs with a non-empty queue
  size_t lines_waiting = 0;
  int64_t units_waiting = 0;
  size_t open_orders = 0;
  size_t open_lines = 0;
};
BookFigures CountBook(const engine::ShopState& state);

}  // namespace belofte::bench
