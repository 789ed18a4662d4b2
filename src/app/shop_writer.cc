#include "app/shop_writer.h"

#include <pthread.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace belofte::app {

namespace {
constexpr size_t kMaxBatch = 20'000;  // commands per transaction: bounds latency and memory
}

ShopWriter::ShopWriter(engine::Engine& engine, ShopStore& store, CommitObserver on_commit)
    : engine_(engine), store_(store), on_commit_(std::move(on_commit)) {
  thread_ = std::thread([this] { Run(); });
}

ShopWriter::~ShopWriter() { Stop(); }

void ShopWriter::Submit(engine::Command command, Done done) {
  Enqueue(Pending{std::move(command), std::move(done), nullptr, nullptr, {}});
}

void ShopWriter::Submit(engine::Command command, Render render, Answer answer, Key key) {
  Enqueue(Pending{std::move(command), nullptr, std::move(render), std::move(answer), std::move(key)});
}

void ShopWriter::Enqueue(Pending pending) {
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(std::move(pending));
      queue_cv_.notify_one();
      return;
    }
  }
  Error stopped{ErrorKind::kInternal, "shutting_down", "The shop is shutting down.", {}, {}, {}};
  if (pending.done) {
    pending.done(std::move(stopped));
  } else {
    pending.answer(pending.render(engine_, Result<engine::Outcome>(std::move(stopped))));
  }
}

Result<engine::Outcome> ShopWriter::Execute(engine::Command command) {
  std::promise<Result<engine::Outcome>> promise;
  auto future = promise.get_future();
  Submit(std::move(command), [&promise](Result<engine::Outcome> r) { promise.set_value(std::move(r)); });
  return future.get();
}

void ShopWriter::Stop() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
    queue_cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

WriterStats ShopWriter::stats() const {
  std::lock_guard lock(queue_mu_);
  return stats_;
}

void ShopWriter::Run() {
  pthread_setname_np(pthread_self(), "shop-writer");  // for top, perf and gdb
  std::vector<Pending> batch;
  std::vector<Result<engine::Outcome>> results;
  std::vector<std::optional<Reply>> replies;
  std::vector<engine::Event> events;
  std::vector<KeyedReply> keyed;
  while (true) {
    batch.clear();
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }

    results.clear();
    replies.clear();
    events.clear();
    keyed.clear();
    uint64_t rejected = 0;
    {
      std::unique_lock lock(state_mu_);
      for (auto& p : batch) {
        if (!p.key.key.empty()) {
          if (auto earlier = FindKeyed(p.key.key, keyed)) {
            results.push_back(engine::Outcome{});
            replies.push_back(earlier->fingerprint == p.key.fingerprint
                                  ? Reply{earlier->status, earlier->body}
                                  : p.render(engine_, Error{ErrorKind::kUnprocessable, "idempotency_key_reused",
                                                            "This Idempotency-Key was used for another request.",
                                                            "Idempotency-Key", {}, {}}));
            continue;
          }
        }
        results.push_back(engine_.Execute(p.command, &events));
        if (!results.back().ok()) ++rejected;
        if (p.render) {
          replies.push_back(p.render(engine_, results.back()));
          if (!p.key.key.empty() && results.back().ok()) {
            keyed.push_back(KeyedReply{p.key.key, p.key.fingerprint, replies.back()->status, replies.back()->body});
          }
        } else {
          replies.emplace_back();
        }
      }
    }

    if (!events.empty() || !keyed.empty()) {
      // No lock held: only this thread mutates the engine, readers share it meanwhile.
      auto started = std::chrono::steady_clock::now();
      Status s = store_.Commit(events, keyed, engine_.state());
      if (on_commit_) {
        on_commit_(batch.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
      if (!s.ok()) {
        std::fprintf(stderr, "belofte: commit failed, stopping to protect the data: %s\n", s.error().message.c_str());
        std::abort();
      }
      // Orders closed by this batch are durable now and may leave memory.
      std::set<OrderId> touched;
      for (const auto& r : results) {
        if (!r.ok()) continue;
        if (r->order != 0) touched.insert(r->order);
        for (const auto& f : r->filled) touched.insert(f.order);
      }
      for (const auto& e : events) {
        if (const auto* c = std::get_if<engine::LineCancelled>(&e.body)) touched.insert(c->order);
      }
      std::unique_lock lock(state_mu_);
      engine_.EvictClosedOrders(std::vector<OrderId>(touched.begin(), touched.end()));
    }

    {
      std::lock_guard lock(queue_mu_);
      stats_.commands += batch.size();
      stats_.rejected += rejected;
      stats_.events += events.size();
      if (!events.empty()) stats_.batches++;
      stats_.largest_batch = std::max<uint64_t>(stats_.largest_batch, batch.size());
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) {
        batch[i].done(std::move(results[i]));
      } else {
        batch[i].answer(std::move(*replies[i]));
      }
    }
  }
}

std::optional<KeyedReply> ShopWriter::FindKeyed(const std::string& key, const std::vector<KeyedReply>& batch) {
  for (const auto& r : batch) {
    if (r.key == key) return r;
  }
  auto stored = store_.FindReply(key);
  if (!stored.ok()) {
    std::fprintf(stderr, "belofte: cannot read idempotency keys: %s\n", stored.error().message.c_str());
    std::abort();
  }
  return *stored;
}

}  // namespace belofte::app
