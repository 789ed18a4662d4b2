// status_page.h — StatusPage: the customer's order status page and its self-service actions.
//
// Public routes (no bearer token; the unguessable status token in the URL is the key):
//   GET  /status/{token}                the page: HTML, or JSON with `Accept: application/json`
//   POST /status/{token}/cancel         {lines?: [line_id...]} cancels what still waits
//   POST /status/{token}/ship-available ship_complete -> ship_available
//   POST /status/{token}/keep-waiting   the customer keeps waiting (no offers, no auto-cancel)
//   GET  /status/assets/status.js|.css  the page's script and style (a strict CSP forbids inline)
// A token that is malformed, unknown or guessed gets the same constant 404; the shape (22
// characters of URL-safe base64) is checked before any lookup. Actions need the shop's switch
// (NoticeSettings::self_*; 403 `self_service_disabled`), a JSON body (415 otherwise: this also
// stops cross-site form posts), and answer with the refreshed status JSON. Repeats are no-ops.
// The page never shows the e-mail address, internal order ids or anything of another order.
// Dutch when the customer's language starts with "nl", else English; `?lang=nl|en` overrides.
// See docs/status-page.md.
// Thread safety: Handle is thread-safe (reads under the writer's shared lock or on the
// history's read connection; writes go through the shop writer).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/shop_history.h"
#include "app/shop_writer.h"
#include "domain/time.h"

namespace belofte::api {

class StatusPage {
 public:
  struct Request {
    std::string op;            // the route's operation id (getStatusPage, cancelStatusLines ...)
    std::string token;         // the {token} path segment, percent-decoded
    std::string body;
    std::string content_type;  // the request's Content-Type header
    std::string accept;        // the request's Accept header
    std::string lang;          // ?lang= (nl|en; anything else is ignored)
    std::string done;          // ?done= (the action that just succeeded: the page says so)
  };
  struct Response {
    int status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  using Respond = std::function<void(Response)>;

  StatusPage(app::ShopWriter& writer, app::ShopHistory& history, std::function<Instant()> now);

  // Answers `request` (exactly once, possibly later from the writer thread) when its op is one of
  // the status routes; false (and no answer) otherwise.
  bool Handle(const Request& request, Respond respond);

  // True for 22 characters of URL-safe base64 (A-Z a-z 0-9 - _): the shape of NewStatusToken().
  static bool ValidTokenShape(std::string_view token);

 private:
  app::ShopWriter& writer_;
  app::ShopHistory& history_;
  std::function<Instant()> now_;
};

}  // namespace belofte::api
