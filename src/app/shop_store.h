// shop_store.h — ShopStore: the port through which a shop's state becomes durable.
//
// The app layer owns this interface; adapters (store/sqlite_store, later PostgreSQL)
// implement it. Commit writes a batch of events and the rows they touched — read from the
// engine's state after the batch was applied — in one transaction: when it returns Ok the
// batch is durable, and when it fails nothing of it is. Load fills an engine with the live
// state from the rows; ReplayEvents rebuilds it from the event log (used by `check`).
// Answers to requests that carried an idempotency key are committed with the events they
// caused, in the same transaction, so a retried request gets the same answer and never runs
// twice — also across a crash.
// Thread safety: a ShopStore is used by one thread at a time (the shop's writer).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/engine.h"
#include "engine/event.h"

namespace belofte::app {

// The stored answer to a request made with an Idempotency-Key.
struct KeyedReply {
  std::string key;
  std::string fingerprint;  // what the request was (method, path, body): a key is for one request
  int status = 0;
  std::string body;
  bool operator==(const KeyedReply&) const = default;
};

class ShopStore {
 public:
  virtual ~ShopStore() = default;

  // Loads the live state (catalogue, stock, open orders, queues) into `engine`.
  virtual Status Load(engine::Engine& engine) = 0;

  // Durably writes `events`, the rows they touched (as `state` now holds them) and `replies`.
  virtual Status Commit(const std::vector<engine::Event>& events, const std::vector<KeyedReply>& replies,
                        const engine::ShopState& state) = 0;
  Status Commit(const std::vector<engine::Event>& events, const engine::ShopState& state) {
    return Commit(events, {}, state);
  }

  // The committed answer for an idempotency key, if any.
  virtual Result<std::optional<KeyedReply>> FindReply(const std::string& key) = 0;

  // Calls `apply` for every stored event in sequence order.
  virtual Status ReplayEvents(const std::function<void(const engine::Event&)>& apply) = 0;
};

}  // namespace belofte::app
