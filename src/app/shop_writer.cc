#include "app/shop_writer.h"

#include <cstdio>
#include <cstdlib>
#include <set>

namespace belofte::app {

namespace {
constexpr size_t kMaxBatch = 20'000;  // commands per transaction: bounds latency and memory
}

ShopWriter::ShopWriter(engine::Engine& engine, ShopStore& store) : engine_(engine), store_(store) {
  thread_ = std::thread([this] { Run(); });
}

ShopWriter::~ShopWriter() { Stop(); }

void ShopWriter::Submit(engine::Command command, Done done) {
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(command), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  done(Error{ErrorKind::kInternal, "shutting_down", "The shop is shutting down.", {}, {}, {}});
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
  std::vector<Pending> batch;
  std::vector<Result<engine::Outcome>> results;
  std::vector<engine::Event> events;
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
    events.clear();
    uint64_t rejected = 0;
    {
      std::unique_lock lock(state_mu_);
      for (auto& p : batch) {
        results.push_back(engine_.Execute(p.command, &events));
        if (!results.back().ok()) ++rejected;
      }
    }

    if (!events.empty()) {
      // No lock held: only this thread mutates the engine, readers share it meanwhile.
      Status s = store_.Commit(events, engine_.state());
      if (!s.ok()) {
        std::fprintf(stderr, "belofte: commit failed, stopping to protect the data: %s\n", s.error().message.c_str());
        std::abort();
      }
      // Orders closed by this batch are durable now and may leave memory.
      std::set<OrderId> touched;
      for (const auto& r : results) {
        if (r.ok() && r->order != 0) touched.insert(r->order);
        if (r.ok()) {
          for (const auto& f : r->filled) touched.insert(f.order);
        }
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
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
  }
}

}  // namespace belofte::app
