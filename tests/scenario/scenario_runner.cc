#include "scenario/scenario_runner.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <cstdint>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/result.h"
#include "domain/promise.h"
#include "domain/purchase_order.h"
#include "domain/stock_movement.h"
#include "domain/supplier.h"
#include "engine/command.h"
#include "engine/engine.h"
#include "engine/event.h"
#include "engine/invariants.h"

namespace belofte::scenario {

namespace {

using engine::Command;
using engine::Engine;
using engine::Event;
using engine::Outcome;

constexpr char kStartOfTime[] = "2026-01-05T09:00:00Z";
constexpr int64_t kDefaultPriceCents = 1000;

// ---------------------------------------------------------------------------------------------
// Parsed steps

// `<order>.<n>`: the n-th line (1-based) of the order named `order`; `<order>.b<n>`: its n-th
// bundle line.
struct LineRef {
  std::string order;
  int64_t index = 0;
  bool bundle = false;
  std::string ToString() const { return order + (bundle ? ".b" : ".") + std::to_string(index); }
};

struct LineQty {
  LineRef line;
  int64_t quantity = 0;
};

struct SetClock {
  Instant at;
};

// A command that needs nothing from the run but its time (catalogue and stock commands).
struct PlainCommand {
  Command command;
};

struct OrderStep {
  std::string name;
  engine::PlaceOrder command;  // unit prices, `at` and (unless placed_given) placed_at set at run time
  bool placed_given = false;
};

struct PaymentStep {
  std::string order;
  Payment payment = Payment::kPaid;
};

struct CancelStep {
  std::string order;
  std::vector<LineQty> lines;
  std::string reason;
};

struct ShipStep {
  std::string order;
  std::string location = kMainLocation;
  std::vector<LineQty> lines;
};

struct PriorityStep {
  LineRef line;
  int32_t priority = 0;
};

// A purchase order: a name bound by an accepted `po` command, or `id:<N>` (a raw engine id,
// e.g. one that does not exist).
struct PoRef {
  std::string name;
  std::optional<PurchaseOrderId> id;
  std::string ToString() const { return id ? "id:" + std::to_string(*id) : name; }
};

struct PoCreateStep {
  std::string name;
  engine::CreatePurchaseOrder command;  // `at` set at run time
};

// send, confirm, move, receive-po, cancel-po: a command about one existing purchase order.
struct PoCommandStep {
  PoRef po;
  std::function<Command(PurchaseOrderId)> make;
};

struct ExpectLine {
  LineRef line;
  std::optional<int64_t> allocated, backordered, shipped, cancelled, priority;
  std::vector<std::pair<std::string, int64_t>> allocated_at;  // location code -> units
};

struct ExpectOrder {
  std::string order;
  std::optional<OrderStatus> status;
  std::optional<Payment> payment;
};

struct ExpectQueue {
  std::string sku;
  std::vector<LineQty> entries;  // empty: the queue is empty
};

struct ExpectStock {
  std::string sku;
  bool total = false;
  std::string location = kMainLocation;
  std::optional<int64_t> on_hand, allocated, free, backordered;
};

// What the most recent accepted command did to lines, per kind of report.
enum class LineReport { kFilled, kCancelled, kReturned, kMoved };

struct ExpectLineReport {
  LineReport kind = LineReport::kFilled;
  std::vector<LineQty> entries;  // empty: none
  std::optional<std::string> reason;
};

struct ExpectReady {
  std::vector<std::string> orders;  // empty: none
};

struct ExpectShortage {
  std::string sku;
  int64_t requested = 0;
  int64_t available = 0;
};

struct ExpectSame {
  std::string first;
  std::string second;
};

struct ExpectEvents {
  int64_t count = 0;
};

// One check of a purchase order line: `<sku>.<field>=<value>`.
struct PoLineCheck {
  std::string sku;
  std::string field;  // quantity, received, outstanding, expected, promised, arrived, history
  std::string value;  // as written; parsed when read (see ParseExpectPo)
};

struct ExpectPo {
  PoRef po;
  std::optional<PurchaseOrderStatus> status;
  std::optional<std::string> supplier;
  std::optional<std::optional<Date>> sent;  // nullopt inside: not sent
  std::optional<int64_t> lines;
  std::vector<PoLineCheck> checks;
};

struct ExpectMovements {
  struct Entry {
    std::string sku;
    int64_t quantity = 0;
    std::string location;  // code
  };
  std::vector<Entry> entries;  // empty: none
  std::optional<MovementKind> kind;
  std::optional<std::string> reference;  // `po:<name>` is resolved to `po:<id>` at run time
};

struct ExpectIncoming {
  std::string sku;
  int64_t units = 0;
};

struct ExpectOver {
  std::vector<std::pair<std::string, int64_t>> entries;  // empty: none
};

struct ExpectDeliveries {
  std::string supplier;
  int64_t count = 0;
  std::optional<int64_t> receipts;
};

struct ExpectDelivery {
  std::string supplier;
  int64_t index = 0;  // 1-based, oldest first; 0: the last one
  std::optional<int64_t> delay, confirmed_delay, received, ordered;
  std::optional<Date> promised, confirmed, arrived;
  std::optional<std::optional<Date>> ordered_on;  // nullopt inside: none
};

struct ExpectPreferred {
  std::string sku;
  std::optional<std::string> supplier;  // nullopt: no supplier is preferred
};

struct ExpectTerms {
  std::string supplier;
  std::string sku;
  std::optional<int64_t> cost_cents, moq, pack;
  std::optional<std::optional<int64_t>> lead;  // nullopt inside: none (the supplier's applies)
  std::optional<bool> preferred;
};

// `expect promise <line> ...` (the current promise) or `expect told <line> ...` (the promise
// last told to the customer).
struct ExpectPromise {
  LineRef line;
  bool told = false;
  bool none = false;  // the line has no promise (expect promise <line> none)
  std::optional<Date> p50, p90;
  std::optional<PromiseBasis> basis;
  std::optional<std::optional<PoRef>> po;  // nullopt inside: po=none
};

// The LinePromised events of the most recent accepted command: counts per kind and/or the exact
// list (line and kind, in order).
struct ExpectPromiseEvents {
  std::optional<int64_t> given, changed, revised;
  bool exact = false;                                   // a list (or none) was given
  std::vector<std::pair<LineRef, std::string>> entries;  // line -> given|changed|revised
};

// `notices key=value ...`: the shop's notice settings, starting from the current ones (fields not
// named keep their values).
struct NoticesStep {
  std::optional<uint32_t> enabled;  // bit per engine::NoticeKind
  std::optional<int32_t> still_waiting_days, unpaid_release_hours, compensation_after_days, percent;
  std::optional<engine::OverdueAction> max_wait_action, second_slip_action;
  std::optional<std::string> voucher;
};

struct TimersStep {};

struct ShipPolicyStep {
  std::string order;
  ShipPolicy policy = ShipPolicy::kShipAvailable;
  std::string by = "shop";
};

struct KeepWaitingStep {
  std::string order;
};

// `expect notice <order> <kind> ...`: the most recent command queued a notice of that kind for
// the order, with these lines (exactly, when any are named) and fields.
struct ExpectNotice {
  std::string order;
  engine::NoticeKind kind = engine::NoticeKind::kBackordered;
  std::vector<LineQty> lines;
  std::optional<Date> p50, p90, previous;
  std::optional<PromiseBasis> basis;
  std::optional<std::string> reason, voucher;
  std::optional<bool> partial;
  std::optional<int64_t> percent;
};

// `expect notices none` (the most recent command queued none) or `expect notices <order>
// <kind>,...|none` (every notice queued for the order so far, in order).
struct ExpectNotices {
  std::optional<std::string> order;  // nullopt: `expect notices none`
  std::vector<engine::NoticeKind> kinds;
};

using Action = std::variant<SetClock, PlainCommand, OrderStep, PaymentStep, CancelStep, ShipStep, PriorityStep,
                            PoCreateStep, PoCommandStep, ExpectLine, ExpectOrder, ExpectQueue, ExpectStock,
                            ExpectLineReport, ExpectReady, ExpectShortage, ExpectSame, ExpectEvents, ExpectPo,
                            ExpectIncoming, ExpectOver, ExpectMovements, ExpectDeliveries, ExpectDelivery, ExpectPreferred,
                            ExpectTerms, ExpectPromise, ExpectPromiseEvents, NoticesStep, TimersStep, ShipPolicyStep,
                            KeepWaitingStep, ExpectNotice, ExpectNotices>;

struct Step {
  int line = 0;
  Action action;
  std::optional<std::string> expected_error;  // commands only: `=> error <code> [<status>]`
  std::optional<int> expected_status;         // the HTTP status of the error's kind, when given
};

// ---------------------------------------------------------------------------------------------
// Parsing helpers

Error ParseError(std::string message) { return Error::Invalid("parse_error", std::move(message)); }

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r') ++i;
    if (i > start) tokens.emplace_back(text.substr(start, i - start));
  }
  return tokens;
}

Result<int64_t> ParseInt(std::string_view text, std::string_view what) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return ParseError(std::string(what) + " must be an integer, got '" + std::string(text) + "'");
  }
  return value;
}

Result<Instant> ParseInstant(std::string_view text) {
  auto instant = Instant::Parse(text);
  if (!instant) return ParseError("'" + std::string(text) + "' is not an RFC 3339 instant");
  return *instant;
}

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Result<std::string> ParseName(std::string_view text) {
  if (!ValidName(text)) {
    return ParseError("'" + std::string(text) + "' is not an order name (letters, digits, _ and -)");
  }
  return std::string(text);
}

Result<LineRef> ParseLineRef(std::string_view text) {
  size_t dot = text.rfind('.');
  if (dot == std::string_view::npos) {
    return ParseError("'" + std::string(text) + "' is not a line name (<order>.<n>)");
  }
  auto name = ParseName(text.substr(0, dot));
  if (!name.ok()) return name.take_error();
  std::string_view number = text.substr(dot + 1);
  bool bundle = !number.empty() && number[0] == 'b';
  if (bundle) number.remove_prefix(1);
  auto index = ParseInt(number, "a line number");
  if (!index.ok()) return index.take_error();
  if (*index < 1) return ParseError("line numbers start at 1: '" + std::string(text) + "'");
  return LineRef{*name, *index, bundle};
}

// "<left>*<qty>", split at the last '*'.
Result<std::pair<std::string, int64_t>> ParseStarred(std::string_view text) {
  size_t star = text.rfind('*');
  if (star == std::string_view::npos || star == 0) {
    return ParseError("'" + std::string(text) + "' must have the form <what>*<quantity>");
  }
  auto quantity = ParseInt(text.substr(star + 1), "a quantity");
  if (!quantity.ok()) return quantity.take_error();
  return std::make_pair(std::string(text.substr(0, star)), *quantity);
}

Result<LineQty> ParseLineQty(std::string_view text) {
  auto starred = ParseStarred(text);
  if (!starred.ok()) return starred.take_error();
  auto ref = ParseLineRef(starred->first);
  if (!ref.ok()) return ref.take_error();
  return LineQty{*ref, starred->second};
}

// The arguments of one step after its verb: bare words and key=value options, each in order.
class Args {
 public:
  explicit Args(const std::vector<std::string>& tokens) {
    for (const auto& token : tokens) {
      size_t eq = token.find('=');
      if (eq == std::string::npos || eq == 0) {
        words_.push_back(token);
      } else {
        options_.emplace_back(token.substr(0, eq), token.substr(eq + 1));
      }
    }
  }

  const std::vector<std::string>& words() const { return words_; }
  const std::vector<std::pair<std::string, std::string>>& options() const { return options_; }

  // The value of option `key` (marked as used), or nullopt when absent.
  std::optional<std::string> Take(const std::string& key) {
    used_.insert(key);
    std::optional<std::string> value;
    for (const auto& [k, v] : options_) {
      if (k == key) value = v;
    }
    return value;
  }

  Result<std::optional<int64_t>> TakeInt(const std::string& key) {
    auto text = Take(key);
    if (!text) return std::optional<int64_t>();
    auto value = ParseInt(*text, key);
    if (!value.ok()) return value.take_error();
    return std::optional<int64_t>(*value);
  }

  // Every option except those in `skip`, read as `<order>.<n>=<qty>` entries, in order. An
  // entry may name the same line more than once (a line can be filled at two locations).
  Result<std::vector<LineQty>> TakeLineEntries(const std::set<std::string>& skip = {}) {
    std::vector<LineQty> entries;
    for (const auto& [key, value] : options_) {
      if (skip.count(key)) continue;
      auto line = ParseLineRef(key);
      if (!line.ok()) return line.take_error();
      auto quantity = ParseInt(value, "the quantity of " + key);
      if (!quantity.ok()) return quantity.take_error();
      entries.push_back(LineQty{*line, *quantity});
      used_.insert(key);
      repeatable_.insert(key);
    }
    return entries;
  }

  // Fails on an option nobody took, or one given twice.
  Status CheckOptions() const {
    std::set<std::string> seen;
    for (const auto& [key, value] : options_) {
      if (!used_.count(key)) return ParseError("unknown option '" + key + "'");
      if (!seen.insert(key).second && !repeatable_.count(key)) return ParseError("option '" + key + "' given twice");
    }
    return Ok();
  }

  Status ExpectWords(size_t min, size_t max, const char* usage) const {
    if (words_.size() < min || words_.size() > max) return ParseError(std::string("usage: ") + usage);
    return Ok();
  }

 private:
  std::vector<std::string> words_;
  std::vector<std::pair<std::string, std::string>> options_;
  std::set<std::string> used_;
  std::set<std::string> repeatable_;
};

// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` names a variable.
// Declares `lhs` from a Result-returning `expr`, or returns its error.
#define SCENARIO_ASSIGN(lhs, expr)                            \
  auto lhs##_result_ = (expr);                                \
  if (!lhs##_result_.ok()) return lhs##_result_.take_error(); \
  auto lhs = std::move(lhs##_result_.value())
// NOLINTEND(bugprone-macro-parentheses)

// ---------------------------------------------------------------------------------------------
// Command parsers

Result<Action> ParseLocation(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, "location <code> [name=...]"));
  engine::UpsertLocation c;
  c.code = args.words()[0];
  c.name = args.Take("name").value_or("");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PlainCommand{c});
}

Result<Action> ParseProduct(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(
      1, 1, "product <sku> policy=deny|allow|preorder [max_units=N] [max_wait_days=N] [release=YYYY-MM-DD] [price=P]"));
  Product p;
  p.sku = args.words()[0];
  p.name = args.Take("name").value_or(p.sku);
  auto policy_text = args.Take("policy");
  if (!policy_text) return ParseError("product needs policy=deny|allow|preorder");
  auto policy = ParseBackorderPolicyKind(*policy_text);
  if (!policy) return ParseError("unknown policy '" + *policy_text + "' (deny, allow or preorder)");
  p.backorder.kind = *policy;
  SCENARIO_ASSIGN(max_units, args.TakeInt("max_units"));
  if (max_units) p.backorder.max_units = Quantity(*max_units);
  SCENARIO_ASSIGN(max_wait_days, args.TakeInt("max_wait_days"));
  if (max_wait_days) p.backorder.max_wait_days = static_cast<int32_t>(*max_wait_days);
  if (auto release = args.Take("release")) {
    auto date = Date::Parse(*release);
    if (!date) return ParseError("release must be a date YYYY-MM-DD, got '" + *release + "'");
    p.backorder.release_date = *date;
  }
  int64_t cents = kDefaultPriceCents;
  if (auto price = args.Take("price")) {
    auto parsed = Money::ParseCents(*price);
    if (!parsed) return ParseError("price must be a decimal amount like 12.95, got '" + *price + "'");
    cents = *parsed;
  }
  p.price = Money(cents, "EUR");
  if (auto components = args.Take("components")) {
    std::string_view rest = *components;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      auto starred = ParseStarred(rest.substr(0, comma));
      if (!starred.ok()) return starred.take_error();
      p.components.push_back(Component{starred->first, Quantity(starred->second)});
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PlainCommand{engine::UpsertProduct{p, Instant()}});
}

Result<Action> ParseReceive(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, "receive <sku> <qty> [location=main] [ref=...]"));
  SCENARIO_ASSIGN(quantity, ParseInt(args.words()[1], "the quantity"));
  engine::ReceiveStock c;
  c.sku = args.words()[0];
  c.quantity = Quantity(quantity);
  c.location = args.Take("location").value_or(kMainLocation);
  c.reference = args.Take("ref").value_or("");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PlainCommand{c});
}

Result<Action> ParseAdjust(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, "adjust <sku> <delta> [location=main] [reason=...]"));
  SCENARIO_ASSIGN(delta, ParseInt(args.words()[1], "the delta"));
  engine::AdjustStock c;
  c.sku = args.words()[0];
  c.delta = Quantity(delta);
  c.location = args.Take("location").value_or(kMainLocation);
  c.reason = args.Take("reason").value_or("");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PlainCommand{c});
}

Result<Action> ParseCount(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, "count <sku> <counted> [location=main] [reason=...]"));
  SCENARIO_ASSIGN(counted, ParseInt(args.words()[1], "the counted quantity"));
  engine::CountStock c;
  c.sku = args.words()[0];
  c.counted = Quantity(counted);
  c.location = args.Take("location").value_or(kMainLocation);
  c.reason = args.Take("reason").value_or("");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PlainCommand{c});
}

Result<Action> ParseTransfer(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, "transfer <sku> <qty> from=<location> to=<location>"));
  SCENARIO_ASSIGN(quantity, ParseInt(args.words()[1], "the quantity"));
  engine::TransferStock c;
  c.sku = args.words()[0];
  c.quantity = Quantity(quantity);
  auto from = args.Take("from");
  auto to = args.Take("to");
  if (!from || !to) return ParseError("transfer needs from=<location> and to=<location>");
  c.from = *from;
  c.to = *to;
  c.reason = args.Take("reason").value_or("");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PlainCommand{c});
}

Result<Action> ParseOrder(const std::vector<std::string>& tokens) {
  auto colon = std::find(tokens.begin(), tokens.end(), ":");
  if (tokens.empty() || colon == tokens.end()) {
    return ParseError("usage: order <name> [options] : <sku>*<qty> ... (the ' : ' is required)");
  }
  Args args(std::vector<std::string>(tokens.begin(), colon));
  OrderStep step;
  if (args.words().empty()) return ParseError("order needs a name");
  SCENARIO_ASSIGN(name, ParseName(args.words()[0]));
  step.name = name;
  engine::PlaceOrder& c = step.command;
  for (size_t i = 1; i < args.words().size(); ++i) {
    const std::string& flag = args.words()[i];
    if (auto payment = belofte::ParsePayment(flag); payment && *payment != Payment::kRefunded) {
      c.payment = *payment;
    } else if (auto policy = ParseShipPolicy(flag)) {
      c.ship_policy = *policy;
    } else {
      return ParseError("unknown order flag '" + flag + "' (paid, unpaid, ship_complete, ship_available)");
    }
  }
  c.channel = args.Take("channel").value_or("web");
  c.external_id = args.Take("ext").value_or(name);
  c.customer.email = args.Take("email").value_or("");
  c.customer.name = args.Take("customer").value_or("");
  if (auto placed = args.Take("placed")) {
    SCENARIO_ASSIGN(at, ParseInstant(*placed));
    c.placed_at = at;
    step.placed_given = true;
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  for (auto it = colon + 1; it != tokens.end(); ++it) {
    SCENARIO_ASSIGN(line, ParseStarred(*it));
    c.lines.push_back(engine::PlaceOrder::Line{line.first, Quantity(line.second), Money()});
  }
  return Action(std::move(step));
}

Result<Action> ParsePaymentStep(const Args& args, Payment payment, const char* usage) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, usage));
  SCENARIO_ASSIGN(order, ParseName(args.words()[0]));
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PaymentStep{order, payment});
}

Result<Action> ParseCancel(Args args) {
  const char* usage = "cancel <order> [<order>.<n>*<qty> ...] [reason=...]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, SIZE_MAX, usage));
  CancelStep step;
  SCENARIO_ASSIGN(order, ParseName(args.words()[0]));
  step.order = order;
  for (size_t i = 1; i < args.words().size(); ++i) {
    SCENARIO_ASSIGN(line, ParseLineQty(args.words()[i]));
    step.lines.push_back(line);
  }
  step.reason = args.Take("reason").value_or("");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(step));
}

Result<Action> ParseShip(Args args) {
  const char* usage = "ship <order> [location=main] [<order>.<n>*<qty> ...]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, SIZE_MAX, usage));
  ShipStep step;
  SCENARIO_ASSIGN(order, ParseName(args.words()[0]));
  step.order = order;
  for (size_t i = 1; i < args.words().size(); ++i) {
    SCENARIO_ASSIGN(line, ParseLineQty(args.words()[i]));
    step.lines.push_back(line);
  }
  step.location = args.Take("location").value_or(kMainLocation);
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(step));
}

Result<Action> ParsePriority(const Args& args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, "priority <order>.<n> <int>"));
  SCENARIO_ASSIGN(line, ParseLineRef(args.words()[0]));
  SCENARIO_ASSIGN(priority, ParseInt(args.words()[1], "the priority"));
  if (priority < INT32_MIN || priority > INT32_MAX) return ParseError("the priority does not fit 32 bits");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PriorityStep{line, static_cast<int32_t>(priority)});
}

// ---------------------------------------------------------------------------------------------
// Purchasing command parsers

Result<Date> ParseDate(std::string_view text, std::string_view what) {
  auto date = Date::Parse(text);
  if (!date) return ParseError(std::string(what) + " must be a date YYYY-MM-DD, got '" + std::string(text) + "'");
  return *date;
}

// A date, or `none`.
Result<std::optional<Date>> ParseDateOrNone(std::string_view text, std::string_view what) {
  if (text == "none") return std::optional<Date>();
  auto date = ParseDate(text, what);
  if (!date.ok()) return date.take_error();
  return std::optional<Date>(*date);
}

Result<int32_t> ParseDays(std::string_view text, std::string_view what) {
  auto days = ParseInt(text, what);
  if (!days.ok()) return days.take_error();
  if (*days < INT32_MIN || *days > INT32_MAX) return ParseError(std::string(what) + " does not fit 32 bits");
  return static_cast<int32_t>(*days);
}

Result<PoRef> ParsePoRef(std::string_view text) {
  constexpr std::string_view kIdPrefix = "id:";
  if (text.substr(0, kIdPrefix.size()) == kIdPrefix) {
    auto id = ParseInt(text.substr(kIdPrefix.size()), "a purchase order id");
    if (!id.ok()) return id.take_error();
    if (*id < 0) return ParseError("a purchase order id is not negative: '" + std::string(text) + "'");
    return PoRef{"", static_cast<PurchaseOrderId>(*id)};
  }
  if (!ValidName(text)) {
    return ParseError("'" + std::string(text) + "' is not a purchase order name (letters, digits, _ and -) or id:<N>");
  }
  return PoRef{std::string(text), std::nullopt};
}

// "<sku>@<date>", split at the last '@'.
Result<engine::SkuDate> ParseSkuDate(std::string_view text) {
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0) {
    return ParseError("'" + std::string(text) + "' must have the form <sku>@YYYY-MM-DD");
  }
  auto date = ParseDate(text.substr(at + 1), "the date of " + std::string(text.substr(0, at)));
  if (!date.ok()) return date.take_error();
  return engine::SkuDate{std::string(text.substr(0, at)), *date};
}

Result<Money> ParseAmount(const std::string& text, std::string_view what) {
  auto cents = Money::ParseCents(text);
  if (!cents) return ParseError(std::string(what) + " must be a decimal amount like 12.95, got '" + text + "'");
  return Money(*cents, "EUR");
}

Result<Action> ParseSupplier(Args args) {
  BELOFTE_RETURN_IF_ERROR(
      args.ExpectWords(1, 1, "supplier <code> [lead=<days>] [name=...] [email=...] [min_order=<amount>]"));
  Supplier s;
  s.code = args.words()[0];
  s.name = args.Take("name").value_or(s.code);
  s.email = args.Take("email").value_or("");
  if (auto lead = args.Take("lead")) {
    SCENARIO_ASSIGN(days, ParseDays(*lead, "lead"));
    s.lead_time_days = days;
  }
  if (auto min_order = args.Take("min_order")) {
    SCENARIO_ASSIGN(amount, ParseAmount(*min_order, "min_order"));
    s.min_order_value = amount;
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PlainCommand{engine::UpsertSupplier{s, Instant()}});
}

Result<Action> ParseTerms(Args args) {
  const char* usage = "terms <supplier> <sku> [cost=9.95] [moq=N] [pack=N] [lead=<days>] [preferred]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 3, usage));
  SupplierTerms t;
  t.supplier = args.words()[0];
  t.sku = args.words()[1];
  if (args.words().size() == 3) {
    if (args.words()[2] != "preferred") return ParseError("unknown terms flag '" + args.words()[2] + "' (preferred)");
    t.preferred = true;
  }
  t.cost = Money(0, "EUR");
  if (auto cost = args.Take("cost")) {
    SCENARIO_ASSIGN(amount, ParseAmount(*cost, "cost"));
    t.cost = amount;
  }
  SCENARIO_ASSIGN(moq, args.TakeInt("moq"));
  if (moq) t.moq = Quantity(*moq);
  SCENARIO_ASSIGN(pack, args.TakeInt("pack"));
  if (pack) t.pack_size = Quantity(*pack);
  if (auto lead = args.Take("lead")) {
    SCENARIO_ASSIGN(days, ParseDays(*lead, "lead"));
    t.lead_time_days = days;
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PlainCommand{engine::UpsertSupplierTerms{t, Instant()}});
}

Result<Action> ParsePo(const std::vector<std::string>& tokens) {
  const char* usage = "po <name> <supplier> : <sku>*<qty>[@YYYY-MM-DD] ... (the ' : ' is required)";
  auto colon = std::find(tokens.begin(), tokens.end(), ":");
  if (colon == tokens.end()) return ParseError(std::string("usage: ") + usage);
  Args args(std::vector<std::string>(tokens.begin(), colon));
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, usage));
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  PoCreateStep step;
  SCENARIO_ASSIGN(name, ParseName(args.words()[0]));
  step.name = name;
  step.command.supplier = args.words()[1];
  for (auto it = colon + 1; it != tokens.end(); ++it) {
    std::string_view text = *it;
    std::optional<Date> expected;
    if (size_t at = text.rfind('@'); at != std::string_view::npos) {
      SCENARIO_ASSIGN(date, ParseDate(text.substr(at + 1), "the expected date of " + std::string(text.substr(0, at))));
      expected = date;
      text = text.substr(0, at);
    }
    SCENARIO_ASSIGN(line, ParseStarred(text));
    step.command.lines.push_back(engine::CreatePurchaseOrder::Line{line.first, Quantity(line.second), expected});
  }
  return Action(std::move(step));
}

Result<Action> ParseSend(const Args& args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, "send <po>"));
  SCENARIO_ASSIGN(po, ParsePoRef(args.words()[0]));
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PoCommandStep{po, [](PurchaseOrderId id) -> Command { return engine::SendPurchaseOrder{id, Instant()}; }});
}

