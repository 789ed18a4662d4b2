// templates.h — Renderer: turns a notice's payload (the JSON of its notice_queued event) into
// the e-mail the customer reads, in Dutch or English, with Mustache templates.
//
// Language: Dutch when the customer's language starts with "nl" (nl, nl-NL, nl-BE ...), else
// English. Each kind (order_confirmed, backordered, promise_changed, ready, shipped,
// still_waiting, cancel_offer, cancelled, compensation) has three templates per language:
// `{kind}.{lang}.subject`, `{kind}.{lang}.txt` and `{kind}.{lang}.html`; they share the partials
// `header`, `line_list` and `footer` (`{{> line_list}}`, files `line_list.{lang}.{txt|html}` ...). All are
// compiled in from src/notify/templates/*.mustache. A shop overrides any subset with files
// `{name}.mustache` in its templates directory (e.g. `backordered.nl.txt.mustache`,
// `footer.en.html.mustache`); the rest stays built in. Unknown file names in that directory
// are an error at Create (a typo would silently change nothing). A template that does not parse
// or render is an error of that notice (Render), never a crash; Check() tries every template.
//
// What templates see: name, shop_name, order_ref (the shop's own order number, else ours),
// order_id, status_url ({public_url}/status/{status_token}), subject (in txt/html), lines[]
// {name, sku, quantity, ordered, partial_line, has_promise, p50, p90 (dates in words),
// same_dates, basis_text, basis_in_stock|basis_purchase_order|basis_lead_time|basis_release_date,
// has_previous, previous_p90}, partial, has_voucher, voucher_code, has_percent, percent,
// reason_text, reason_max_wait|reason_second_slip|reason_customer|reason_shop|reason_unpaid.
// Text and subject templates are not escaped; HTML templates escape {{values}} for HTML.
//
// Thread safety: a Renderer is immutable after Create; Render and Check are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "notify/mailer.h"

namespace belofte::notify {

struct RendererOptions {
  std::string public_url;         // the shop's public base URL, e.g. "https://winkel.demok.nl"
  std::string shop_name;          // signs the notices: "Webshop De Mok"
  std::string message_id_domain;  // SmtpConfig::FromDomain(): Message-ID <belofte-notice-{id}@domain>
  std::string templates_dir;      // optional overrides; empty: built-in templates only
};

class Renderer {
 public:
  static Result<std::unique_ptr<Renderer>> Create(RendererOptions options);

  // The message for notification `id` (the seq of its event) from that event's payload.
  // Errors (payload not JSON, a field missing, unknown kind, a template that fails) carry the
  // template's name in their message: such a notice cannot be sent and goes dead.
  Result<Message> Render(int64_t id, std::string_view payload_json) const;

  // Renders every kind in both languages with a sample payload: the first failure, if any.
  Status Check() const;

  // The kinds of notices, in the order of the life of an order.
  static const std::vector<std::string>& Kinds();

 private:
  explicit Renderer(RendererOptions options) : options_(std::move(options)) {}
  Result<std::string> Template(const std::string& name) const;

  const RendererOptions options_;
  std::map<std::string, std::string> overrides_;  // name (without .mustache) -> text
};

// "nl" or "en" for a customer's language tag.
std::string NoticeLanguage(std::string_view language);
// A date "2026-12-03" in words: "donderdag 3 december 2026" (nl) / "Thursday 3 December 2026" (en).
Result<std::string> DateInWords(std::string_view iso_date, std::string_view lang);

}  // namespace belofte::notify
