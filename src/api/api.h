// api.h — Api: the HTTP API of one shop, independent of the HTTP library.
//
// Handle() takes a transport-neutral HttpRequest and answers through a callback exactly once,
// possibly from another thread: reads answer at once from memory (under the writer's shared
// lock) or from the store's history; writes are submitted to the shop's writer and answered
// after their group commit is durable, with a body rendered right after the command applied.
// The route table (Routes()) is the single list of endpoints: the HTTP adapter, the OpenAPI
// test and the documentation follow it. Authentication and scopes are checked here.
// Thread safety: Handle is thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/auth.h"
#include "api/codec.h"
#include "api/metrics.h"
#include "api/status_page.h"
#include "app/shop_history.h"
#include "app/shop_writer.h"

namespace belofte::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as received: "/api/v1/orders?status=ready"
  std::string body;
  std::string authorization;    // header values, empty when absent
  std::string idempotency_key;
  std::string accept;
  std::string content_type;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using Respond = std::function<void(HttpResponse)>;

struct RouteInfo {
  const char* method;
  const char* pattern;       // "/api/v1/orders/:id"
  const char* operation_id;  // as in openapi.json
  const char* scope;         // nullptr: public
};

class Api {
 public:
  struct Options {
    std::string public_url = "http://127.0.0.1:8080";  // base of status links
    size_t max_body_bytes = 4 * 1024 * 1024;
    bool access_log = true;  // one JSON line per request on the default spdlog logger
  };

  Api(app::ShopWriter& writer, app::ShopHistory& history, Authenticator& auth, Metrics& metrics,
      std::function<Instant()> now, Options options);

  void Handle(HttpRequest request, Respond respond);

  // While draining, new requests get 503 (graceful shutdown); in-flight ones finish.
  void StartDraining() { draining_ = true; }
  int in_flight() const { return in_flight_; }

  static const std::vector<RouteInfo>& Routes();

 private:
  struct Call;  // one request in progress
  using CallPtr = std::shared_ptr<Call>;
  void Dispatch(const CallPtr& call);
  // Submits a command; `ok` renders the success answer on the writer thread.
  void Submit(const CallPtr& call, engine::Command command,
              std::function<HttpResponse(const engine::Engine&, const engine::Outcome&)> ok);
  // The purchasing endpoints; false when `op` is not one of them.
  bool DispatchPurchasing(const CallPtr& call, const std::string& op, const ParseContext& ctx);
  // Customer notices: the outbox, an order's timeline, notice settings, timers, ship policy.
  bool DispatchNotices(const CallPtr& call, const std::string& op, const ParseContext& ctx);
  // The customer's status page and its actions (status_page.h); false when `op` is not one of them.
  bool DispatchStatus(const CallPtr& call, const std::string& op);
  // An order as JSON from memory (live) or history (closed); nullopt when unknown.
  std::optional<json> OrderView(OrderId id, const engine::Engine* engine);

  app::ShopWriter& writer_;
  app::ShopHistory& history_;
  Authenticator& auth_;
  Metrics& metrics_;
  std::function<Instant()> now_;
  Options options_;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
  StatusPage status_page_;

  std::mutex skus_mu_;
  std::vector<std::string> sorted_skus_;  // GUARDED_BY(skus_mu_): for product list paging
};

}  // namespace belofte::api