// confirm and move: `<verb> <po> [date=YYYY-MM-DD] [<sku>@YYYY-MM-DD ...]`.
Result<Action> ParseDates(Args args, bool confirm) {
  const char* usage = confirm ? "confirm <po> [date=YYYY-MM-DD] [<sku>@YYYY-MM-DD ...]"
                              : "move <po> [date=YYYY-MM-DD] [<sku>@YYYY-MM-DD ...]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, SIZE_MAX, usage));
  SCENARIO_ASSIGN(po, ParsePoRef(args.words()[0]));
  std::optional<Date> all;
  if (auto date = args.Take("date")) {
    SCENARIO_ASSIGN(parsed, ParseDate(*date, "date"));
    all = parsed;
  }
  std::vector<engine::SkuDate> lines;
  for (size_t i = 1; i < args.words().size(); ++i) {
    SCENARIO_ASSIGN(line, ParseSkuDate(args.words()[i]));
    lines.push_back(line);
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  if (confirm) {
    return Action(PoCommandStep{po, [all, lines](PurchaseOrderId id) -> Command {
                                  return engine::ConfirmPurchaseOrder{id, all, lines, Instant()};
                                }});
  }
  return Action(PoCommandStep{po, [all, lines](PurchaseOrderId id) -> Command {
                                return engine::MovePurchaseOrderDate{id, all, lines, Instant()};
                              }});
}

Result<Action> ParseReceivePo(const std::vector<std::string>& tokens) {
  const char* usage = "receive-po <po> [location=main] : <sku>*<qty> ... (the ' : ' is required)";
  auto colon = std::find(tokens.begin(), tokens.end(), ":");
  if (colon == tokens.end()) return ParseError(std::string("usage: ") + usage);
  Args args(std::vector<std::string>(tokens.begin(), colon));
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, usage));
  SCENARIO_ASSIGN(po, ParsePoRef(args.words()[0]));
  std::string location = args.Take("location").value_or(kMainLocation);
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  std::vector<engine::SkuQuantity> lines;
  for (auto it = colon + 1; it != tokens.end(); ++it) {
    SCENARIO_ASSIGN(line, ParseStarred(*it));
    lines.push_back(engine::SkuQuantity{line.first, Quantity(line.second)});
  }
  return Action(PoCommandStep{po, [location, lines](PurchaseOrderId id) -> Command {
                                return engine::ReceivePurchaseOrder{id, location, lines, Instant()};
                              }});
}

Result<Action> ParseCancelPo(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, "cancel-po <po> [reason=...]"));
  SCENARIO_ASSIGN(po, ParsePoRef(args.words()[0]));
  std::string reason = args.Take("reason").value_or("");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PoCommandStep{po, [reason](PurchaseOrderId id) -> Command {
                                return engine::CancelPurchaseOrder{id, reason, Instant()};
                              }});
}

// ---------------------------------------------------------------------------------------------
// Promise command parsers

// `settings [threshold=N] [handling=N] [handling.<location>=N] [lead=N] [holidays=nl|none]
// [weekends=closed|open] [closed=YYYY-MM-DD,...]`: the whole definition, defaults for the rest.
Result<Action> ParseSettings(Args args) {
  const char* usage =
      "settings [threshold=N] [min_days=N] [handling=N] [handling.<location>=N] [lead=N] [holidays=nl|none] "
      "[weekends=closed|open] [closed=YYYY-MM-DD,...]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(0, 0, usage));
  engine::PromiseSettings p;
  for (auto [key, field] : {std::pair{"threshold", &p.threshold_working_days}, std::pair{"handling", &p.handling_days},
                            std::pair{"lead", &p.default_lead_time_days},
                            std::pair{"min_days", &p.min_days_between_changes}}) {
    if (auto text = args.Take(key)) {
      SCENARIO_ASSIGN(days, ParseDays(*text, key));
      *field = days;
    }
  }
  constexpr std::string_view kHandlingAt = "handling.";
  for (const auto& [key, value] : args.options()) {
    if (key.size() <= kHandlingAt.size() || key.compare(0, kHandlingAt.size(), kHandlingAt) != 0) continue;
    args.Take(key);
    SCENARIO_ASSIGN(days, ParseDays(value, key));
    p.location_handling[key.substr(kHandlingAt.size())] = days;
  }
  if (auto holidays = args.Take("holidays")) {
    if (!planning::ParseHolidayRegion(*holidays, &p.calendar.holidays)) {
      return ParseError("holidays= is nl or none, got '" + *holidays + "'");
    }
  }
  if (auto weekends = args.Take("weekends")) {
    if (*weekends != "closed" && *weekends != "open") return ParseError("weekends= is closed or open");
    p.calendar.weekends_closed = *weekends == "closed";
  }
  if (auto closed = args.Take("closed")) {
    std::string_view rest = *closed;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      SCENARIO_ASSIGN(date, ParseDate(rest.substr(0, comma), "closed"));
      p.calendar.closed_dates.push_back(date);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(PlainCommand{engine::SetPromiseSettings{p, Instant()}});
}

// ---------------------------------------------------------------------------------------------
// Notice command parsers

// A comma-separated list of notice kinds (`none`: the empty list).
Result<std::vector<engine::NoticeKind>> ParseNoticeKinds(std::string_view text, std::string_view what) {
  std::vector<engine::NoticeKind> kinds;
  if (text == "none") return kinds;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    auto kind = engine::ParseNoticeKind(item);
    if (!kind) {
      return ParseError("unknown notice kind '" + std::string(item) + "' in " + std::string(what) +
                        " (order_confirmed, backordered, promise_changed, ready, shipped, still_waiting, "
                        "cancel_offer, cancelled, compensation)");
    }
    kinds.push_back(*kind);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  if (kinds.empty()) return ParseError(std::string(what) + " needs at least one notice kind (or none)");
  return kinds;
}

// `notices [enabled=<kind>,...|all|none] [still_waiting_days=N] [max_wait_action=none|offer|cancel]
// [second_slip_action=...] [unpaid_release_hours=N] [compensation_after_days=N] [voucher=CODE]
// [percent=N]`.
Result<Action> ParseNotices(Args args) {
  const char* usage =
      "notices [enabled=<kind>,...|all|none] [still_waiting_days=N] [max_wait_action=none|offer|cancel] "
      "[second_slip_action=none|offer|cancel] [unpaid_release_hours=N] [compensation_after_days=N] "
      "[voucher=CODE] [percent=N]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(0, 0, usage));
  NoticesStep step;
  if (auto enabled = args.Take("enabled")) {
    uint32_t bits = 0;
    if (*enabled == "all") {
      bits = (1u << engine::kNoticeKinds) - 1;
    } else {
      SCENARIO_ASSIGN(kinds, ParseNoticeKinds(*enabled, "enabled="));
      for (auto kind : kinds) bits |= 1u << static_cast<int>(kind);
    }
    step.enabled = bits;
  }
  for (auto [key, field] : {std::pair{"still_waiting_days", &step.still_waiting_days},
                            std::pair{"unpaid_release_hours", &step.unpaid_release_hours},
                            std::pair{"compensation_after_days", &step.compensation_after_days},
                            std::pair{"percent", &step.percent}}) {
    if (auto text = args.Take(key)) {
      SCENARIO_ASSIGN(n, ParseDays(*text, key));
      *field = n;
    }
  }
  for (auto [key, field] : {std::pair{"max_wait_action", &step.max_wait_action},
                            std::pair{"second_slip_action", &step.second_slip_action}}) {
    if (auto text = args.Take(key)) {
      auto action = engine::ParseOverdueAction(*text);
      if (!action) return ParseError(std::string(key) + "= is none, offer or cancel, got '" + *text + "'");
      *field = *action;
    }
  }
  step.voucher = args.Take("voucher");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  if (args.options().empty()) return ParseError(std::string("usage: ") + usage);
  return Action(std::move(step));
}

Result<Action> ParseShipPolicyStep(Args args) {
  const char* usage = "ship-policy <order> ship_available|ship_complete [by=shop|customer]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, usage));
  ShipPolicyStep step;
  SCENARIO_ASSIGN(order, ParseName(args.words()[0]));
  step.order = order;
  auto policy = ParseShipPolicy(args.words()[1]);
  if (!policy) return ParseError("unknown ship policy '" + args.words()[1] + "' (ship_available, ship_complete)");
  step.policy = *policy;
  step.by = args.Take("by").value_or("shop");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(step));
}

Result<Action> ParseKeepWaiting(const Args& args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, "keep-waiting <order>"));
  SCENARIO_ASSIGN(order, ParseName(args.words()[0]));
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(KeepWaitingStep{order});
}

// ---------------------------------------------------------------------------------------------
// Expectation parsers

Result<Action> ParseExpectLine(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(
      1, 1, "expect line <order>.<n> [allocated=N] [backordered=N] [shipped=N] [cancelled=N] [priority=N]"));
  ExpectLine e;
  SCENARIO_ASSIGN(line, ParseLineRef(args.words()[0]));
  e.line = line;
  SCENARIO_ASSIGN(allocated, args.TakeInt("allocated"));
  SCENARIO_ASSIGN(backordered, args.TakeInt("backordered"));
  SCENARIO_ASSIGN(shipped, args.TakeInt("shipped"));
  SCENARIO_ASSIGN(cancelled, args.TakeInt("cancelled"));
  SCENARIO_ASSIGN(priority, args.TakeInt("priority"));
  e.allocated = allocated;
  e.backordered = backordered;
  e.shipped = shipped;
  e.cancelled = cancelled;
  e.priority = priority;
  constexpr std::string_view kAllocatedAt = "allocated.";
  for (const auto& [key, value] : args.options()) {
    if (key.size() <= kAllocatedAt.size() || key.compare(0, kAllocatedAt.size(), kAllocatedAt) != 0) continue;
    SCENARIO_ASSIGN(units, args.TakeInt(key));
    e.allocated_at.emplace_back(key.substr(kAllocatedAt.size()), *units);
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  if (args.options().empty()) return ParseError("expect line needs at least one of allocated=, backordered=, ...");
  return Action(std::move(e));
}

Result<Action> ParseExpectOrder(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, "expect order <order> [status=...] [payment=...]"));
  ExpectOrder e;
  SCENARIO_ASSIGN(order, ParseName(args.words()[0]));
  e.order = order;
  if (auto status = args.Take("status")) {
    e.status = ParseOrderStatus(*status);
    if (!e.status) return ParseError("unknown order status '" + *status + "'");
  }
  if (auto payment = args.Take("payment")) {
    e.payment = belofte::ParsePayment(*payment);
    if (!e.payment) return ParseError("unknown payment '" + *payment + "'");
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  if (!e.status && !e.payment) return ParseError("expect order needs status= or payment=");
  return Action(std::move(e));
}

Result<Action> ParseExpectQueue(Args args) {
  const char* usage = "expect queue <sku> <order>.<n>=<qty> ... | expect queue <sku> empty";
  if (args.words().empty()) return ParseError(std::string("usage: ") + usage);
  ExpectQueue e;
  e.sku = args.words()[0];
  bool empty = args.words().size() == 2 && args.words()[1] == "empty";
  if (args.words().size() > (empty ? 2u : 1u)) return ParseError(std::string("usage: ") + usage);
  SCENARIO_ASSIGN(entries, args.TakeLineEntries());
  if (empty == !entries.empty()) return ParseError(std::string("usage: ") + usage);
  e.entries = std::move(entries);
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(e));
}

Result<Action> ParseExpectStock(Args args) {
  const char* usage =
      "expect stock <sku> [location=main] [on_hand=N] [allocated=N] [free=N] | "
      "expect stock <sku> total [on_hand=N] [allocated=N] [free=N] [backordered=N]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 2, usage));
  ExpectStock e;
  e.sku = args.words()[0];
  e.total = args.words().size() == 2;
  if (e.total && args.words()[1] != "total") return ParseError(std::string("usage: ") + usage);
  if (!e.total) e.location = args.Take("location").value_or(kMainLocation);
  SCENARIO_ASSIGN(on_hand, args.TakeInt("on_hand"));
  SCENARIO_ASSIGN(allocated, args.TakeInt("allocated"));
  SCENARIO_ASSIGN(free, args.TakeInt("free"));
  e.on_hand = on_hand;
  e.allocated = allocated;
  e.free = free;
  if (e.total) {
    SCENARIO_ASSIGN(backordered, args.TakeInt("backordered"));
    e.backordered = backordered;
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  if (!e.on_hand && !e.allocated && !e.free && !e.backordered) {
    return ParseError("expect stock needs a quantity to check");
  }
  return Action(std::move(e));
}

Result<Action> ParseExpectLineReport(Args args, LineReport kind, const char* usage) {
  ExpectLineReport e;
  e.kind = kind;
  bool none = args.words().size() == 1 && args.words()[0] == "none";
  if (!args.words().empty() && !none) return ParseError(std::string("usage: ") + usage);
  std::set<std::string> skip;
  if (kind == LineReport::kCancelled) {
    skip.insert("reason");
    e.reason = args.Take("reason");
  }
  SCENARIO_ASSIGN(entries, args.TakeLineEntries(skip));
  if (none == !entries.empty()) return ParseError(std::string("usage: ") + usage);
  e.entries = std::move(entries);
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(e));
}

Result<Action> ParseExpectReady(const Args& args) {
  const char* usage = "expect ready <order> ... | expect ready none";
  if (args.words().empty()) return ParseError(std::string("usage: ") + usage);
  ExpectReady e;
  bool none = args.words().size() == 1 && args.words()[0] == "none";
  if (!none) {
    for (const auto& word : args.words()) {
      SCENARIO_ASSIGN(order, ParseName(word));
      e.orders.push_back(order);
    }
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(e));
}

Result<Action> ParseExpectShortage(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, "expect shortage <sku> requested=N available=N"));
  SCENARIO_ASSIGN(requested, args.TakeInt("requested"));
  SCENARIO_ASSIGN(available, args.TakeInt("available"));
  if (!requested || !available) return ParseError("expect shortage needs requested= and available=");
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(ExpectShortage{args.words()[0], *requested, *available});
}

