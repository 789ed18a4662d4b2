// memory_store.h — MemoryStore: an in-memory ShopStore fake for writer tests.
//
// Records every committed batch; a test can hold commits (to watch batches gather behind a
// slow disk) and make the next commit fail. Thread safety: all members are thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "app/shop_store.h"

namespace belofte::testing {

class MemoryStore final : public app::ShopStore {
 public:
  Status Load(engine::Engine&) override { return Ok(); }

  using app::ShopStore::Commit;
  Status Commit(const std::vector<engine::Event>& events, const std::vector<app::KeyedReply>& replies,
                const engine::ShopState&) override {
    std::unique_lock lock(mu_);
    for (const auto& r : replies) replies_[r.key] = r;
    ++commits_started_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return !held_; });
    batches_.push_back(events);
    return Ok();
  }

  Result<std::optional<app::KeyedReply>> FindReply(const std::string& key) override {
    std::lock_guard lock(mu_);
    auto it = replies_.find(key);
    return it == replies_.end() ? std::nullopt : std::optional<app::KeyedReply>(it->second);
  }

  Status ReplayEvents(const std::function<void(const engine::Event&)>& apply) override {
    std::lock_guard lock(mu_);
    for (const auto& batch : batches_) {
      for (const auto& e : batch) apply(e);
    }
    return Ok();
  }

  void Hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void Release() {
    std::lock_guard lock(mu_);
    held_ = false;
    cv_.notify_all();
  }
  // Waits until `n` commits have started (bounded: 10 s).
  bool WaitForCommits(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return commits_started_ >= n; });
  }
  std::vector<std::vector<engine::Event>> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  int commits_started_ = 0;
  std::vector<std::vector<engine::Event>> batches_;
  std::map<std::string, app::KeyedReply> replies_;
};

}  // namespace belofte::testing
