// shop_writer.h — ShopWriter: the one writer of a shop, with group commit.
//
// Callers Submit commands from any thread. The writer thread takes every command waiting,
// executes them in arrival order against the engine (under an exclusive lock held only while
// applying, microseconds), then commits all of their events in one store transaction with no
// lock held, and only then completes each command's callback: acknowledged means durable
// (DESIGN "group commit"). While one batch commits, the next gathers; a lone command commits
// at once. Reads take the shared lock through Read() and never wait for a disk flush.
//
// Adapters that answer over a wire Submit with a Render: it runs on the writer thread right
// after the command applied, under the lock, so the answer shows exactly this command's effects
// (read your writes). With an idempotency key, the writer first looks for a committed answer
// under that key (in its batch, then in the store) and returns it without running the command
// again; otherwise the rendered answer is committed with the command's events.
//
// A failed commit leaves memory ahead of the disk; the writer cannot recover from that, so it
// reports the error and aborts the process: the next start loads the durable state.
// Thread safety: Submit, Execute, Read and stats are thread-safe. Stop is idempotent. The
// writer thread is named "shop-writer" (top -H, perf, gdb).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>

#include "app/shop_store.h"
#include "engine/engine.h"

namespace belofte::app {

struct WriterStats {
  uint64_t commands = 0;
  uint64_t rejected = 0;
  uint64_t batches = 0;
  uint64_t events = 0;
  uint64_t largest_batch = 0;
};

// An answer rendered for the wire: status code and body.
struct Reply {
  int status = 0;
  std::string body;
};

class ShopWriter {
 public:
  using Done = std::function<void(Result<engine::Outcome>)>;
  using Render = std::function<Reply(const engine::Engine&, const Result<engine::Outcome>&)>;
  using Answer = std::function<void(Reply)>;
  struct Key {
    std::string key;          // empty: not keyed
    std::string fingerprint;  // the request the key was used for
  };

  // Called on the writer thread after each durable commit: commands in it, seconds it took.
  using CommitObserver = std::function<void(size_t commands, double seconds)>;

  // REQUIRES: engine already loaded from store; both outlive the writer.
  ShopWriter(engine::Engine& engine, ShopStore& store, CommitObserver on_commit = nullptr);
  ~ShopWriter();  // Stop()s
  ShopWriter(const ShopWriter&) = delete;
  ShopWriter& operator=(const ShopWriter&) = delete;

  // Queues a command; `done` runs on the writer thread once the outcome is durable (or
  // rejected). After Stop, `done` runs at once with an error.
  void Submit(engine::Command command, Done done);
  // Submits and waits.
  Result<engine::Outcome> Execute(engine::Command command);

  // Queues a command whose answer is rendered on the writer thread; `answer` runs once it is
  // durable. A key reused for another request renders Error kUnprocessable
  // `idempotency_key_reused`.
  void Submit(engine::Command command, Render render, Answer answer, Key key = {});

  // Runs `read` with the engine under the shared lock.
  template <typename F>
  auto Read(F&& read) const {
    std::shared_lock lock(state_mu_);
    return read(static_cast<const engine::Engine&>(engine_));
  }

  // Stops taking commands, commits and acknowledges everything already queued, joins.
  void Stop();
  WriterStats stats() const;

 private:
  struct Pending {
    engine::Command command;
    Done done;      // either this ...
    Render render;  // ... or these two
    Answer answer;
    Key key;
  };
  void Enqueue(Pending pending);
  void Run();
  // A committed or batched answer under `key`.
  std::optional<KeyedReply> FindKeyed(const std::string& key, const std::vector<KeyedReply>& batch);

  engine::Engine& engine_;
  ShopStore& store_;
  CommitObserver on_commit_;
  mutable std::shared_mutex state_mu_;  // guards engine_ state between writer and readers

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;  // GUARDED_BY(queue_mu_)
  bool stopping_ = false;      // GUARDED_BY(queue_mu_)
  WriterStats stats_;          // GUARDED_BY(queue_mu_)
  std::thread thread_;
};

}  // namespace belofte::app