Result<Action> ParseExpectSame(const Args& args) {
  const char* usage = "expect same <order> as <order>";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(3, 3, usage));
  if (args.words()[1] != "as") return ParseError(std::string("usage: ") + usage);
  SCENARIO_ASSIGN(first, ParseName(args.words()[0]));
  SCENARIO_ASSIGN(second, ParseName(args.words()[2]));
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(ExpectSame{first, second});
}

Result<Action> ParseExpectEvents(const Args& args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, "expect events <n>"));
  SCENARIO_ASSIGN(count, ParseInt(args.words()[0], "the event count"));
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(ExpectEvents{count});
}

// `expect po <po> [status=...] [supplier=<code>] [sent=YYYY-MM-DD|none] [lines=N]
// [<sku>.<field>=<value> ...]`. Line values are normalised here to the form the runner renders
// the actual value in, so the run compares strings.
Result<Action> ParseExpectPo(Args args) {
  const char* usage =
      "expect po <po> [status=...] [supplier=...] [sent=YYYY-MM-DD|none] [lines=N] [<sku>.received=N] "
      "[<sku>.expected=YYYY-MM-DD] [<sku>.promised=YYYY-MM-DD|none] ...";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, 1, usage));
  ExpectPo e;
  SCENARIO_ASSIGN(po, ParsePoRef(args.words()[0]));
  e.po = po;
  if (auto status = args.Take("status")) {
    e.status = ParsePurchaseOrderStatus(*status);
    if (!e.status) return ParseError("unknown purchase order status '" + *status + "'");
  }
  e.supplier = args.Take("supplier");
  if (auto sent = args.Take("sent")) {
    SCENARIO_ASSIGN(date, ParseDateOrNone(*sent, "sent"));
    e.sent = date;
  }
  SCENARIO_ASSIGN(lines, args.TakeInt("lines"));
  e.lines = lines;
  for (const auto& [key, value] : args.options()) {
    size_t dot = key.rfind('.');
    if (dot == std::string::npos || dot == 0) continue;
    args.Take(key);
    PoLineCheck check{key.substr(0, dot), key.substr(dot + 1), ""};
    if (check.field == "quantity" || check.field == "received" || check.field == "outstanding") {
      SCENARIO_ASSIGN(n, ParseInt(value, key));
      check.value = std::to_string(n);
    } else if (check.field == "expected") {
      SCENARIO_ASSIGN(date, ParseDate(value, key));
      check.value = date.ToString();
    } else if (check.field == "promised" || check.field == "arrived") {
      SCENARIO_ASSIGN(date, ParseDateOrNone(value, key));
      check.value = date ? date->ToString() : "none";
    } else if (check.field == "history") {
      // <reason>:<date>,<reason>:<date>,...
      std::string_view rest = value;
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        size_t colon = item.find(':');
        if (colon == std::string_view::npos || colon == 0) {
          return ParseError(key + " is a list <reason>:<date>,... got '" + value + "'");
        }
        SCENARIO_ASSIGN(date, ParseDate(item.substr(colon + 1), key));
        check.value += (check.value.empty() ? "" : ",") + std::string(item.substr(0, colon)) + ":" + date.ToString();
      }
      if (check.value.empty()) return ParseError(key + " needs at least one <reason>:<date>");
    } else {
      return ParseError("unknown purchase order line field '" + check.field +
                        "' (quantity, received, outstanding, expected, promised, arrived, history)");
    }
    e.checks.push_back(std::move(check));
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  if (args.options().empty()) return ParseError("expect po needs at least one of status=, <sku>.received=, ...");
  return Action(std::move(e));
}

Result<Action> ParseExpectMovements(Args args) {
  const char* usage = "expect movements <sku>=<qty>[@<location>] ... [kind=receipt|...] [ref=<text>] | "
                      "expect movements none";
  bool none = args.words().size() == 1 && args.words()[0] == "none";
  if (!args.words().empty() && !none) return ParseError(std::string("usage: ") + usage);
  ExpectMovements e;
  if (auto kind = args.Take("kind")) {
    e.kind = ParseMovementKind(*kind);
    if (!e.kind) return ParseError("unknown movement kind '" + *kind + "'");
  }
  e.reference = args.Take("ref");
  for (const auto& [key, value] : args.options()) {
    if (key == "kind" || key == "ref") continue;
    args.Take(key);
    ExpectMovements::Entry entry{key, 0, kMainLocation};
    std::string_view quantity = value;
    if (size_t at = quantity.find('@'); at != std::string_view::npos) {
      entry.location = std::string(quantity.substr(at + 1));
      quantity = quantity.substr(0, at);
    }
    SCENARIO_ASSIGN(units, ParseInt(quantity, "the moved units of " + key));
    entry.quantity = units;
    e.entries.push_back(std::move(entry));
  }
  if (none == !e.entries.empty()) return ParseError(std::string("usage: ") + usage);
  if (none && (e.kind || e.reference)) return ParseError(std::string("usage: ") + usage);
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(e));
}

Result<Action> ParseExpectIncoming(const Args& args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, "expect incoming <sku> <N>"));
  SCENARIO_ASSIGN(units, ParseInt(args.words()[1], "the incoming units"));
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(ExpectIncoming{args.words()[0], units});
}

Result<Action> ParseExpectOver(Args args) {
  const char* usage = "expect over <sku>=<N> ... | expect over none";
  bool none = args.words().size() == 1 && args.words()[0] == "none";
  if (!args.words().empty() && !none) return ParseError(std::string("usage: ") + usage);
  ExpectOver e;
  for (const auto& [key, value] : args.options()) {
    args.Take(key);
    SCENARIO_ASSIGN(units, ParseInt(value, "the over-received units of " + key));
    e.entries.emplace_back(key, units);
  }
  if (none == !e.entries.empty()) return ParseError(std::string("usage: ") + usage);
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(e));
}

Result<Action> ParseExpectDeliveries(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, "expect deliveries <supplier> <n> [receipts=N]"));
  SCENARIO_ASSIGN(count, ParseInt(args.words()[1], "the number of deliveries"));
  SCENARIO_ASSIGN(receipts, args.TakeInt("receipts"));
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(ExpectDeliveries{args.words()[0], count, receipts});
}

Result<Action> ParseExpectDelivery(Args args) {
  const char* usage =
      "expect delivery <supplier> <i>|last [delay=<days>] [confirmed_delay=<days>] [received=N] [ordered=N] "
      "[promised=YYYY-MM-DD] [confirmed=YYYY-MM-DD] [arrived=YYYY-MM-DD] [ordered_on=YYYY-MM-DD|none]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, usage));
  ExpectDelivery e;
  e.supplier = args.words()[0];
  if (args.words()[1] != "last") {
    SCENARIO_ASSIGN(index, ParseInt(args.words()[1], "the delivery number"));
    if (index < 1) return ParseError("delivery numbers start at 1 (or use 'last')");
    e.index = index;
  }
  SCENARIO_ASSIGN(delay, args.TakeInt("delay"));
  SCENARIO_ASSIGN(confirmed_delay, args.TakeInt("confirmed_delay"));
  SCENARIO_ASSIGN(received, args.TakeInt("received"));
  SCENARIO_ASSIGN(ordered, args.TakeInt("ordered"));
  e.delay = delay;
  e.confirmed_delay = confirmed_delay;
  e.received = received;
  e.ordered = ordered;
  for (auto [key, field] : {std::pair{"promised", &e.promised}, std::pair{"confirmed", &e.confirmed},
                            std::pair{"arrived", &e.arrived}}) {
    if (auto text = args.Take(key)) {
      SCENARIO_ASSIGN(date, ParseDate(*text, key));
      *field = date;
    }
  }
  if (auto text = args.Take("ordered_on")) {
    SCENARIO_ASSIGN(date, ParseDateOrNone(*text, "ordered_on"));
    e.ordered_on = date;
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  if (args.options().empty()) return ParseError("expect delivery needs at least one of delay=, received=, ...");
  return Action(std::move(e));
}

Result<Action> ParseExpectPreferred(const Args& args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, "expect preferred <sku> <supplier>|none"));
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  ExpectPreferred e;
  e.sku = args.words()[0];
  if (args.words()[1] != "none") e.supplier = args.words()[1];
  return Action(std::move(e));
}

Result<Action> ParseExpectTerms(Args args) {
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(
      2, 2, "expect terms <supplier> <sku> [cost=9.95] [moq=N] [pack=N] [lead=<days>|none] [preferred=yes|no]"));
  ExpectTerms e;
  e.supplier = args.words()[0];
  e.sku = args.words()[1];
  if (auto cost = args.Take("cost")) {
    SCENARIO_ASSIGN(amount, ParseAmount(*cost, "cost"));
    e.cost_cents = amount.cents();
  }
  SCENARIO_ASSIGN(moq, args.TakeInt("moq"));
  SCENARIO_ASSIGN(pack, args.TakeInt("pack"));
  e.moq = moq;
  e.pack = pack;
  if (auto lead = args.Take("lead")) {
    if (*lead == "none") {
      e.lead = std::optional<int64_t>();
    } else {
      SCENARIO_ASSIGN(days, ParseInt(*lead, "lead"));
      e.lead = std::optional<int64_t>(days);
    }
  }
  if (auto preferred = args.Take("preferred")) {
    if (*preferred != "yes" && *preferred != "no") return ParseError("preferred= is yes or no");
    e.preferred = *preferred == "yes";
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  if (args.options().empty()) return ParseError("expect terms needs at least one of cost=, moq=, ...");
  return Action(std::move(e));
}

// `expect promise <order>.<n> p50=YYYY-MM-DD p90=YYYY-MM-DD [basis=...] [po=<po>|none]`,
// `expect promise <order>.<n> none`, and `expect told <order>.<n> [p50=...] [p90=...] [basis=...] [po=...]`.
Result<Action> ParseExpectPromise(Args args, bool told) {
  const char* usage = told ? "expect told <order>.<n> [p50=YYYY-MM-DD] [p90=YYYY-MM-DD] [basis=...] [po=<po>|none]"
                           : "expect promise <order>.<n> [p50=YYYY-MM-DD] [p90=YYYY-MM-DD] "
                             "[basis=in_stock|purchase_order|lead_time|release_date] [po=<po>|none] | "
                             "expect promise <order>.<n> none";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(1, told ? 1 : 2, usage));
  ExpectPromise e;
  e.told = told;
  SCENARIO_ASSIGN(line, ParseLineRef(args.words()[0]));
  e.line = line;
  if (args.words().size() == 2) {
    if (args.words()[1] != "none" || !args.options().empty()) return ParseError(std::string("usage: ") + usage);
    e.none = true;
    return Action(std::move(e));
  }
  for (auto [key, field] : {std::pair{"p50", &e.p50}, std::pair{"p90", &e.p90}}) {
    if (auto text = args.Take(key)) {
      SCENARIO_ASSIGN(date, ParseDate(*text, key));
      *field = date;
    }
  }
  if (auto basis = args.Take("basis")) {
    e.basis = ParsePromiseBasis(*basis);
    if (!e.basis) return ParseError("unknown promise basis '" + *basis + "' (in_stock, purchase_order, lead_time, release_date)");
  }
  if (auto po = args.Take("po")) {
    if (*po == "none") {
      e.po = std::optional<PoRef>();
    } else {
      SCENARIO_ASSIGN(ref, ParsePoRef(*po));
      e.po = std::optional<PoRef>(ref);
    }
  }
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  if (args.options().empty()) return ParseError(std::string("usage: ") + usage);
  return Action(std::move(e));
}

// `expect promise-events [given=N] [changed=N] [revised=N] [<order>.<n>=given|changed|revised ...]`
// or `expect promise-events none`.
Result<Action> ParseExpectPromiseEvents(Args args) {
  const char* usage =
      "expect promise-events [given=N] [changed=N] [revised=N] [<order>.<n>=given|changed|revised ...] | "
      "expect promise-events none";
  ExpectPromiseEvents e;
  bool none = args.words().size() == 1 && args.words()[0] == "none";
  if (!args.words().empty() && !none) return ParseError(std::string("usage: ") + usage);
  for (auto [key, field] : {std::pair{"given", &e.given}, std::pair{"changed", &e.changed},
                            std::pair{"revised", &e.revised}}) {
    SCENARIO_ASSIGN(count, args.TakeInt(key));
    *field = count;
  }
  for (const auto& [key, value] : args.options()) {
    if (key == "given" || key == "changed" || key == "revised") continue;
    args.Take(key);
    SCENARIO_ASSIGN(line, ParseLineRef(key));
    if (value != "given" && value != "changed" && value != "revised") {
      return ParseError("the kind of " + key + " is given, changed or revised, got '" + value + "'");
    }
    e.entries.emplace_back(line, value);
  }
  e.exact = none || !e.entries.empty();
  if (none && !args.options().empty()) return ParseError(std::string("usage: ") + usage);
  if (!none && args.options().empty()) return ParseError(std::string("usage: ") + usage);
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(e));
}

