#include "api/api.h"

#include "app/notice_settings_json.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "api/codec.h"
#include "api/problem.h"

namespace belofte::api {

extern const char* const kOpenApiDocument;  // openapi_document.cc, generated from openapi.json

namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;
constexpr size_t kMaxIdempotencyKey = 200;

// The routes, in the order they are matched. Patterns use ":name" for a path segment.
const std::vector<RouteInfo> kRoutes = {
    {"GET", "/healthz", "healthz", nullptr},
    {"GET", "/metrics", "metrics", nullptr},
    {"GET", "/api/v1/openapi.json", "openapi", nullptr},
    {"GET", "/api/v1/products", "listProducts", "read"},
    {"PUT", "/api/v1/products/:sku", "putProduct", "stock:write"},
    {"GET", "/api/v1/products/:sku", "getProduct", "read"},
    {"GET", "/api/v1/locations", "listLocations", "read"},
    {"PUT", "/api/v1/locations/:code", "putLocation", "stock:write"},
    {"POST", "/api/v1/stock/adjustments", "createAdjustment", "stock:write"},
    {"POST", "/api/v1/stock/counts", "createCount", "stock:write"},
    {"POST", "/api/v1/stock/receipts", "createReceipt", "stock:write"},
    {"GET", "/api/v1/stock/movements", "listMovements", "read"},
    {"POST", "/api/v1/orders", "createOrder", "orders:write"},
    {"GET", "/api/v1/orders", "listOrders", "read"},
    {"GET", "/api/v1/orders/:id", "getOrder", "read"},
    {"POST", "/api/v1/orders/:id/payment", "setPayment", "orders:write"},
    {"POST", "/api/v1/orders/:id/cancel", "cancelOrder", "orders:write"},
    {"POST", "/api/v1/orders/:id/shipments", "createShipment", "orders:write"},
    {"GET", "/api/v1/backorders", "listBackorders", "read"},
    {"POST", "/api/v1/backorders/:line_id/priority", "setBackorderPriority", "orders:write"},
    {"GET", "/api/v1/backorders/uncovered", "listUncoveredBackorders", "read"},
    {"GET", "/api/v1/availability/:sku", "getAvailability", "read"},
    {"GET", "/api/v1/promises/accuracy", "getPromiseAccuracy", "read"},
    {"GET", "/api/v1/orders/:id/promises", "listOrderPromises", "read"},
    {"GET", "/api/v1/settings/promises", "getPromiseSettings", "read"},
    {"PUT", "/api/v1/settings/promises", "putPromiseSettings", "admin"},
    {"GET", "/api/v1/notifications", "listNotifications", "read"},
    {"GET", "/api/v1/orders/:id/timeline", "getOrderTimeline", "read"},
    {"POST", "/api/v1/orders/:id/ship-policy", "setOrderShipPolicy", "orders:write"},
    {"GET", "/api/v1/settings/notifications", "getNoticeSettings", "read"},
    {"PUT", "/api/v1/settings/notifications", "putNoticeSettings", "admin"},
    {"POST", "/api/v1/timers/run", "runTimers", "admin"},
    {"GET", "/api/v1/suppliers", "listSuppliers", "read"},
    {"PUT", "/api/v1/suppliers/:code", "putSupplier", "stock:write"},
    {"GET", "/api/v1/suppliers/:code", "getSupplier", "read"},
    {"PUT", "/api/v1/suppliers/:code/products/:sku", "putSupplierProduct", "stock:write"},
    {"GET", "/api/v1/suppliers/:code/reliability", "getSupplierReliability", "read"},
    {"POST", "/api/v1/purchase-orders", "createPurchaseOrder", "stock:write"},
    {"GET", "/api/v1/purchase-orders", "listPurchaseOrders", "read"},
    {"GET", "/api/v1/purchase-orders/:id", "getPurchaseOrder", "read"},
    {"POST", "/api/v1/purchase-orders/:id/send", "sendPurchaseOrder", "stock:write"},
    {"POST", "/api/v1/purchase-orders/:id/confirm", "confirmPurchaseOrder", "stock:write"},
    {"POST", "/api/v1/purchase-orders/:id/expected-date", "movePurchaseOrderDate", "stock:write"},
    {"POST", "/api/v1/purchase-orders/:id/receipts", "receivePurchaseOrder", "stock:write"},
    {"POST", "/api/v1/purchase-orders/:id/cancel", "cancelPurchaseOrder", "stock:write"},
    // The customer's status page (status_page.h): public, the token in the path is the key.
    {"GET", "/status/assets/status.js", "getStatusScript", nullptr},
    {"GET", "/status/assets/status.css", "getStatusStyle", nullptr},
    {"GET", "/status/:token", "getOrderStatus", nullptr},
    {"POST", "/status/:token/cancel", "statusCancel", nullptr},
    {"POST", "/status/:token/ship-available", "statusShipAvailable", nullptr},
    {"POST", "/status/:token/keep-waiting", "statusKeepWaiting", nullptr},
};

int FromHex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && FromHex(s[i + 1]) >= 0 && FromHex(s[i + 2]) >= 0) {
      out += static_cast<char>(FromHex(s[i + 1]) * 16 + FromHex(s[i + 2]));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// Matches `path` against `pattern`, filling params. Trailing slashes do not match.
bool Match(std::string_view pattern, std::string_view path, std::map<std::string, std::string>* params) {
  auto ps = Segments(pattern);
  auto xs = Segments(path);
  if (ps.size() != xs.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (!ps[i].empty() && ps[i][0] == ':') {
      if (xs[i].empty()) return false;
      found[std::string(ps[i].substr(1))] = PercentDecode(xs[i], false);
    } else if (ps[i] != xs[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(start, amp - start);
    size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true);
    if (!key.empty()) out[key] = value;
    start = amp + 1;
  }
  return out;
}

HttpResponse Problem(const Error& e) {
  return HttpResponse{StatusOf(e), kProblemContentType, ProblemJson(e), {}};
}

HttpResponse JsonResponse(int status, const json& body) {
  return HttpResponse{status, kJsonContentType, body.dump(-1, ' ', false, json::error_handler_t::replace), {}};
}

app::Reply ToReply(const HttpResponse& r) { return app::Reply{r.status, r.body}; }

HttpResponse FromReply(const app::Reply& r) {
  return HttpResponse{r.status, r.status >= 400 ? kProblemContentType : kJsonContentType, r.body, {}};
}

Error NotFound(std::string code, std::string message) { return Error::NotFound(std::move(code), std::move(message)); }

}  // namespace

// One request in progress: answers exactly once, recording metrics and an access log line.
struct Api::Call {
  Api* api;
  HttpRequest request;
  Respond respond;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  const RouteInfo* route = nullptr;
  std::string path;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;
  std::string principal;
  bool answered = false;

  void Answer(HttpResponse response) {
    if (answered) return;
    answered = true;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string route_name = route ? route->pattern : "unmatched";
    api->metrics_.ObserveRequest(route_name, request.method, response.status, seconds);
    // Status-page tokens are keys: the log names the route, never the token.
    const std::string logged = path.rfind("/status/", 0) == 0 ? (route ? route->pattern : "/status/...") : path;
    if (api->options_.access_log) spdlog::info(R"({{"event":"request","method":"{}","path":"{}","route":"{}","status":{},"ms":{:.3f},"bytes":{},"principal":"{}"}})",
                 request.method, json(logged).get<std::string>().substr(0, 200), route_name, response.status,
                 seconds * 1000, response.body.size(), principal);
    response.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(response));
    api->in_flight_--;
  }

  // A query parameter `limit` within 1..1000 (default 100); nullopt after answering 400.
  std::optional<size_t> Limit() {
    auto it = query.find("limit");
    if (it == query.end()) return kDefaultLimit;
    auto v = ParseId(it->second);
    if (!v || *v > kMaxLimit) {
      Answer(Problem(Error::Invalid("invalid_limit", "limit must be an integer from 1 to 1000.", "limit")));
      return std::nullopt;
    }
    return static_cast<size_t>(*v);
  }

  // The order id of the path (`:id`); nullopt after answering 404.
  std::optional<OrderId> OrderIdParam() {
    auto id = ParseId(params["id"]);
    if (!id) Answer(Problem(NotFound("unknown_order", "No order with id '" + params["id"] + "'.")));
    return id;
  }

  // A cursor that is the last id seen (0 when absent) into *after; false after answering 400.
  bool IdCursor(uint64_t* after) {
    std::string cursor = Query("cursor");
    if (cursor.empty()) return true;
    auto c = ParseId(cursor);
    if (!c) {
      Answer(Problem(Error::Invalid("invalid_cursor", "The cursor is not valid.", "cursor")));
      return false;
    }
    *after = *c;
    return true;
  }

  std::string Query(const char* name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

Api::Api(app::ShopWriter& writer, app::ShopHistory& history, Authenticator& auth, Metrics& metrics,
         std::function<Instant()> now, Options options)
    : writer_(writer), history_(history), auth_(auth), metrics_(metrics), now_(std::move(now)),
      options_(std::move(options)), status_page_(writer, history, now_) {}

const std::vector<RouteInfo>& Api::Routes() { return kRoutes; }

void Api::Handle(HttpRequest request, Respond respond) {
  in_flight_++;
  auto call = std::make_shared<Call>();
  call->api = this;
  call->respond = std::move(respond);
  std::string_view target = request.target;
  size_t q = target.find('?');
  call->path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) call->query = ParseQuery(target.substr(q + 1));
  call->request = std::move(request);

  if (draining_) {
    call->Answer(Problem(Error{ErrorKind::kInternal, "shutting_down", "The server is shutting down.", {}, {}, {}}));
    return;
  }
  bool path_known = false;
  std::string allowed;
  for (const auto& r : kRoutes) {
    std::map<std::string, std::string> params;
    if (!Match(r.pattern, call->path, &params)) continue;
    path_known = true;
    allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
    if (call->request.method == r.method) {
      call->route = &r;
      call->params = std::move(params);
      break;
    }
  }
  if (!call->route) {
    if (path_known) {
      HttpResponse r = Problem(Error{ErrorKind::kInvalid, "method_not_allowed",
                                     call->request.method + " is not allowed here; allowed: " + allowed + ".", {}, {}, {}});
      r.headers.emplace_back("Allow", allowed);
      call->Answer(std::move(r));
    } else {
      call->Answer(Problem(NotFound("not_found", "No such endpoint: " + call->path.substr(0, 200))));
    }
    return;
  }
  if (call->request.body.size() > options_.max_body_bytes) {
    call->Answer(Problem(Error{ErrorKind::kTooLarge, "body_too_large",
                               "The request body is larger than " + std::to_string(options_.max_body_bytes) + " bytes.",
                               {}, {}, {{"limit", std::to_string(options_.max_body_bytes)}}}));
    return;
  }
  if (call->route->scope) {
    auto who = auth_.Authenticate(call->request.authorization);
    if (!who.ok()) {
      HttpResponse r = Problem(who.error());
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      call->Answer(std::move(r));
      return;
    }
    call->principal = who->name;
    if (!who->Allows(call->route->scope)) {
      call->Answer(Problem(Error{ErrorKind::kForbidden, "forbidden",
                                 std::string("This token lacks the scope '") + call->route->scope + "'.",
                                 {}, {}, {{"required_scope", call->route->scope}}}));
      return;
    }
  }
  if (call->request.idempotency_key.size() > kMaxIdempotencyKey) {
    call->Answer(Problem(Error::Invalid("invalid_idempotency_key", "Idempotency-Key is at most 200 characters.",
                                        "Idempotency-Key")));
    return;
  }
  Dispatch(call);
}

void Api::Submit(const CallPtr& call, engine::Command command,
                 std::function<HttpResponse(const engine::Engine&, const engine::Outcome&)> ok) {
  app::ShopWriter::Key key;
  if (!call->request.idempotency_key.empty()) {
    key.key = call->request.idempotency_key;
    key.fingerprint = Sha256Hex(call->request.method + " " + call->path + "\n" + call->request.body);
  }
  app::ShopHistory* history = &history_;
  const bool is_payment = std::holds_alternative<engine::SetPayment>(command);
  const bool is_cancel = std::holds_alternative<engine::CancelOrder>(command);
  writer_.Submit(
      std::move(command),
      [ok = std::move(ok), history, is_payment, is_cancel](const engine::Engine& engine,
                                                           const Result<engine::Outcome>& r) -> app::Reply {
        if (r.ok()) return ToReply(ok(engine, *r));
        Error e = r.error();
        std::string order_id;
        for (const auto& [k, v] : e.data) {
          if (k == "order_id") order_id = v;
        }
        if (e.code == "unknown_order" && e.kind == ErrorKind::kNotFound && !order_id.empty()) {
          // The engine knows only open orders: a closed one is a conflict, not a stranger.
          auto stored = history->FindOrder(ParseId(order_id).value_or(0));
          if (stored.ok() && stored->has_value()) {
            if (is_payment && (*stored)->payment == Payment::kRefunded) {
              e = Error::Conflict("order_refunded", "The order was refunded; its payment can no longer change.",
                                  "payment");
            } else if (is_cancel) {
              e = Error::Conflict("nothing_to_cancel", "Everything in the order has shipped or was cancelled already.");
            } else {
              e = Error::Conflict("order_closed", "The order has been shipped or cancelled in full.");
            }
            e.data.emplace_back("order_id", order_id);
          }
        }
        return ToReply(Problem(e));
      },
      [call](app::Reply reply) { call->Answer(FromReply(reply)); }, std::move(key));
}

std::optional<json> Api::OrderView(OrderId id, const engine::Engine* engine) {
  if (engine) {
    if (const Order* o = engine->state().FindOrder(id)) return OrderJson(*o, engine, engine->state(), options_.public_url);
  }
  auto stored = history_.FindOrder(id);
  if (!stored.ok() || !stored->has_value()) return std::nullopt;
  return writer_.Read([&](const engine::Engine& e) {
    if (const Order* o = e.state().FindOrder(id)) return OrderJson(*o, &e, e.state(), options_.public_url);
    return OrderJson(**stored, nullptr, e.state(), options_.public_url);
  });
}

void Api::Dispatch(const CallPtr& call) {
  const std::string op = call->route->operation_id;
  const std::string& body = call->request.body;
  ParseContext ctx;
  ctx.now = now_();
  ctx.price = [this](const std::string& sku) -> std::optional<Money> {
    return writer_.Read([&](const engine::Engine& e) -> std::optional<Money> {
      const engine::SkuState* s = e.state().FindSku(sku);
      return s ? std::optional<Money>(s->product.price) : std::nullopt;
    });
  };
  auto order_id = [&call] { return call->OrderIdParam(); };
  // Renders an order after a command, with what it passed on to other orders.
  auto order_change = [this](int status) {
    return [this, status](const engine::Engine& e, const engine::Outcome& out) {
      const Order* o = e.state().FindOrder(out.order);
      json j = o ? OrderJson(*o, &e, e.state(), options_.public_url) : json::object();
      j["filled"] = FillsJson(out.filled);
      j["ready_orders"] = IdsJson(out.ready_orders);
      return JsonResponse(status, j);
    };
  };
  auto stock_change = [](const std::string& sku) {
    return [sku](const engine::Engine& e, const engine::Outcome& out) {
      json movements = json::array();
      for (const auto& m : out.movements) movements.push_back(MovementJson(m, e.state()));
      const engine::SkuState* s = e.state().FindSku(sku);
      return JsonResponse(201, json{{"movements", movements},
                                    {"filled", FillsJson(out.filled)},
                                    {"ready_orders", IdsJson(out.ready_orders)},
                                    {"stock", s ? StockJson(*s, e.state()) : json(nullptr)}});
    };
  };
  // Answers a parse error, or submits the parsed command.
  auto submit = [&](auto parsed, auto ok) {
    if (!parsed.ok()) return call->Answer(Problem(parsed.error()));
    Submit(call, std::move(parsed.value()), std::move(ok));
  };

  if (op == "healthz") {
    json j = writer_.Read([](const engine::Engine& e) {
      return json{{"status", "ok"}, {"events", e.state().last_seq}, {"orders_open", e.state().orders.size()}};
    });
    return call->Answer(JsonResponse(200, j));
  }
  if (op == "metrics") {
    std::string text = writer_.Read([this](const engine::Engine& e) { return metrics_.Render(e); });
    return call->Answer(HttpResponse{200, "text/plain; version=0.0.4", std::move(text), {}});
  }
  if (op == "openapi") return call->Answer(HttpResponse{200, kJsonContentType, kOpenApiDocument, {}});

  if (op == "putProduct") {
    const std::string sku = call->params["sku"];
    return submit(ParseProduct(sku, body, ctx), [sku](const engine::Engine& e, const engine::Outcome& out) {
      return JsonResponse(out.created ? 201 : 200, ProductJson(e.state().skus.at(sku), e.state()));
    });
  }
  if (op == "getProduct") {
    const std::string sku = call->params["sku"];
    auto j = writer_.Read([&](const engine::Engine& e) -> std::optional<json> {
      const engine::SkuState* s = e.state().FindSku(sku);
      return s ? std::optional<json>(ProductJson(*s, e.state())) : std::nullopt;
    });
    if (!j) return call->Answer(Problem(NotFound("unknown_sku", "No product with SKU '" + sku + "'.").With("sku", sku)));
    return call->Answer(JsonResponse(200, *j));
  }
  if (op == "listProducts") {
    auto limit = call->Limit();
    if (!limit) return;
    std::string after = call->Query("cursor");
    json page = writer_.Read([&](const engine::Engine& e) {
      std::lock_guard lock(skus_mu_);
      if (sorted_skus_.size() != e.state().skus.size()) {  // products are never deleted: size tells
        sorted_skus_.clear();
        for (const auto& [code, s] : e.state().skus) sorted_skus_.push_back(code);
        std::sort(sorted_skus_.begin(), sorted_skus_.end());
      }
      json items = json::array();
      auto it = std::upper_bound(sorted_skus_.begin(), sorted_skus_.end(), after);
      for (; it != sorted_skus_.end() && items.size() < *limit; ++it) {
        items.push_back(ProductJson(e.state().skus.at(*it), e.state()));
      }
      json next = it != sorted_skus_.end() && !items.empty() ? json(items.back()["sku"]) : json(nullptr);
      return json{{"items", items}, {"next_cursor", next}};
    });
    return call->Answer(JsonResponse(200, page));
  }
  if (op == "putLocation") {
    const std::string code = call->params["code"];
    return submit(ParseLocation(code, body, ctx), [code](const engine::Engine& e, const engine::Outcome& out) {
      return JsonResponse(out.created ? 201 : 200, LocationJson(*e.state().FindLocation(code)));
    });
  }
  if (op == "listLocations") {
    json items = writer_.Read([](const engine::Engine& e) {
      json out = json::array();
      for (const auto& l : e.state().locations) out.push_back(LocationJson(l));
      return out;
    });
    return call->Answer(JsonResponse(200, json{{"items", items}, {"next_cursor", nullptr}}));
  }
  if (op == "createAdjustment") {
    auto parsed = ParseAdjustment(body, ctx);
    std::string sku = parsed.ok() ? parsed->sku : "";
    return submit(std::move(parsed), stock_change(sku));
  }
  if (op == "createCount") {
    auto parsed = ParseCount(body, ctx);
    std::string sku = parsed.ok() ? parsed->sku : "";
    return submit(std::move(parsed), stock_change(sku));
  }
  if (op == "createReceipt") {
    auto parsed = ParseReceipt(body, ctx);
    std::string sku = parsed.ok() ? parsed->sku : "";
    return submit(std::move(parsed), stock_change(sku));
  }
  if (op == "listMovements") {
    auto limit = call->Limit();
    if (!limit) return;
    std::string sku = call->Query("sku");
    if (sku.empty()) {
      return call->Answer(Problem(Error::Invalid("missing_field", "The query parameter 'sku' is required.", "sku")));
    }
    bool known = writer_.Read([&](const engine::Engine& e) { return e.state().FindSku(sku) != nullptr; });
    if (!known) return call->Answer(Problem(NotFound("unknown_sku", "No product with SKU '" + sku + "'.").With("sku", sku)));
    uint64_t before = 0;
    if (std::string cursor = call->Query("cursor"); !cursor.empty()) {
      auto c = ParseId(cursor);
      if (!c) return call->Answer(Problem(Error::Invalid("invalid_cursor", "The cursor is not valid.", "cursor")));
      before = *c;
    }
    auto rows = history_.ListMovements(sku, before, *limit + 1);  // one more tells whether a next page exists
    if (!rows.ok()) return call->Answer(Problem(rows.error()));
    bool more = rows->size() > *limit;
    if (more) rows->pop_back();
    json items = writer_.Read([&](const engine::Engine& e) {
      json out = json::array();
      for (const auto& m : *rows) out.push_back(MovementJson(m, e.state()));
      return out;
    });
    json next = more ? json(std::to_string(rows->back().id)) : json(nullptr);
    return call->Answer(JsonResponse(200, json{{"items", items}, {"next_cursor", next}}));
  }
  if (op == "createOrder") {
    auto parsed = ParseOrder(body, ctx);
    if (parsed.ok()) parsed->status_token = NewStatusToken();
    return submit(std::move(parsed), [this](const engine::Engine& e, const engine::Outcome& out) {
      const Order* o = e.state().FindOrder(out.order);
      std::optional<json> j = o ? std::optional<json>(OrderJson(*o, &e, e.state(), options_.public_url)) : std::nullopt;
      if (!j) {
        // An idempotent repeat of an order that has since closed: read it from history.
        auto stored = history_.FindOrder(out.order);
        if (stored.ok() && stored->has_value()) j = OrderJson(**stored, nullptr, e.state(), options_.public_url);
      }
      return JsonResponse(out.created ? 201 : 200, j.value_or(json::object()));
    });
  }
  if (op == "getOrder") {
    auto id = order_id();
    if (!id) return;
    auto j = writer_.Read([&](const engine::Engine& e) -> std::optional<json> {
      const Order* o = e.state().FindOrder(*id);
      return o ? std::optional<json>(OrderJson(*o, &e, e.state(), options_.public_url)) : std::nullopt;
    });
    if (!j) j = OrderView(*id, nullptr);
    if (!j) return call->Answer(Problem(NotFound("unknown_order", "No order with id " + std::to_string(*id) + ".")));
    return call->Answer(JsonResponse(200, *j));
  }
  if (op == "listOrders") {
    auto limit = call->Limit();
    if (!limit) return;
    app::OrderQuery q;
    q.limit = *limit + 1;  // one more tells whether a next page exists
    if (std::string status = call->Query("status"); !status.empty()) {
      q.status = ParseOrderStatus(status);
      if (!q.status) {
        return call->Answer(Problem(Error::Invalid("invalid_value",
                                                   "status must be one of open, backordered, ready, "
                                                   "partially_shipped, shipped, cancelled.",
                                                   "status")));
      }
    }
    q.channel = call->Query("channel");
    q.sku = call->Query("sku");
    if (std::string cursor = call->Query("cursor"); !cursor.empty()) {
      auto c = ParseId(cursor);
      if (!c) return call->Answer(Problem(Error::Invalid("invalid_cursor", "The cursor is not valid.", "cursor")));
      q.after = *c;
    }
    auto ids = history_.ListOrderIds(q);
    if (!ids.ok()) return call->Answer(Problem(ids.error()));
    bool more = ids->size() > *limit;
    if (more) ids->pop_back();
    json items = json::array();
    for (OrderId id : *ids) {
      if (auto j = OrderView(id, nullptr)) items.push_back(std::move(*j));
    }
    json next = more ? json(std::to_string(ids->back())) : json(nullptr);
    return call->Answer(JsonResponse(200, json{{"items", items}, {"next_cursor", next}}));
  }
  if (op == "setPayment" || op == "cancelOrder" || op == "createShipment") {
    auto id = order_id();
    if (!id) return;
    if (op == "setPayment") return submit(ParsePayment(*id, body, ctx), order_change(200));
    if (op == "cancelOrder") return submit(ParseCancel(*id, body, ctx), order_change(200));
    return submit(ParseShipment(*id, body, ctx), order_change(201));
  }
  if (op == "getAvailability") {
    const std::string sku = call->params["sku"];
    int64_t quantity = 1;
    if (std::string q = call->Query("quantity"); !q.empty()) {
      auto v = ParseId(q);
      if (!v || *v == 0 || *v > static_cast<uint64_t>(kMaxQuantityUnits)) {
        return call->Answer(Problem(Error::Invalid("invalid_quantity", "quantity must be a positive integer.", "quantity")
                                        .With("quantity", q.substr(0, 40))));
      }
      quantity = static_cast<int64_t>(*v);
    }
    if (std::string channel = call->Query("channel"); !channel.empty() && !ValidCode(channel)) {
      return call->Answer(Problem(
          Error::Invalid("invalid_channel", "A channel code is 1-64 characters of a-z 0-9 _ -.", "channel")));
    }
    Instant at = ctx.now;
    if (std::string a = call->Query("at"); !a.empty()) {
      auto parsed = Instant::Parse(a);
      if (!parsed) {
        return call->Answer(Problem(Error::Invalid("invalid_instant", "at must be an RFC 3339 instant.", "at")
                                        .With("at", a.substr(0, 40))));
      }
      at = *parsed;
    }
    auto answer = writer_.Read([&](const engine::Engine& e) -> std::optional<json> {
      const engine::SkuState* s = e.state().FindSku(sku);
      if (!s) return std::nullopt;
      return AvailabilityJson(sku, *s, e.promiser().Available(*s, Quantity(quantity), at.date()));
    });
    if (!answer) return call->Answer(Problem(NotFound("unknown_sku", "No product with SKU '" + sku + "'.").With("sku", sku)));
    return call->Answer(JsonResponse(200, *answer));
  }
  if (op == "listUncoveredBackorders") {
    auto limit = call->Limit();
    if (!limit) return;
    size_t offset = 0;
    if (std::string cursor = call->Query("cursor"); !cursor.empty()) {
      auto c = ParseId(cursor);
      if (!c) return call->Answer(Problem(Error::Invalid("invalid_cursor", "The cursor is not valid.", "cursor")));
      offset = static_cast<size_t>(*c);
    }
    json page = writer_.Read([&](const engine::Engine& e) {
      const auto all = e.promiser().Uncovered();
      json items = json::array();
      for (size_t i = offset; i < all.size() && items.size() < *limit; ++i) {
        const auto& u = all[i];
        const SupplierTerms* terms = e.state().PreferredTerms(u.sku);
        items.push_back({{"sku", u.sku},
                         {"uncovered", u.uncovered.units()},
                         {"backordered", u.backordered.units()},
                         {"incoming", u.incoming.units()},
                         {"lines", u.lines},
                         {"oldest_waiting_since", u.oldest_waiting_since.ToString()},
                         {"preferred_supplier", terms ? json(terms->supplier) : json(nullptr)}});
      }
      const size_t end = offset + items.size();
      return json{{"items", items}, {"next_cursor", end < all.size() ? json(std::to_string(end)) : json(nullptr)}};
    });
    return call->Answer(JsonResponse(200, page));
  }
  if (op == "getPromiseAccuracy") {
    const auto date_param = [&](const char* name) -> std::optional<Date> {
      std::string v = call->Query(name);
      return v.empty() ? std::nullopt : Date::Parse(v);
    };
    std::optional<Date> from = date_param("from");
    std::optional<Date> to = date_param("to");
    for (const char* name : {"from", "to"}) {
      if (call->Query(name).empty()) {
        return call->Answer(Problem(Error::Invalid("missing_field", std::string("The query parameter '") + name +
                                                                         "' is required (YYYY-MM-DD).", name)));
      }
    }
    if (!from || !to) {
      return call->Answer(Problem(Error::Invalid("invalid_date", "from and to must be dates YYYY-MM-DD.",
                                                 from ? "to" : "from")));
    }
    if (*to < *from) return call->Answer(Problem(Error::Invalid("invalid_range", "to is before from.", "to")));
    auto a = history_.Accuracy(*from, *to);
    if (!a.ok()) return call->Answer(Problem(a.error()));
    const auto share = [&](int64_t k) { return a->lines > 0 ? static_cast<double>(k) / static_cast<double>(a->lines) : 0.0; };
    return call->Answer(JsonResponse(200, json{{"from", from->ToString()},
                                               {"to", to->ToString()},
                                               {"lines", a->lines},
                                               {"first", {{"p50_kept", share(a->first_p50_kept)}, {"p90_kept", share(a->first_p90_kept)}}},
                                               {"last", {{"p50_kept", share(a->last_p50_kept)}, {"p90_kept", share(a->last_p90_kept)}}},
                                               {"mean_days_late_p90", a->mean_days_late_p90}}));
  }
  if (op == "listOrderPromises") {
    auto id = order_id();
    if (!id) return;
    auto stored = history_.FindOrder(*id);
    if (!stored.ok()) return call->Answer(Problem(stored.error()));
    if (!stored->has_value()) {
      return call->Answer(Problem(NotFound("unknown_order", "No order with id " + std::to_string(*id) + ".")
                                      .With("order_id", std::to_string(*id))));
    }
    auto records = history_.Promises(*id);
    if (!records.ok()) return call->Answer(Problem(records.error()));
    json items = json::array();
    for (const auto& r : records->records) {
      items.push_back({{"line_id", std::to_string(r.line)},
                       {"sku", r.sku},
                       {"kind", r.kind},
                       {"at", r.at.ToString()},
                       {"promise", PromiseJson(r.promise)},
                       {"previous", r.previous ? PromiseJson(*r.previous) : json(nullptr)}});
    }
    json outcomes = json::array();
    for (const auto& o : records->outcomes) {
      const auto kept = [&](const Promise& p) {
        return json{{"p50", p.p50.ToString()}, {"p90", p.p90.ToString()},
                    {"p50_kept", o.shipped_on <= p.p50}, {"p90_kept", o.shipped_on <= p.p90}};
      };
      outcomes.push_back({{"line_id", std::to_string(o.line)},
                          {"shipped_on", o.shipped_on.ToString()},
                          {"first", kept(o.first)},
                          {"last", kept(o.last)}});
    }
    return call->Answer(
        JsonResponse(200, json{{"order_id", std::to_string(*id)}, {"items", items}, {"outcomes", outcomes}}));
  }
  if (op == "getPromiseSettings") {
    json s = writer_.Read([](const engine::Engine& e) { return PromiseSettingsJson(e.state().promise_settings); });
    return call->Answer(JsonResponse(200, s));
  }
  if (op == "putPromiseSettings") {
    auto current = writer_.Read([](const engine::Engine& e) { return e.state().promise_settings; });
    return submit(ParsePromiseSettings(body, current, ctx), [](const engine::Engine& e, const engine::Outcome&) {
      return JsonResponse(200, PromiseSettingsJson(e.state().promise_settings));
    });
  }
  if (op == "listBackorders") {
    auto limit = call->Limit();
    if (!limit) return;
    std::string sku = call->Query("sku");
    std::string cursor = call->Query("cursor");  // "<sku>:<position>": continue after that entry
    std::string from_sku;
    int64_t after_position = 0;
    if (!cursor.empty()) {
      size_t colon = cursor.rfind(':');
      auto pos = colon == std::string::npos ? std::nullopt : ParseId(cursor.substr(colon + 1));
      if (!pos) return call->Answer(Problem(Error::Invalid("invalid_cursor", "The cursor is not valid.", "cursor")));
      from_sku = cursor.substr(0, colon);
      after_position = static_cast<int64_t>(*pos);
    }
    auto page = writer_.Read([&](const engine::Engine& e) -> std::optional<json> {
      std::vector<std::string> skus;
      if (!sku.empty()) {
        if (!e.state().FindSku(sku)) return std::nullopt;
        skus.push_back(sku);
      } else {
        for (const auto& [code, s] : e.state().skus) {
          if (!s.queue.empty() && code >= from_sku) skus.push_back(code);
        }
        std::sort(skus.begin(), skus.end());
      }
      json items = json::array();
      std::string next;
      for (const auto& code : skus) {
        int64_t skip = code == from_sku ? after_position : 0;
        for (const auto& entry : e.Queue(code, static_cast<size_t>(skip) + *limit - items.size() + 1)) {
          if (entry.position <= skip) continue;
          if (items.size() == *limit) {
            next = items.back()["sku"].get<std::string>() + ":" + std::to_string(items.back()["position"].get<int64_t>());
            break;
          }
          items.push_back(BackorderJson(entry, code, e.state()));
        }
        if (!next.empty()) break;
      }
      return json{{"items", items}, {"next_cursor", next.empty() ? json(nullptr) : json(next)}};
    });
    if (!page) return call->Answer(Problem(NotFound("unknown_sku", "No product with SKU '" + sku + "'.").With("sku", sku)));
    return call->Answer(JsonResponse(200, *page));
  }
  if (op == "setBackorderPriority") {
    auto line = ParseId(call->params["line_id"]);
    if (!line) {
      return call->Answer(Problem(NotFound("unknown_line", "No order line with id '" + call->params["line_id"] + "'.")));
    }
    return submit(ParsePriority(*line, body, ctx), [id = *line](const engine::Engine& e, const engine::Outcome&) {
      auto [order, l] = e.state().FindLine(id);
      if (!l) {
        // A bundle line: its component lines took the priority (docs/bundles.md).
        const BundleLine* bundle = order->FindBundle(id);
        int32_t priority = 0;
        for (const auto& c : order->lines) {
          if (c.bundle_line == id) priority = c.priority;
        }
        return JsonResponse(200, json{{"line_id", std::to_string(id)},
                                      {"order_id", std::to_string(order->id)},
                                      {"sku", bundle ? bundle->sku : ""},
                                      {"priority", priority},
                                      {"position", 0}});
      }
      return JsonResponse(200, json{{"line_id", std::to_string(id)},
                                    {"order_id", std::to_string(order->id)},
                                    {"sku", l->sku},
                                    {"priority", l->priority},
                                    {"position", e.QueuePosition(id)}});
    });
  }
  if (DispatchPurchasing(call, op, ctx)) return;
  if (DispatchNotices(call, op, ctx)) return;
  if (DispatchStatus(call, op)) return;
  call->Answer(Problem(Error::Internal("no handler for " + op)));
}

bool Api::DispatchPurchasing(const CallPtr& call, const std::string& op, const ParseContext& ctx) {
  const std::string& body = call->request.body;
  auto submit = [&](auto parsed, auto ok) {
    if (!parsed.ok()) return call->Answer(Problem(parsed.error()));
    Submit(call, std::move(parsed.value()), std::move(ok));
  };
  auto po_answer = [](int status) {
    return [status](const engine::Engine& e, const engine::Outcome& out) {
      const PurchaseOrder* po = e.state().FindPurchaseOrder(out.purchase_order);
      return JsonResponse(status, po ? PurchaseOrderJson(*po) : json::object());
    };
  };
  auto unknown_supplier = [&](const std::string& code) {
    call->Answer(Problem(NotFound("unknown_supplier", "No supplier with code '" + code + "'.").With("supplier", code)));
  };

  if (op == "listSuppliers") {
    json items = writer_.Read([](const engine::Engine& e) {
      json out = json::array();
      for (const auto& [code, s] : e.state().suppliers) out.push_back(SupplierJson(s, false));
      return out;
    });
    call->Answer(JsonResponse(200, json{{"items", items}, {"next_cursor", nullptr}}));
    return true;
  }
  if (op == "putSupplier") {
    const std::string code = call->params["code"];
    submit(ParseSupplier(code, body, ctx), [code](const engine::Engine& e, const engine::Outcome& out) {
      return JsonResponse(out.created ? 201 : 200, SupplierJson(*e.state().FindSupplier(code), true));
    });
    return true;
  }
  if (op == "getSupplier") {
    const std::string code = call->params["code"];
    auto j = writer_.Read([&](const engine::Engine& e) -> std::optional<json> {
      const engine::SupplierState* s = e.state().FindSupplier(code);
      return s ? std::optional<json>(SupplierJson(*s, true)) : std::nullopt;
    });
    if (!j) {
      unknown_supplier(code);
    } else {
      call->Answer(JsonResponse(200, *j));
    }
    return true;
  }
  if (op == "putSupplierProduct") {
    const std::string code = call->params["code"], sku = call->params["sku"];
    submit(ParseSupplierTerms(code, sku, body, ctx), [code, sku](const engine::Engine& e, const engine::Outcome& out) {
      return JsonResponse(out.created ? 201 : 200, SupplierTermsJson(e.state().FindSupplier(code)->terms.at(sku)));
    });
    return true;
  }
  if (op == "getSupplierReliability") {
    const std::string code = call->params["code"];
    auto j = writer_.Read([&](const engine::Engine& e) -> std::optional<json> {
      const engine::SupplierState* s = e.state().FindSupplier(code);
      return s ? std::optional<json>(ReliabilityJson(*s)) : std::nullopt;
    });
    if (!j) {
      unknown_supplier(code);
    } else {
      call->Answer(JsonResponse(200, *j));
    }
    return true;
  }
  if (op == "createPurchaseOrder") {
    submit(ParsePurchaseOrder(body, ctx), po_answer(201));
    return true;
  }
  if (op == "listPurchaseOrders") {
    auto limit = call->Limit();
    if (!limit) return true;
    std::string supplier = call->Query("supplier");
    std::optional<PurchaseOrderStatus> status;
    if (std::string s = call->Query("status"); !s.empty()) {
      status = ParsePurchaseOrderStatus(s);
      if (!status) {
        call->Answer(Problem(Error::Invalid("invalid_value",
                                            "status must be one of draft, sent, confirmed, partially_received, "
                                            "received, cancelled.",
                                            "status")));
        return true;
      }
    }
    uint64_t after = 0;
    if (!call->IdCursor(&after)) return true;
    json page = writer_.Read([&](const engine::Engine& e) {
      json items = json::array();
      std::string next;
      for (auto it = e.state().purchase_orders.upper_bound(after); it != e.state().purchase_orders.end(); ++it) {
        const PurchaseOrder& po = it->second;
        if (!supplier.empty() && po.supplier != supplier) continue;
        if (status && po.status != *status) continue;
        if (items.size() == *limit) {
          next = items.back()["id"].get<std::string>();
          break;
        }
        items.push_back(PurchaseOrderJson(po));
      }
      return json{{"items", items}, {"next_cursor", next.empty() ? json(nullptr) : json(next)}};
    });
    call->Answer(JsonResponse(200, page));
    return true;
  }
  auto po_id = ParseId(call->params["id"]);
  bool is_po_op = op == "getPurchaseOrder" || op == "sendPurchaseOrder" || op == "confirmPurchaseOrder" ||
                  op == "movePurchaseOrderDate" || op == "receivePurchaseOrder" || op == "cancelPurchaseOrder";
  if (!is_po_op) return false;
  if (!po_id) {
    call->Answer(Problem(NotFound("unknown_purchase_order", "No purchase order with id '" + call->params["id"] + "'.")));
    return true;
  }
  if (op == "getPurchaseOrder") {
    auto j = writer_.Read([&](const engine::Engine& e) -> std::optional<json> {
      const PurchaseOrder* po = e.state().FindPurchaseOrder(*po_id);
      return po ? std::optional<json>(PurchaseOrderJson(*po)) : std::nullopt;
    });
    if (!j) {
      call->Answer(Problem(NotFound("unknown_purchase_order", "No purchase order with id " + std::to_string(*po_id) + ".")));
    } else {
      call->Answer(JsonResponse(200, *j));
    }
    return true;
  }
  if (op == "sendPurchaseOrder") submit(ParseSend(*po_id, body, ctx), po_answer(200));
  if (op == "confirmPurchaseOrder") submit(ParseConfirm(*po_id, body, ctx), po_answer(200));
  if (op == "movePurchaseOrderDate") submit(ParseMove(*po_id, body, ctx), po_answer(200));
  if (op == "cancelPurchaseOrder") submit(ParsePurchaseCancel(*po_id, body, ctx), po_answer(200));
  if (op == "receivePurchaseOrder") {
    auto parsed = ParsePurchaseReceipt(*po_id, body, ctx);
    std::string location = parsed.ok() ? parsed->location : "";
    Instant at = parsed.ok() ? parsed->at : Instant();
    submit(std::move(parsed), [location, at](const engine::Engine& e, const engine::Outcome& out) {
      const PurchaseOrder* po = e.state().FindPurchaseOrder(out.purchase_order);
      json lines = json::array();
      for (const auto& m : out.movements) {
        int64_t over = 0;
        for (const auto& o : out.over_received) {
          if (o.sku == m.sku) over = o.quantity.units();
        }
        lines.push_back({{"sku", m.sku}, {"quantity", m.quantity.units()}, {"over_received", over},
                         {"movement_id", std::to_string(m.id)}});
      }
      json receipt{{"purchase_order_id", std::to_string(out.purchase_order)},
                   {"location", location},
                   {"at", at.ToString()},
                   {"lines", lines}};
      return JsonResponse(201, json{{"receipt", receipt},
                                    {"filled", FillsJson(out.filled)},
                                    {"ready_orders", IdsJson(out.ready_orders)},
                                    {"purchase_order", po ? PurchaseOrderJson(*po) : json(nullptr)}});
    });
  }
  return true;
}

namespace {

json NotificationJson(const app::NotificationRecord& n) {
  return json{{"id", std::to_string(n.id)},
              {"order_id", std::to_string(n.order)},
              {"kind", n.kind},
              {"to", n.to},
              {"language", n.language},
              {"status", n.status},
              {"attempts", n.attempts},
              {"created_at", n.created_at.ToString()},
              {"sent_at", n.sent_at ? json(*n.sent_at) : json(nullptr)},
              {"last_error", n.last_error ? json(*n.last_error) : json(nullptr)}};
}

// What kind of thing an event of an order is, for the customer-service timeline.
const char* TimelineCategory(std::string_view type) {
  if (type == "notice_queued") return "notice";
  if (type.starts_with("promise_")) return "promise";
  if (type == "ship_policy_changed" || type == "wait_accepted") return "choice";
  if (type == "payment_changed") return "payment";
  return "order";
}

// One line in English for the agent answering "where is my order?".
std::string TimelineSummary(std::string_view type, const json& d) {
  const auto str = [&](const char* k) { return d.contains(k) && d[k].is_string() ? d[k].get<std::string>() : std::string(); };
  const auto num = [&](const char* k) { return d.contains(k) && d[k].is_number() ? std::to_string(d[k].get<int64_t>()) : std::string("?"); };
  if (type == "order_placed") return "Order placed";
  if (type == "backorder_filled") return num("quantity") + " x " + str("sku") + " arrived for line " + num("line_id");
  if (type == "allocation_returned") return num("quantity") + " x " + str("sku") + " went back to waiting (line " + num("line_id") + ")";
  if (type == "allocation_moved") return num("quantity") + " x " + str("sku") + " reserved at another location";
  if (type == "line_shipped") return num("quantity") + " x " + str("sku") + " shipped";
  if (type == "line_cancelled") return str("sku") + " cancelled (" + str("reason") + ")";
  if (type == "payment_changed") return "Payment: " + str("payment");
  if (type == "line_priority_set") return "Queue priority of line " + num("line_id") + " set to " + num("priority");
  if (type == "ship_policy_changed") return "Ship policy " + str("ship_policy") + " (by " + str("by") + ")";
  if (type == "wait_accepted") return "The customer chose to keep waiting";
  if (type.starts_with("promise_") && d.contains("promise")) {
    std::string s = str("sku") + ": ships by " + d["promise"].value("p90", "") + " (" + d["promise"].value("basis", "") + ")";
    if (d.contains("previous")) s += ", was " + d["previous"].value("p90", "");
    return s + (type == "promise_changed" ? "; the customer is told" : type == "promise_given" ? "; first promise" : "");
  }
  if (type == "notice_queued") return "Notice '" + str("kind") + "' to the customer";
  return std::string(type);
}

}  // namespace

bool Api::DispatchNotices(const CallPtr& call, const std::string& op, const ParseContext& ctx) {
  const std::string& body = call->request.body;
  auto order_id = [&call] { return call->OrderIdParam(); };
  auto unknown_order = [&](OrderId id) {
    call->Answer(Problem(NotFound("unknown_order", "No order with id " + std::to_string(id) + ".")
                             .With("order_id", std::to_string(id))));
  };
  if (op == "listNotifications") {
    auto limit = call->Limit();
    if (!limit) return true;
    OrderId order = 0;
    if (std::string o = call->Query("order_id"); !o.empty()) {
      auto id = ParseId(o);
      if (!id) {
        call->Answer(Problem(Error::Invalid("invalid_id", "order_id must be an order id.", "order_id").With("order_id", o.substr(0, 40))));
        return true;
      }
      order = *id;
    }
    uint64_t after = 0;
    if (!call->IdCursor(&after)) return true;
    auto rows = history_.Notifications(order, after, *limit + 1);
    if (!rows.ok()) {
      call->Answer(Problem(rows.error()));
      return true;
    }
    json items = json::array();
    for (size_t i = 0; i < rows->size() && i < *limit; ++i) items.push_back(NotificationJson((*rows)[i]));
    json next = rows->size() > *limit ? json(std::to_string((*rows)[*limit - 1].id)) : json(nullptr);
    call->Answer(JsonResponse(200, json{{"items", items}, {"next_cursor", next}}));
    return true;
  }
  if (op == "getOrderTimeline") {
    auto id = order_id();
    if (!id) return true;
    auto stored = history_.FindOrder(*id);
    if (!stored.ok()) {
      call->Answer(Problem(stored.error()));
      return true;
    }
    if (!stored->has_value()) {
      unknown_order(*id);
      return true;
    }
    auto events = history_.OrderEvents(*id);
    auto notices = history_.Notifications(*id, 0, 100'000);
    if (!events.ok() || !notices.ok()) {
      call->Answer(Problem(!events.ok() ? events.error() : notices.error()));
      return true;
    }
    std::map<uint64_t, const app::NotificationRecord*> by_id;
    for (const auto& n : *notices) by_id[n.id] = &n;
    json items = json::array();
    for (const auto& e : *events) {
      json data = json::parse(e.payload, nullptr, false);
      if (e.type == "notice_queued" && data.is_object()) {
        data.erase("status_token");  // the customer's key, not for the agent's screen
        data.erase("to");
      }
      if (e.type == "order_placed" && data.is_object()) data.erase("status_token");
      json item{{"seq", std::to_string(e.seq)},
                {"at", e.at.ToString()},
                {"type", e.type},
                {"category", TimelineCategory(e.type)},
                {"summary", TimelineSummary(e.type, data)},
                {"data", data}};
      if (auto n = by_id.find(e.seq); n != by_id.end()) item["notification"] = NotificationJson(*n->second);
      items.push_back(std::move(item));
    }
    call->Answer(JsonResponse(200, json{{"order_id", std::to_string(*id)}, {"items", items}}));
    return true;
  }
  if (op == "setOrderShipPolicy") {
    auto id = order_id();
    if (!id) return true;
    auto parsed = ParseShipPolicyChange(*id, body, ctx);
    if (!parsed.ok()) {
      call->Answer(Problem(parsed.error()));
      return true;
    }
    Submit(call, std::move(parsed.value()), [this](const engine::Engine& e, const engine::Outcome& out) {
      const Order* o = e.state().FindOrder(out.order);
      return JsonResponse(200, o ? OrderJson(*o, &e, e.state(), options_.public_url) : json::object());
    });
    return true;
  }
  if (op == "getNoticeSettings") {
    json s = writer_.Read([](const engine::Engine& e) { return app::NoticeSettingsJson(e.state().notice_settings); });
    call->Answer(JsonResponse(200, s));
    return true;
  }
  if (op == "putNoticeSettings") {
    auto current = writer_.Read([](const engine::Engine& e) { return e.state().notice_settings; });
    auto parsed = ParseNoticeSettings(body, current, ctx);
    if (!parsed.ok()) {
      call->Answer(Problem(parsed.error()));
      return true;
    }
    Submit(call, std::move(parsed.value()), [](const engine::Engine& e, const engine::Outcome&) {
      return JsonResponse(200, app::NoticeSettingsJson(e.state().notice_settings));
    });
    return true;
  }
  if (op == "runTimers") {
    auto parsed = ParseRunTimers(body, ctx);
    if (!parsed.ok()) {
      call->Answer(Problem(parsed.error()));
      return true;
    }
    const uint64_t before = writer_.Read([](const engine::Engine& e) { return e.state().last_seq; });
    Submit(call, std::move(parsed.value()), [before](const engine::Engine& e, const engine::Outcome&) {
      return JsonResponse(200, json{{"events", e.state().last_seq - before}});
    });
    return true;
  }
  return false;
}

bool Api::DispatchStatus(const CallPtr& call, const std::string& op) {
  StatusPage::Request r;
  r.op = op;
  r.token = call->params["token"];
  r.body = call->request.body;
  r.content_type = call->request.content_type;
  r.accept = call->request.accept;
  r.lang = call->Query("lang");
  r.done = call->Query("done");
  return status_page_.Handle(r, [call](StatusPage::Response response) {
    call->Answer(HttpResponse{response.status, std::move(response.content_type), std::move(response.body),
                              std::move(response.headers)});
  });
}

}  // namespace belofte::api