// `expect notice <order> <kind> [<order>.<n>=<qty> ...] [p50=] [p90=] [previous=] [basis=] [reason=]
// [partial=yes|no] [voucher=CODE] [percent=N]`.
Result<Action> ParseExpectNotice(Args args) {
  const char* usage =
      "expect notice <order> <kind> [<order>.<n>=<qty> ...] [p50=YYYY-MM-DD] [p90=YYYY-MM-DD] "
      "[previous=YYYY-MM-DD] [basis=...] [reason=R] [partial=yes|no] [voucher=CODE] [percent=N]";
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, usage));
  ExpectNotice e;
  SCENARIO_ASSIGN(order, ParseName(args.words()[0]));
  e.order = order;
  SCENARIO_ASSIGN(kinds, ParseNoticeKinds(args.words()[1], "the notice kind"));
  if (kinds.size() != 1) return ParseError(std::string("usage: ") + usage);
  e.kind = kinds[0];
  for (auto [key, field] : {std::pair{"p50", &e.p50}, std::pair{"p90", &e.p90}, std::pair{"previous", &e.previous}}) {
    if (auto text = args.Take(key)) {
      SCENARIO_ASSIGN(date, ParseDate(*text, key));
      *field = date;
    }
  }
  if (auto basis = args.Take("basis")) {
    e.basis = ParsePromiseBasis(*basis);
    if (!e.basis) return ParseError("unknown promise basis '" + *basis + "' (in_stock, purchase_order, lead_time, release_date)");
  }
  e.reason = args.Take("reason");
  e.voucher = args.Take("voucher");
  if (auto partial = args.Take("partial")) {
    if (*partial != "yes" && *partial != "no") return ParseError("partial= is yes or no");
    e.partial = *partial == "yes";
  }
  SCENARIO_ASSIGN(percent, args.TakeInt("percent"));
  e.percent = percent;
  SCENARIO_ASSIGN(lines, args.TakeLineEntries({"p50", "p90", "previous", "basis", "reason", "voucher", "partial",
                                               "percent"}));
  e.lines = std::move(lines);
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  return Action(std::move(e));
}

// `expect notices none` or `expect notices <order> <kind>,...|none`.
Result<Action> ParseExpectNotices(const Args& args) {
  const char* usage = "expect notices none | expect notices <order> <kind>,...|none";
  BELOFTE_RETURN_IF_ERROR(args.CheckOptions());
  ExpectNotices e;
  if (args.words().size() == 1 && args.words()[0] == "none") return Action(std::move(e));
  BELOFTE_RETURN_IF_ERROR(args.ExpectWords(2, 2, usage));
  SCENARIO_ASSIGN(order, ParseName(args.words()[0]));
  e.order = order;
  SCENARIO_ASSIGN(kinds, ParseNoticeKinds(args.words()[1], "the notice kinds"));
  e.kinds = std::move(kinds);
  return Action(std::move(e));
}

Result<Action> ParseExpect(const std::vector<std::string>& tokens) {
  if (tokens.empty()) return ParseError("expect needs a kind (line, order, queue, stock, filled, ...)");
  const std::string& kind = tokens[0];
  Args args(std::vector<std::string>(tokens.begin() + 1, tokens.end()));
  if (kind == "line") return ParseExpectLine(std::move(args));
  if (kind == "order") return ParseExpectOrder(std::move(args));
  if (kind == "queue") return ParseExpectQueue(std::move(args));
  if (kind == "stock") return ParseExpectStock(std::move(args));
  if (kind == "filled") {
    return ParseExpectLineReport(std::move(args), LineReport::kFilled,
                                 "expect filled <order>.<n>=<qty> ... | expect filled none");
  }
  if (kind == "cancelled") {
    return ParseExpectLineReport(std::move(args), LineReport::kCancelled,
                                 "expect cancelled <order>.<n>=<qty> ... [reason=...] | expect cancelled none");
  }
  if (kind == "returned") {
    return ParseExpectLineReport(std::move(args), LineReport::kReturned,
                                 "expect returned <order>.<n>=<qty> ... | expect returned none");
  }
  if (kind == "moved") {
    return ParseExpectLineReport(std::move(args), LineReport::kMoved,
                                 "expect moved <order>.<n>=<qty> ... | expect moved none");
  }
  if (kind == "ready") return ParseExpectReady(args);
  if (kind == "shortage") return ParseExpectShortage(std::move(args));
  if (kind == "same") return ParseExpectSame(args);
  if (kind == "events") return ParseExpectEvents(args);
  if (kind == "po") return ParseExpectPo(std::move(args));
  if (kind == "incoming") return ParseExpectIncoming(args);
  if (kind == "over") return ParseExpectOver(std::move(args));
  if (kind == "movements") return ParseExpectMovements(std::move(args));
  if (kind == "deliveries") return ParseExpectDeliveries(std::move(args));
  if (kind == "delivery") return ParseExpectDelivery(std::move(args));
  if (kind == "preferred") return ParseExpectPreferred(args);
  if (kind == "terms") return ParseExpectTerms(std::move(args));
  if (kind == "promise") return ParseExpectPromise(std::move(args), /*told=*/false);
  if (kind == "told") return ParseExpectPromise(std::move(args), /*told=*/true);
  if (kind == "promise-events") return ParseExpectPromiseEvents(std::move(args));
  if (kind == "notice") return ParseExpectNotice(std::move(args));
  if (kind == "notices") return ParseExpectNotices(args);
  return ParseError("unknown expectation 'expect " + kind + "'");
}

// The HTTP status adapters give an ErrorKind (common/result.h), and back.
constexpr std::pair<ErrorKind, int> kKindStatus[] = {
    {ErrorKind::kInvalid, 400},      {ErrorKind::kNotFound, 404},     {ErrorKind::kConflict, 409},
    {ErrorKind::kUnprocessable, 422}, {ErrorKind::kTooLarge, 413},    {ErrorKind::kUnauthorized, 401},
    {ErrorKind::kForbidden, 403},    {ErrorKind::kInternal, 500}};

int StatusOf(ErrorKind kind) {
  for (const auto& [k, status] : kKindStatus) {
    if (k == kind) return status;
  }
  return 0;
}

std::optional<ErrorKind> KindOfStatus(int status) {
  for (const auto& [k, s] : kKindStatus) {
    if (s == status) return k;
  }
  return std::nullopt;
}

// Parses one non-empty, comment-free line.
Result<Step> ParseStep(int line_number, std::vector<std::string> tokens) {
  Step step;
  step.line = line_number;
  if (auto arrow = std::find(tokens.begin(), tokens.end(), "=>"); arrow != tokens.end()) {
    if ((tokens.end() - arrow != 3 && tokens.end() - arrow != 4) || arrow[1] != "error") {
      return ParseError("a command ends with '=> error <code> [<status>]' and nothing after it");
    }
    step.expected_error = arrow[2];
    if (tokens.end() - arrow == 4) {
      SCENARIO_ASSIGN(status, ParseInt(arrow[3], "the error's HTTP status"));
      if (!KindOfStatus(static_cast<int>(status))) {
        return ParseError("'" + arrow[3] + "' is not the status of an error kind (400 404 409 413 422 401 403 500)");
      }
      step.expected_status = static_cast<int>(status);
    }
    tokens.erase(arrow, tokens.end());
  }
  const std::string verb = tokens[0];
  std::vector<std::string> rest(tokens.begin() + 1, tokens.end());
  bool is_command = verb != "at" && verb != "expect";
  if (!is_command && step.expected_error) return ParseError("'=> error' follows commands only, not '" + verb + "'");

  Result<Action> action = ParseError("unknown command '" + verb + "'");
  if (verb == "at") {
    if (rest.size() != 1) return ParseError("usage: at <RFC 3339 instant>");
    SCENARIO_ASSIGN(at, ParseInstant(rest[0]));
    action = Action(SetClock{at});
  } else if (verb == "expect") {
    action = ParseExpect(rest);
  } else if (verb == "location") {
    action = ParseLocation(Args(rest));
  } else if (verb == "product") {
    action = ParseProduct(Args(rest));
  } else if (verb == "receive") {
    action = ParseReceive(Args(rest));
  } else if (verb == "adjust") {
    action = ParseAdjust(Args(rest));
  } else if (verb == "count") {
    action = ParseCount(Args(rest));
  } else if (verb == "transfer") {
    action = ParseTransfer(Args(rest));
  } else if (verb == "order") {
    action = ParseOrder(rest);
  } else if (verb == "pay") {
    action = ParsePaymentStep(Args(rest), Payment::kPaid, "pay <order>");
  } else if (verb == "unpay") {
    action = ParsePaymentStep(Args(rest), Payment::kUnpaid, "unpay <order>");
  } else if (verb == "refund") {
    action = ParsePaymentStep(Args(rest), Payment::kRefunded, "refund <order>");
  } else if (verb == "cancel") {
    action = ParseCancel(Args(rest));
  } else if (verb == "ship") {
    action = ParseShip(Args(rest));
  } else if (verb == "priority") {
    action = ParsePriority(Args(rest));
  } else if (verb == "supplier") {
    action = ParseSupplier(Args(rest));
  } else if (verb == "terms") {
    action = ParseTerms(Args(rest));
  } else if (verb == "po") {
    action = ParsePo(rest);
  } else if (verb == "send") {
    action = ParseSend(Args(rest));
  } else if (verb == "confirm") {
    action = ParseDates(Args(rest), /*confirm=*/true);
  } else if (verb == "move") {
    action = ParseDates(Args(rest), /*confirm=*/false);
  } else if (verb == "receive-po") {
    action = ParseReceivePo(rest);
  } else if (verb == "cancel-po") {
    action = ParseCancelPo(Args(rest));
  } else if (verb == "settings") {
    action = ParseSettings(Args(rest));
  } else if (verb == "notices") {
    action = ParseNotices(Args(rest));
  } else if (verb == "timers") {
    if (!rest.empty()) return ParseError("usage: timers (RunTimers at the clock; it takes no arguments)");
    action = Action(TimersStep{});
  } else if (verb == "ship-policy") {
    action = ParseShipPolicyStep(Args(rest));
  } else if (verb == "keep-waiting") {
    action = ParseKeepWaiting(Args(rest));
  }
  if (!action.ok()) return action.take_error();
  step.action = std::move(action.value());
  return step;
}

struct Parsed {
  std::vector<Step> steps;
  std::vector<Failure> errors;
  int last_line = 0;
};

Parsed Parse(const std::string& file, std::string_view text) {
  Parsed parsed;
  int line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    ++line_number;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::vector<std::string> tokens = Tokenize(line);
    if (!tokens.empty()) {
      parsed.last_line = line_number;
      auto step = ParseStep(line_number, std::move(tokens));
      if (step.ok()) {
        parsed.steps.push_back(std::move(step.value()));
      } else {
        parsed.errors.push_back(Failure{file, line_number, "parse error: " + step.error().message});
      }
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  return parsed;
}

#undef SCENARIO_ASSIGN

// ---------------------------------------------------------------------------------------------
// Running

std::string Describe(const Error& error) {
  std::string out = "'" + error.code + "': " + error.message;
  for (const auto& s : error.shortages) {
    out += " [shortage " + s.sku + ": requested " + std::to_string(s.requested) + ", available " +
           std::to_string(s.available) + "]";
  }
  for (const auto& [key, value] : error.data) out.append(" [").append(key).append("=").append(value).append("]");
  return out;
}

class Runner {
 public:
  explicit Runner(std::string file) : file_(std::move(file)), clock_(*Instant::Parse(kStartOfTime)) {}

  std::vector<Failure> Run(const std::vector<Step>& steps, int last_line) {
    for (const Step& step : steps) {
      if (failures_.size() >= kMaxFailures) return std::move(failures_);
      line_ = step.line;
      expected_error_ = step.expected_error;
      expected_status_ = step.expected_status;
      try {
        std::visit([this](const auto& action) { Do(action); }, step.action);
      } catch (const std::exception& e) {
        Fail(std::string("the engine threw: ") + e.what() + " (scenario stopped)");
        return std::move(failures_);
      }
    }
    line_ = last_line;
    CheckReplay();
    return std::move(failures_);
  }

 private:
  struct Binding {
    OrderId id = 0;
    bool created = false;
    size_t sequence = 0;  // binding order
  };

  // What the most recent accepted command did.
  struct Accepted {
    Outcome outcome;
    std::vector<Event> events;
  };

  void Fail(std::string message) {
    if (failures_.size() < kMaxFailures) failures_.push_back(Failure{file_, line_, std::move(message)});
  }

  // --- Name resolution

  Result<OrderId> ResolveOrder(const std::string& name) const {
    auto it = names_.find(name);
    if (it == names_.end()) return Error::NotFound("unknown_name", "no order is named '" + name + "'");
    return it->second.id;
  }

  Result<const Order*> FindOrder(const std::string& name) const {
    auto id = ResolveOrder(name);
    if (!id.ok()) return id.take_error();
    const Order* order = engine_.state().FindOrder(*id);
    if (!order) return Error::NotFound("unknown_order", "order '" + name + "' is not in the engine's state");
    return order;
  }

  Result<const OrderLine*> FindLine(const LineRef& ref) const {
    auto order = FindOrder(ref.order);
    if (!order.ok()) return order.take_error();
    if (ref.bundle) {
      // A bundle line, seen as a line: its id and its derived split (allocations at main).
      const auto& bundles = (*order)->bundles;
      if (ref.index > static_cast<int64_t>(bundles.size())) {
        return Error::NotFound("unknown_line", "order '" + ref.order + "' has " + std::to_string(bundles.size()) +
                                                   " bundle line(s), not " + std::to_string(ref.index));
      }
      const BundleLine& b = bundles[ref.index - 1];
      LineSplit split = BundleSplit(**order, b);
      OrderLine& line = synthesized_.emplace_back();
      line.id = b.id;
      line.sku = b.sku;
      line.quantity = b.quantity;
      if (split.allocated.positive()) line.allocations.push_back(Allocation{0, split.allocated});
      line.backordered = split.backordered;
      line.shipped = split.shipped;
      line.cancelled = split.cancelled;
      for (const auto& c : (*order)->lines) {
        if (c.bundle_line == b.id) line.priority = c.priority;
      }
      return &line;
    }
    if (ref.index > static_cast<int64_t>((*order)->lines.size())) {
      return Error::NotFound("unknown_line", "order '" + ref.order + "' has " + std::to_string((*order)->lines.size()) +
                                                 " line(s), not " + std::to_string(ref.index));
    }
    return &(*order)->lines[ref.index - 1];
  }

  Result<std::vector<engine::LineQuantity>> ResolveLines(const std::vector<LineQty>& lines) const {
    std::vector<engine::LineQuantity> out;
    for (const auto& l : lines) {
      auto line = FindLine(l.line);
      if (!line.ok()) return line.take_error();
      out.push_back(engine::LineQuantity{(*line)->id, Quantity(l.quantity)});
    }
    return out;
  }

  Result<PurchaseOrderId> ResolvePo(const PoRef& ref) const {
    if (ref.id) return *ref.id;
    auto it = po_names_.find(ref.name);
    if (it == po_names_.end()) {
      return Error::NotFound("unknown_name", "no purchase order is named '" + ref.name + "'");
    }
    return it->second;
  }

  Result<const PurchaseOrder*> FindPo(const PoRef& ref) const {
    auto id = ResolvePo(ref);
    if (!id.ok()) return id.take_error();
    const PurchaseOrder* po = engine_.state().FindPurchaseOrder(*id);
    if (!po) {
      return Error::NotFound("unknown_purchase_order",
                             "purchase order '" + ref.ToString() + "' is not in the engine's state");
    }
    return po;
  }

  // Outcome::purchase_order of an accepted purchasing command must name its purchase order.
  // Reported once per scenario: it is one contract, broken or not, for every command.
  void CheckOutcomePo(const Outcome& outcome, PurchaseOrderId id, const char* command) {
    if (outcome.purchase_order == id || outcome_po_reported_) return;
    outcome_po_reported_ = true;
    Fail(std::string("Outcome::purchase_order of the accepted '") + command + "' is " +
         std::to_string(outcome.purchase_order) + ", expected " + std::to_string(id) +
         " (reported once per scenario)");
  }

  // The first name bound to an order, for messages.
  std::string OrderName(OrderId id) const {
    const std::string* best = nullptr;
    size_t best_sequence = SIZE_MAX;
    for (const auto& [name, binding] : names_) {
      if (binding.id == id && binding.sequence < best_sequence) {
        best = &name;
        best_sequence = binding.sequence;
      }
    }
    return best ? *best : "order#" + std::to_string(id);
  }

  std::string LineName(LineId id) const {
    auto [order, line] = engine_.state().FindLine(id);
    if (!order || !line) return "line#" + std::to_string(id);
    return OrderName(order->id) + "." + std::to_string(line - order->lines.data() + 1);
  }

  std::string Render(const std::vector<std::pair<LineId, int64_t>>& entries) const {
    if (entries.empty()) return "none";
    std::string out;
    for (const auto& [line, quantity] : entries) {
      if (!out.empty()) out += " ";
      out += LineName(line) + "=" + std::to_string(quantity);
    }
    return out;
  }

  // --- Commands

  // Executes a command at the clock and checks the result against `=> error`, the invariants
  // and (for rejections) that nothing changed. Calls on_accepted with an accepted outcome.
  void Execute(Command command, const std::function<void(const Outcome&)>& on_accepted = {}) {
    std::visit([this](auto& c) { c.at = clock_; }, command);
    clock_ = clock_.PlusSeconds(1);
    const engine::ShopState before = engine_.state();
    const size_t first = events_.size();
    Result<Outcome> result = engine_.Execute(command, &events_);
    const int64_t emitted = static_cast<int64_t>(events_.size() - first);
    last_event_count_ = emitted;
    last_events_.assign(events_.begin() + first, events_.end());
    for (size_t i = first; i < events_.size(); ++i) {
      if (events_[i].seq != i + 1) {
        Fail("event " + std::to_string(i + 1) + " is numbered " + std::to_string(events_[i].seq));
      }
    }
    if (result.ok()) {
      last_accepted_ = Accepted{result.value(), std::vector<Event>(events_.begin() + first, events_.end())};
      if (expected_error_) {
        Fail("expected the command to be rejected with '" + *expected_error_ + "', but it was accepted");
      }
      if (on_accepted) on_accepted(result.value());
    } else {
      const Error& error = result.error();
      last_rejection_ = error;
      if (emitted != 0) Fail("the rejected command emitted " + std::to_string(emitted) + " events");
      if (std::string diff = engine::DiffStates(before, engine_.state()); !diff.empty()) {
        Fail("the rejected command changed the state:\n" + diff);
      }
      if (!expected_error_) {
        Fail("command rejected: " + Describe(error));
      } else if (error.code != *expected_error_) {
        Fail("expected error '" + *expected_error_ + "', got " + Describe(error));
      } else if (expected_status_ && StatusOf(error.kind) != *expected_status_) {
        Fail("expected error '" + *expected_error_ + "' with status " + std::to_string(*expected_status_) +
             ", got status " + std::to_string(StatusOf(error.kind)) + ": " + Describe(error));
      }
    }
    for (const auto& violation : engine::CheckInvariants(engine_.state(), engine_.rule())) {
      Fail("invariant violated after the command: " + violation);
    }
  }

  template <typename T>
  bool Resolved(const Result<T>& result) {
    if (result.ok()) return true;
    Fail(result.error().message);
    return false;
  }

  void Do(const SetClock& s) { clock_ = s.at; }

  void Do(const PlainCommand& s) { Execute(s.command); }

  void Do(const OrderStep& s) {
    engine::PlaceOrder c = s.command;
    if (!s.placed_given) c.placed_at = clock_;
    for (auto& line : c.lines) {
      if (const engine::SkuState* sku = engine_.state().FindSku(line.sku)) line.unit_price = sku->product.price;
    }
    Execute(c, [this, &s](const Outcome& outcome) {
      if (names_.count(s.name)) {
        Fail("order name '" + s.name + "' is already bound");
        return;
      }
      names_[s.name] = Binding{outcome.order, outcome.created, names_.size()};
    });
  }

  void Do(const PaymentStep& s) {
    auto order = ResolveOrder(s.order);
    if (!Resolved(order)) return;
    Execute(engine::SetPayment{*order, s.payment, Instant()});
  }

  void Do(const CancelStep& s) {
    auto order = ResolveOrder(s.order);
    auto lines = ResolveLines(s.lines);
    if (!Resolved(order) || !Resolved(lines)) return;
    Execute(engine::CancelOrder{*order, *lines, s.reason, Instant()});
  }

  void Do(const ShipStep& s) {
    auto order = ResolveOrder(s.order);
    auto lines = ResolveLines(s.lines);
    if (!Resolved(order) || !Resolved(lines)) return;
    Execute(engine::ShipOrder{*order, s.location, *lines, Instant()});
  }

  void Do(const PriorityStep& s) {
    auto line = FindLine(s.line);
    if (!Resolved(line)) return;
    Execute(engine::SetLinePriority{(*line)->id, s.priority, Instant()});
  }

  void Do(const PoCreateStep& s) {
    engine::CreatePurchaseOrder c = s.command;
    Execute(c, [this, &s](const Outcome& outcome) {
      PurchaseOrderId created = 0;
      for (const auto& event : last_accepted_->events) {
        if (const auto* e = std::get_if<engine::PurchaseOrderCreated>(&event.body)) created = e->purchase_order.id;
      }
      if (created == 0) {
        Fail("the accepted 'po' emitted no PurchaseOrderCreated event");
        return;
      }
      CheckOutcomePo(outcome, created, "po");
      if (po_names_.count(s.name)) {
        Fail("purchase order name '" + s.name + "' is already bound");
        return;
      }
      po_names_[s.name] = created;
    });
  }

  void Do(const PoCommandStep& s) {
    auto id = ResolvePo(s.po);
    if (!Resolved(id)) return;
    Command command = s.make(*id);
    const char* verb = std::visit(
        [](const auto& c) -> const char* {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, engine::SendPurchaseOrder>) return "send";
          if constexpr (std::is_same_v<T, engine::ConfirmPurchaseOrder>) return "confirm";
          if constexpr (std::is_same_v<T, engine::MovePurchaseOrderDate>) return "move";
          if constexpr (std::is_same_v<T, engine::ReceivePurchaseOrder>) return "receive-po";
          if constexpr (std::is_same_v<T, engine::CancelPurchaseOrder>) return "cancel-po";
          return "command";
        },
        command);
    Execute(std::move(command), [this, id = *id, verb](const Outcome& outcome) { CheckOutcomePo(outcome, id, verb); });
  }

  // --- Expectations

  void Do(const ExpectLine& e) {
    auto found = FindLine(e.line);
    if (!Resolved(found)) return;
    const OrderLine& line = **found;
    std::string wrong;
    auto check = [&wrong](const char* what, std::optional<int64_t> want, int64_t got) {
      if (want && *want != got) {
        wrong += std::string(wrong.empty() ? "" : ", ") + what + " is " + std::to_string(got) + ", expected " +
                 std::to_string(*want);
      }
    };
    check("allocated", e.allocated, line.allocated().units());
    check("backordered", e.backordered, line.backordered.units());
    check("shipped", e.shipped, line.shipped.units());
    check("cancelled", e.cancelled, line.cancelled.units());
    check("priority", e.priority, line.priority);
    for (const auto& [code, units] : e.allocated_at) {
      const Location* location = engine_.state().FindLocation(code);
      if (!location) {
        Fail("unknown location '" + code + "'");
        return;
      }
      check(("allocated." + code).c_str(), units, line.AllocatedAt(location->index).units());
    }
    if (wrong.empty()) return;
    std::string allocations;
    for (const auto& a : line.allocations) {
      allocations += " " + engine_.state().locations[a.location].code + ":" + std::to_string(a.quantity.units());
    }
    Fail("line " + e.line.ToString() + " (" + line.sku + "): " + wrong + "; the line is quantity=" +
         std::to_string(line.quantity.units()) + " allocated=" + std::to_string(line.allocated().units()) +
         " backordered=" + std::to_string(line.backordered.units()) +
         " shipped=" + std::to_string(line.shipped.units()) + " cancelled=" + std::to_string(line.cancelled.units()) +
         (allocations.empty() ? "" : " (allocated at" + allocations + ")"));
  }

  void Do(const ExpectOrder& e) {
    auto order = FindOrder(e.order);
    if (!Resolved(order)) return;
    if (e.status) {
      OrderStatus status = DeriveStatus(**order);
      if (status != *e.status) {
        Fail("order " + e.order + " has status " + std::string(ToString(status)) + ", expected " +
             std::string(ToString(*e.status)));
      }
    }
    if (e.payment && (*order)->payment != *e.payment) {
      Fail("order " + e.order + " is " + std::string(ToString((*order)->payment)) + ", expected " +
           std::string(ToString(*e.payment)));
    }
  }

  void Do(const ExpectQueue& e) {
    if (!engine_.state().FindSku(e.sku)) {
      Fail("unknown SKU '" + e.sku + "'");
      return;
    }
    std::vector<std::pair<LineId, int64_t>> actual, expected;
    for (const auto& entry : engine_.Queue(e.sku)) actual.emplace_back(entry.line, entry.quantity.units());
    for (const auto& entry : e.entries) {
      auto line = FindLine(entry.line);
      if (!Resolved(line)) return;
      expected.emplace_back((*line)->id, entry.quantity);
    }
    if (actual != expected) {
      Fail("queue " + e.sku + " is [" + Render(actual) + "], expected [" + Render(expected) + "]");
    }
  }

  void Do(const ExpectStock& e) {
    const engine::SkuState* sku = engine_.state().FindSku(e.sku);
    if (!sku) {
      Fail("unknown SKU '" + e.sku + "'");
      return;
    }
    int64_t on_hand, allocated, free;
    std::string where;
    if (e.total) {
      on_hand = sku->on_hand().units();
      allocated = sku->allocated().units();
      free = sku->free().units();
      where = "in total";
    } else {
      const Location* location = engine_.state().FindLocation(e.location);
      if (!location) {
        Fail("unknown location '" + e.location + "'");
        return;
      }
      engine::StockLevel level = sku->Level(location->index);
      on_hand = level.on_hand.units();
      allocated = level.allocated.units();
      free = level.free().units();
      where = "at " + e.location;
    }
    std::string wrong;
    auto check = [&wrong](const char* what, std::optional<int64_t> want, int64_t got) {
      if (want && *want != got) {
        wrong += std::string(wrong.empty() ? "" : ", ") + what + " is " + std::to_string(got) + ", expected " +
                 std::to_string(*want);
      }
    };
    check("on_hand", e.on_hand, on_hand);
    check("allocated", e.allocated, allocated);
    check("free", e.free, free);
    check("backordered", e.backordered, sku->backordered.units());
    if (!wrong.empty()) {
      Fail("stock of " + e.sku + " " + where + ": " + wrong + " (on_hand=" + std::to_string(on_hand) +
           " allocated=" + std::to_string(allocated) + " free=" + std::to_string(free) +
           " backordered=" + std::to_string(sku->backordered.units()) + ")");
    }
  }

  void Do(const ExpectLineReport& e) {
    if (!last_accepted_) {
      Fail("no command has been accepted yet");
      return;
    }
    std::vector<std::pair<LineId, int64_t>> actual, expected;
    std::vector<std::string> reasons;
    const char* what = "filled";
    switch (e.kind) {
      case LineReport::kFilled:
        for (const auto& fill : last_accepted_->outcome.filled) actual.emplace_back(fill.line, fill.quantity.units());
        break;
      case LineReport::kCancelled:
        what = "cancelled";
        for (const auto& event : last_accepted_->events) {
          if (const auto* c = std::get_if<engine::LineCancelled>(&event.body)) {
            Quantity units = c->from_backordered;
            for (const auto& a : c->from_allocations) units += a.quantity;
            actual.emplace_back(c->line, units.units());
            reasons.push_back(c->reason);
          }
        }
        break;
      case LineReport::kReturned:
        what = "returned";
        for (const auto& event : last_accepted_->events) {
          if (const auto* r = std::get_if<engine::AllocationReturned>(&event.body)) {
            actual.emplace_back(r->line, r->quantity.units());
          }
        }
        break;
      case LineReport::kMoved:
        what = "moved";
        for (const auto& event : last_accepted_->events) {
          if (const auto* m = std::get_if<engine::AllocationMoved>(&event.body)) {
            actual.emplace_back(m->line, m->quantity.units());
          }
        }
        break;
    }
    for (const auto& entry : e.entries) {
      auto line = FindLine(entry.line);
      if (!Resolved(line)) return;
      expected.emplace_back((*line)->id, entry.quantity);
    }
    if (actual != expected) {
      Fail(std::string(what) + " by the last accepted command: [" + Render(actual) + "], expected [" +
           Render(expected) + "]");
    }
    if (e.reason) {
      for (const auto& reason : reasons) {
        if (reason != *e.reason) {
          Fail("a line was cancelled with reason '" + reason + "', expected '" + *e.reason + "'");
        }
      }
    }
  }

  void Do(const ExpectReady& e) {
    if (!last_accepted_) {
      Fail("no command has been accepted yet");
      return;
    }
    std::set<OrderId> expected;
    for (const auto& name : e.orders) {
      auto id = ResolveOrder(name);
      if (!Resolved(id)) return;
      expected.insert(*id);
    }
    const auto& ready = last_accepted_->outcome.ready_orders;
    std::set<OrderId> actual(ready.begin(), ready.end());
    if (actual != expected) {
      auto render = [this](const std::set<OrderId>& ids) {
        std::string out;
        for (OrderId id : ids) out += (out.empty() ? "" : " ") + OrderName(id);
        return out.empty() ? std::string("none") : out;
      };
      Fail("ready after the last accepted command: [" + render(actual) + "], expected [" + render(expected) + "]");
    }
  }

  void Do(const ExpectShortage& e) {
    if (!last_rejection_) {
      Fail("no command has been rejected yet");
      return;
    }
    for (const auto& s : last_rejection_->shortages) {
      if (s.sku != e.sku) continue;
      if (s.requested != e.requested || s.available != e.available) {
        Fail("shortage of " + e.sku + " is requested " + std::to_string(s.requested) + " available " +
             std::to_string(s.available) + ", expected requested " + std::to_string(e.requested) + " available " +
             std::to_string(e.available));
      }
      return;
    }
    Fail("the last rejection has no shortage for " + e.sku + ": " + Describe(*last_rejection_));
  }

  void Do(const ExpectSame& e) {
    auto first = names_.find(e.first);
    auto second = names_.find(e.second);
    if (first == names_.end() || second == names_.end()) {
      Fail("no order is named '" + (first == names_.end() ? e.first : e.second) + "'");
      return;
    }
    if (first->second.id != second->second.id) {
      Fail(e.first + " is order " + std::to_string(first->second.id) + " but " + e.second + " is order " +
           std::to_string(second->second.id));
      return;
    }
    const auto& later = first->second.sequence > second->second.sequence ? *first : *second;
    if (later.second.created) Fail("order '" + later.first + "' was reported as created, expected created == false");
  }

  void Do(const ExpectEvents& e) {
    if (!last_event_count_) {
      Fail("no command has run yet");
      return;
    }
    if (*last_event_count_ != e.count) {
      Fail("the last command emitted " + std::to_string(*last_event_count_) + " events, expected " +
           std::to_string(e.count));
    }
  }

  void Do(const ExpectPo& e) {
    auto found = FindPo(e.po);
    if (!Resolved(found)) return;
    const PurchaseOrder& po = **found;
    std::string wrong;
    auto note = [&wrong](const std::string& what, const std::string& got, const std::string& want) {
      if (got != want) wrong += (wrong.empty() ? "" : ", ") + what + " is " + got + ", expected " + want;
    };
    if (e.status) note("status", std::string(ToString(po.status)), std::string(ToString(*e.status)));
    if (e.supplier) note("supplier", po.supplier, *e.supplier);
    if (e.sent) {
      note("sent", po.sent_at ? po.sent_at->date().ToString() : "none", *e.sent ? (*e.sent)->ToString() : "none");
    }
    if (e.lines) note("lines", std::to_string(po.lines.size()), std::to_string(*e.lines));
    for (const auto& check : e.checks) {
      const PurchaseOrderLine* line = po.FindLine(check.sku);
      if (!line) {
        wrong += std::string(wrong.empty() ? "" : ", ") + "it has no line for " + check.sku;
        continue;
      }
      std::string got;
      if (check.field == "quantity") got = std::to_string(line->quantity.units());
      if (check.field == "received") got = std::to_string(line->received.units());
      if (check.field == "outstanding") got = std::to_string(line->outstanding().units());
      if (check.field == "expected") got = line->expected_date.ToString();
      if (check.field == "promised") got = line->promised_date ? line->promised_date->ToString() : "none";
      if (check.field == "arrived") got = line->last_arrival ? line->last_arrival->ToString() : "none";
      if (check.field == "history") {
        for (const auto& change : line->history) {
          got += (got.empty() ? "" : ",") + change.reason + ":" + change.date.ToString();
        }
      }
      note(check.sku + "." + check.field, got.empty() ? "none" : got, check.value);
    }
    if (wrong.empty()) return;
    std::string lines;
    for (const auto& l : po.lines) {
      lines += " " + l.sku + "*" + std::to_string(l.quantity.units()) + " received=" +
               std::to_string(l.received.units()) + " expected=" + l.expected_date.ToString() +
               " promised=" + (l.promised_date ? l.promised_date->ToString() : "none") + ";";
    }
    Fail("purchase order " + e.po.ToString() + ": " + wrong + " (status " + std::string(ToString(po.status)) + ";" +
         lines + ")");
  }

  void Do(const ExpectIncoming& e) {
    const engine::SkuState* sku = engine_.state().FindSku(e.sku);
    if (!sku) {
      Fail("unknown SKU '" + e.sku + "'");
      return;
    }
    if (sku->incoming.units() != e.units) {
      Fail("incoming of " + e.sku + " is " + std::to_string(sku->incoming.units()) + ", expected " +
           std::to_string(e.units));
    }
  }

  void Do(const ExpectOver& e) {
    if (!last_accepted_) {
      Fail("no command has been accepted yet");
      return;
    }
    auto render = [](const std::vector<std::pair<std::string, int64_t>>& entries) {
      std::string out;
      for (const auto& [sku, units] : entries) out += (out.empty() ? "" : " ") + sku + "=" + std::to_string(units);
      return out.empty() ? std::string("none") : out;
    };
    std::vector<std::pair<std::string, int64_t>> actual;
    for (const auto& o : last_accepted_->outcome.over_received) actual.emplace_back(o.sku, o.quantity.units());
    if (actual != e.entries) {
      Fail("over-received by the last accepted command: [" + render(actual) + "], expected [" + render(e.entries) +
           "]");
    }
  }

  void Do(const ExpectMovements& e) {
    if (!last_accepted_) {
      Fail("no command has been accepted yet");
      return;
    }
    const auto& state = engine_.state();
    auto render = [](const std::vector<std::string>& items) {
      std::string out;
      for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
      return out.empty() ? std::string("none") : out;
    };
    std::vector<std::string> actual, expected;
    for (const auto& m : last_accepted_->outcome.movements) {
      std::string location = m.location < state.locations.size() ? state.locations[m.location].code : "?";
      actual.push_back(m.sku + "=" + std::to_string(m.quantity.units()) + "@" + location);
    }
    for (const auto& entry : e.entries) {
      expected.push_back(entry.sku + "=" + std::to_string(entry.quantity) + "@" + entry.location);
    }
    if (actual != expected) {
      Fail("ledger movements of the last accepted command: [" + render(actual) + "], expected [" + render(expected) +
           "]");
      return;
    }
    std::optional<std::string> reference = e.reference;
    constexpr std::string_view kPo = "po:";
    if (reference && reference->compare(0, kPo.size(), kPo) == 0) {
      auto bound = po_names_.find(reference->substr(kPo.size()));
      if (bound != po_names_.end()) reference = std::string(kPo) + std::to_string(bound->second);
    }
    for (const auto& m : last_accepted_->outcome.movements) {
      if (e.kind && m.kind != *e.kind) {
        Fail("movement of " + m.sku + " is a " + std::string(ToString(m.kind)) + ", expected a " +
             std::string(ToString(*e.kind)));
      }
      if (reference && m.reference != *reference) {
        Fail("movement of " + m.sku + " has reference '" + m.reference + "', expected '" + *reference + "'");
      }
    }
  }

  const engine::SupplierState* FindSupplierOrFail(const std::string& code) {
    const engine::SupplierState* supplier = engine_.state().FindSupplier(code);
    if (!supplier) Fail("unknown supplier '" + code + "'");
    return supplier;
  }

  void Do(const ExpectDeliveries& e) {
    const engine::SupplierState* supplier = FindSupplierOrFail(e.supplier);
    if (!supplier) return;
    if (static_cast<int64_t>(supplier->deliveries.size()) != e.count) {
      Fail("supplier " + e.supplier + " has " + std::to_string(supplier->deliveries.size()) +
           " deliveries kept, expected " + std::to_string(e.count));
    }
    if (e.receipts && supplier->receipts != *e.receipts) {
      Fail("supplier " + e.supplier + " has " + std::to_string(supplier->receipts) + " receipt lines, expected " +
           std::to_string(*e.receipts));
    }
  }

  void Do(const ExpectDelivery& e) {
    const engine::SupplierState* supplier = FindSupplierOrFail(e.supplier);
    if (!supplier) return;
    const auto& deliveries = supplier->deliveries;
    if (deliveries.empty() || e.index > static_cast<int64_t>(deliveries.size())) {
      Fail("supplier " + e.supplier + " has " + std::to_string(deliveries.size()) + " deliveries kept, not " +
           (e.index == 0 ? std::string("a last one") : std::to_string(e.index)));
      return;
    }
    const SupplierDelivery& d = e.index == 0 ? deliveries.back() : deliveries[e.index - 1];
    std::string wrong;
    auto check = [&wrong](const char* what, std::optional<int64_t> want, int64_t got) {
      if (want && *want != got) {
        wrong += std::string(wrong.empty() ? "" : ", ") + what + " is " + std::to_string(got) + ", expected " +
                 std::to_string(*want);
      }
    };
    auto check_date = [&wrong](const char* what, const std::optional<Date>& want, Date got) {
      if (want && *want != got) {
        wrong += std::string(wrong.empty() ? "" : ", ") + what + " is " + got.ToString() + ", expected " +
                 want->ToString();
      }
    };
    check("delay", e.delay, d.arrived.days() - d.promised.days());
    check("confirmed_delay", e.confirmed_delay, d.arrived.days() - d.confirmed.days());
    check("received", e.received, d.received_quantity);
    check("ordered", e.ordered, d.ordered_quantity);
    check_date("promised", e.promised, d.promised);
    check_date("confirmed", e.confirmed, d.confirmed);
    check_date("arrived", e.arrived, d.arrived);
    if (e.ordered_on && *e.ordered_on != d.ordered) {
      wrong += std::string(wrong.empty() ? "" : ", ") + "ordered_on is " + (d.ordered ? d.ordered->ToString() : "none") +
               ", expected " + (*e.ordered_on ? (*e.ordered_on)->ToString() : "none");
    }
    if (wrong.empty()) return;
    Fail("delivery " + (e.index == 0 ? std::string("last") : std::to_string(e.index)) + " of supplier " + e.supplier +
         ": " + wrong + " (ordered_on=" + (d.ordered ? d.ordered->ToString() : "none") + " promised=" +
         d.promised.ToString() + " confirmed=" + d.confirmed.ToString() + " arrived=" + d.arrived.ToString() +
         " ordered=" + std::to_string(d.ordered_quantity) + " received=" + std::to_string(d.received_quantity) + ")");
  }

  void Do(const ExpectPreferred& e) {
    if (!engine_.state().FindSku(e.sku)) {
      Fail("unknown SKU '" + e.sku + "'");
      return;
    }
    std::vector<std::string> preferred;
    for (const auto& [code, supplier] : engine_.state().suppliers) {
      auto it = supplier.terms.find(e.sku);
      if (it != supplier.terms.end() && it->second.preferred) preferred.push_back(code);
    }
    std::vector<std::string> expected;
    if (e.supplier) expected.push_back(*e.supplier);
    if (preferred != expected) {
      std::string got;
      for (const auto& code : preferred) got += (got.empty() ? "" : " ") + code;
      Fail("suppliers preferred for " + e.sku + ": [" + (got.empty() ? "none" : got) + "], expected [" +
           e.supplier.value_or("none") + "]");
      return;
    }
    const SupplierTerms* terms = engine_.state().PreferredTerms(e.sku);
    if (e.supplier && (!terms || terms->supplier != *e.supplier)) {
      Fail("PreferredTerms(" + e.sku + ") is " + (terms ? terms->supplier : std::string("none")) + ", expected " +
           *e.supplier);
    }
  }

  void Do(const ExpectTerms& e) {
    const engine::SupplierState* supplier = FindSupplierOrFail(e.supplier);
    if (!supplier) return;
    auto it = supplier->terms.find(e.sku);
    if (it == supplier->terms.end()) {
      Fail("supplier " + e.supplier + " has no terms for " + e.sku);
      return;
    }
    const SupplierTerms& t = it->second;
    std::string wrong;
    auto note = [&wrong](const char* what, const std::string& got, const std::string& want) {
      if (got != want) wrong += std::string(wrong.empty() ? "" : ", ") + what + " is " + got + ", expected " + want;
    };
    auto lead = [](const std::optional<int64_t>& days) { return days ? std::to_string(*days) : std::string("none"); };
    if (e.cost_cents) note("cost (cents)", std::to_string(t.cost.cents()), std::to_string(*e.cost_cents));
    if (e.moq) note("moq", std::to_string(t.moq.units()), std::to_string(*e.moq));
    if (e.pack) note("pack", std::to_string(t.pack_size.units()), std::to_string(*e.pack));
    if (e.lead) {
      note("lead", lead(t.lead_time_days ? std::optional<int64_t>(*t.lead_time_days) : std::nullopt), lead(*e.lead));
    }
    if (e.preferred) note("preferred", t.preferred ? "yes" : "no", *e.preferred ? "yes" : "no");
    if (!wrong.empty()) Fail("terms of " + e.supplier + " for " + e.sku + ": " + wrong);
  }

  // --- Promises

  // A purchase order as the scenario names it (its first bound name, else id:<N>).
  std::string PoName(PurchaseOrderId id) const {
    for (const auto& [name, bound] : po_names_) {
      if (bound == id) return name;
    }
    return "id:" + std::to_string(id);
  }

  std::string Render(const Promise& p) const {
    std::string out = "p50=" + p.p50.ToString() + " p90=" + p.p90.ToString() + " basis=" + std::string(ToString(p.basis));
    if (p.purchase_order != 0) out += " po=" + PoName(p.purchase_order);
    return out;
  }

  void Do(const ExpectPromise& e) {
    auto found = FindLine(e.line);
    if (!Resolved(found)) return;
    const char* what = e.told ? "the promise told for " : "the promise of ";
    const auto& promises = engine_.state().promises;
    auto it = promises.find((*found)->id);
    if (e.none) {
      if (it != promises.end()) Fail(what + e.line.ToString() + " is " + Render(it->second.current) + ", expected none");
      return;
    }
    if (it == promises.end()) {
      Fail(std::string(what) + e.line.ToString() + " is none");
      return;
    }
    const Promise& p = e.told ? it->second.given : it->second.current;
    std::string wrong;
    auto note = [&wrong](const char* field, const std::string& got, const std::string& want) {
      if (got != want) wrong += std::string(wrong.empty() ? "" : ", ") + field + " is " + got + ", expected " + want;
    };
    if (e.p50) note("p50", p.p50.ToString(), e.p50->ToString());
    if (e.p90) note("p90", p.p90.ToString(), e.p90->ToString());
    if (e.basis) note("basis", std::string(ToString(p.basis)), std::string(ToString(*e.basis)));
    if (e.po) {
      std::string want = "none";
      if (*e.po) {
        auto id = ResolvePo(**e.po);
        if (!Resolved(id)) return;
        want = PoName(*id);
      }
      note("po", p.purchase_order == 0 ? "none" : PoName(p.purchase_order), want);
    }
    if (!wrong.empty()) Fail(what + e.line.ToString() + ": " + wrong + " (" + Render(p) + ")");
  }

  void Do(const ExpectPromiseEvents& e) {
    if (!last_accepted_) {
      Fail("no command has been accepted yet");
      return;
    }
    std::vector<std::pair<LineId, std::string>> got;
    int64_t given = 0, changed = 0, revised = 0;
    for (const auto& event : last_accepted_->events) {
      const auto* p = std::get_if<engine::LinePromised>(&event.body);
      if (!p) continue;
      std::string kind = !p->previous ? "given" : p->notify ? "changed" : "revised";
      (kind == "given" ? given : kind == "changed" ? changed : revised)++;
      got.emplace_back(p->line, kind);
    }
    std::string actual;
    for (const auto& [line, kind] : got) actual += (actual.empty() ? "" : " ") + LineName(line) + "=" + kind;
    if (actual.empty()) actual = "none";
    std::string wrong;
    auto check = [&wrong](const char* what, std::optional<int64_t> want, int64_t n) {
      if (want && *want != n) {
        wrong += std::string(wrong.empty() ? "" : ", ") + what + " " + std::to_string(n) + ", expected " +
                 std::to_string(*want);
      }
    };
    check("given", e.given, given);
    check("changed", e.changed, changed);
    check("revised", e.revised, revised);
    if (e.exact) {
      std::vector<std::pair<LineId, std::string>> want;
      for (const auto& [ref, kind] : e.entries) {
        auto line = FindLine(ref);
        if (!Resolved(line)) return;
        want.emplace_back((*line)->id, kind);
      }
      if (want != got) wrong += std::string(wrong.empty() ? "" : ", ") + "the events differ";
    }
    if (!wrong.empty()) Fail("promise events of the last accepted command: " + wrong + " (got: " + actual + ")");
  }

  // --- Notices

  void Do(const NoticesStep& s) {
    engine::NoticeSettings settings = engine_.state().notice_settings;
    if (s.enabled) settings.enabled = *s.enabled;
    if (s.still_waiting_days) settings.still_waiting_days = *s.still_waiting_days;
    if (s.unpaid_release_hours) settings.unpaid_release_hours = *s.unpaid_release_hours;
    if (s.compensation_after_days) settings.compensation_after_days = *s.compensation_after_days;
    if (s.percent) settings.compensation_percent = *s.percent;
    if (s.max_wait_action) settings.max_wait_action = *s.max_wait_action;
    if (s.second_slip_action) settings.second_slip_action = *s.second_slip_action;
    if (s.voucher) settings.voucher_code = *s.voucher;
    Execute(engine::SetNoticeSettings{settings, Instant()});
  }

  void Do(const TimersStep&) { Execute(engine::RunTimers{Instant()}); }

  void Do(const ShipPolicyStep& s) {
    auto order = ResolveOrder(s.order);
    if (!Resolved(order)) return;
    Execute(engine::SetShipPolicy{*order, s.policy, s.by, Instant()});
  }

  void Do(const KeepWaitingStep& s) {
    auto order = ResolveOrder(s.order);
    if (!Resolved(order)) return;
    Execute(engine::AcceptWait{*order, Instant()});
  }

  // A notice line as the scenario names it: `<order>.<n>`, or `<order>.b<n>` for a bundle line.
  std::string NoticeLineName(OrderId order_id, LineId line) const {
    if (const Order* order = engine_.state().FindOrder(order_id)) {
      for (size_t i = 0; i < order->bundles.size(); ++i) {
        if (order->bundles[i].id == line) return OrderName(order_id) + ".b" + std::to_string(i + 1);
      }
      for (size_t i = 0; i < order->lines.size(); ++i) {
        if (order->lines[i].id == line) return OrderName(order_id) + "." + std::to_string(i + 1);
      }
    }
    return "line#" + std::to_string(line);
  }

  std::string Render(const engine::NoticeQueued& n) const {
    std::string out = std::string(ToString(n.kind)) + " [";
    for (size_t i = 0; i < n.lines.size(); ++i) {
      const engine::NoticeLine& l = n.lines[i];
      out += (i ? " " : "") + NoticeLineName(n.order, l.line) + "=" + std::to_string(l.quantity.units());
      if (l.promise) out += " (p50=" + l.promise->p50.ToString() + " p90=" + l.promise->p90.ToString() +
                           " basis=" + std::string(ToString(l.promise->basis));
      if (l.previous_p90) out += std::string(l.promise ? "" : " (") + " previous=" + l.previous_p90->ToString();
      if (l.promise || l.previous_p90) out += ")";
    }
    out += "]";
    if (!n.reason.empty()) out += " reason=" + n.reason;
    if (n.kind == engine::NoticeKind::kShipped) out += std::string(" partial=") + (n.partial ? "yes" : "no");
    if (!n.voucher_code.empty()) out += " voucher=" + n.voucher_code;
    if (n.percent != 0) out += " percent=" + std::to_string(n.percent);
    return out;
  }

  // What is wrong with `n` against `e` (empty: it matches).
  std::string NoticeMismatch(const ExpectNotice& e, const engine::NoticeQueued& n) {
    std::string wrong;
    auto note = [&wrong](const std::string& what) { wrong += (wrong.empty() ? "" : ", ") + what; };
    if (!e.lines.empty()) {
      std::vector<std::pair<LineId, int64_t>> want, got;
      for (const auto& l : e.lines) {
        auto line = FindLine(l.line);
        if (!line.ok()) return line.error().message;
        want.emplace_back((*line)->id, l.quantity);
      }
      for (const auto& l : n.lines) got.emplace_back(l.line, l.quantity.units());
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      if (want != got) note("other lines");
    }
    for (const auto& l : n.lines) {
      const std::string name = NoticeLineName(n.order, l.line);
      if ((e.p50 || e.p90 || e.basis) && !l.promise) {
        note(name + " carries no promise");
        continue;
      }
      if (e.p50 && l.promise->p50 != *e.p50) note(name + " p50 is " + l.promise->p50.ToString());
      if (e.p90 && l.promise->p90 != *e.p90) note(name + " p90 is " + l.promise->p90.ToString());
      if (e.basis && l.promise->basis != *e.basis) {
        note(name + " basis is " + std::string(ToString(l.promise->basis)));
      }
      if (e.previous && l.previous_p90 != e.previous) {
        note(name + " previous is " + (l.previous_p90 ? l.previous_p90->ToString() : std::string("none")));
      }
    }
    if ((e.p50 || e.p90 || e.basis || e.previous) && n.lines.empty()) note("it has no lines");
    if (e.reason && n.reason != *e.reason) note("reason is '" + n.reason + "'");
    if (e.partial && n.partial != *e.partial) note(std::string("partial is ") + (n.partial ? "yes" : "no"));
    if (e.voucher && n.voucher_code != *e.voucher) note("voucher is '" + n.voucher_code + "'");
    if (e.percent && n.percent != *e.percent) note("percent is " + std::to_string(n.percent));
    return wrong;
  }

  void Do(const ExpectNotice& e) {
    auto order = ResolveOrder(e.order);
    if (!Resolved(order)) return;
    std::vector<const engine::NoticeQueued*> same_kind;
    std::string queued;
    for (const auto& event : last_events_) {
      const auto* n = std::get_if<engine::NoticeQueued>(&event.body);
      if (!n || n->order != *order) continue;
      queued += (queued.empty() ? "" : "; ") + Render(*n);
      if (n->kind == e.kind) same_kind.push_back(n);
    }
    const std::string kind(ToString(e.kind));
    if (same_kind.empty()) {
      Fail("the last command queued no " + kind + " notice for " + e.order + " (it queued for " + e.order + ": " +
           (queued.empty() ? "none" : queued) + ")");
      return;
    }
    std::string wrong;
    for (const auto* n : same_kind) {
      std::string mismatch = NoticeMismatch(e, *n);
      if (mismatch.empty()) return;
      wrong += (wrong.empty() ? "" : "; ") + mismatch;
    }
    Fail("the " + kind + " notice for " + e.order + " differs: " + wrong + " (queued: " + queued + ")");
  }

  void Do(const ExpectNotices& e) {
    auto render = [](const std::vector<engine::NoticeKind>& kinds) {
      std::string out;
      for (auto k : kinds) out += (out.empty() ? "" : ",") + std::string(ToString(k));
      return out.empty() ? std::string("none") : out;
    };
    if (!e.order) {
      std::string queued;
      for (const auto& event : last_events_) {
        if (const auto* n = std::get_if<engine::NoticeQueued>(&event.body)) {
          queued += (queued.empty() ? "" : "; ") + OrderName(n->order) + ": " + Render(*n);
        }
      }
      if (!queued.empty()) Fail("the last command queued notices, expected none: " + queued);
      return;
    }
    auto order = ResolveOrder(*e.order);
    if (!Resolved(order)) return;
    std::vector<engine::NoticeKind> got;
    for (const auto& event : events_) {
      const auto* n = std::get_if<engine::NoticeQueued>(&event.body);
      if (n && n->order == *order) got.push_back(n->kind);
    }
    if (got != e.kinds) {
      Fail("notices queued for " + *e.order + " so far: [" + render(got) + "], expected [" + render(e.kinds) + "]");
    }
  }

  // --- End of file

  void CheckReplay() {
    try {
      Engine replica;
      for (const Event& event : events_) replica.Apply(event);
      engine_.EvictAllClosedOrders();
      replica.EvictAllClosedOrders();
      if (std::string diff = engine::DiffStates(engine_.state(), replica.state()); !diff.empty()) {
        Fail("replaying the " + std::to_string(events_.size()) + " events into a fresh engine gives another state:\n" +
             diff);
      }
      for (const auto& violation : engine::CheckInvariants(replica.state(), replica.rule())) {
        Fail("invariant violated in the replayed, evicted state: " + violation);
      }
    } catch (const std::exception& e) {
      Fail(std::string("replaying the events threw: ") + e.what());
    }
  }

  std::string file_;
  int line_ = 0;
  Instant clock_;
  Engine engine_;
  std::vector<Event> events_;
  std::map<std::string, Binding> names_;
  std::map<std::string, PurchaseOrderId> po_names_;
  mutable std::deque<OrderLine> synthesized_;  // bundle lines seen as lines (FindLine of `<order>.b<n>`)
  bool outcome_po_reported_ = false;
  std::optional<std::string> expected_error_;  // of the step running
  std::optional<int> expected_status_;         // of the step running
  std::optional<Accepted> last_accepted_;
  std::optional<Error> last_rejection_;
  std::optional<int64_t> last_event_count_;
  std::vector<Event> last_events_;  // of the most recent command (none when it was rejected)
  std::vector<Failure> failures_;
};

}  // namespace

std::string Failure::ToString() const { return file + ":" + std::to_string(line) + ": " + message; }

std::vector<Failure> RunScenario(const std::string& file, std::string_view text) {
  Parsed parsed = Parse(file, text);
  if (!parsed.errors.empty()) return parsed.errors;
  return Runner(file).Run(parsed.steps, parsed.last_line);
}

std::vector<Failure> RunScenarioFile(const std::string& path, const std::string& display_name) {
  const std::string& name = display_name.empty() ? path : display_name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {Failure{name, 0, "cannot open the scenario file"}};
  std::ostringstream text;
  text << in.rdbuf();
  return RunScenario(name, text.str());
}

std::string FormatFailures(const std::vector<Failure>& failures) {
  std::string out;
  for (const auto& f : failures) out += f.ToString() + "\n";
  return out;
}

}  // namespace belofte::scenario
