// scenario_runner.h — runs `.scn` scenario files against a fresh engine::Engine.
//
// This comment is the scenario DSL's documentation (the contract of the parser and runner).
//
// FILE FORMAT
//   Line based. `#` starts a comment (to the end of the line); blank lines are ignored.
//   Tokens are separated by spaces or tabs; options are `key=value` (values hold no spaces and no `#`).
//   Numbers are decimal integers; quantities and deltas may carry a sign ("-2").
//   The whole file is parsed before anything runs: any parse error is reported (with its
//   line) and the scenario does not run.
//
// NAMES
//   Orders get symbolic names chosen by the author (`o1`, `sanne`): letters, digits, `_`, `-`.
//   A name is bound by an accepted `order` command and must not be bound twice. A line is
//   named `<order>.<n>`, n being the 1-based position of the line within that order (the
//   order in which the `order` command listed it). Lines and orders are resolved to the
//   engine's ids when the step runs.
//   Bundles: an order line for a bundle becomes one component line per component, in the
//   bundle's component order, in its place; `<order>.<n>` counts these component lines (so
//   `order o : GIFT*1 A*1` for a two-component GIFT has lines o.1, o.2 (components) and o.3 (A)).
//   `<order>.b<n>` names the n-th bundle line of the order: it ships, cancels and takes a
//   priority like a line, and `expect line` checks its derived split (allocated counts at main).
//
// BUSINESS TIME
//   at <RFC 3339 instant>       Sets the clock for the following commands.
//   The clock starts at 2026-01-05T09:00:00Z. Every command (accepted or rejected) is
//   executed at the clock, after which the clock advances by one second, so orders placed one
//   after another have increasing placed_at. An order's placed_at is the clock unless
//   `placed=` is given. Expectations do not advance the clock.
//
// ORDER, CATALOGUE AND STOCK COMMANDS (each one engine::Command)
//   location <code> [name=<text>]
//   product <sku> policy=deny|allow|preorder [max_units=N] [max_wait_days=N]
//           [release=YYYY-MM-DD] [price=12.95] [name=<text>] [components=<sku>*<qty>,...]
//       components= makes the product a bundle of those components (qty per bundle unit).
//       Creates or replaces the product (an UpsertProduct with the whole definition: options
//       left out are absent, e.g. no max_units means no cap). name defaults to the SKU, price
//       to 10.00 (EUR); the price is each order line's unit price.
//   receive <sku> <qty> [location=main] [ref=<text>]
//   adjust <sku> <delta> [location=main] [reason=<text>]
//   count <sku> <counted> [location=main] [reason=<text>]
//   transfer <sku> <qty> from=<location> to=<location> [reason=<text>]
//   order <name> [channel=web] [ext=<external id>] [placed=<instant>] [paid|unpaid]
//         [ship_complete|ship_available] [email=<address>] [customer=<text>]
//         : [<sku>*<qty> ...]
//       Places an order (default: channel web, external id = <name>, unpaid, ship_available,
//       no e-mail). The ` : ` token separates the options from the lines; an order may list
//       no lines (to test `no_lines`). When the (channel, external id) already exists the
//       engine returns the existing order (created == false) and <name> becomes an alias of
//       it; see `expect same`.
//   pay <order> / unpay <order> / refund <order>
//   cancel <order> [<order>.<n>*<qty> ...] [reason=<text>]
//       Without lines: everything of the order not yet shipped.
//   ship <order> [location=main] [<order>.<n>*<qty> ...]
//       Without lines: everything of the order allocated at the location.
//   priority <order>.<n> <int>
//       Manual queue override of a line (higher first; negative goes behind the rule).
//
// PURCHASING COMMANDS (each one engine::Command)
//   supplier <code> [lead=<days>] [name=<text>] [email=<address>] [min_order=<amount>]
//       Creates or replaces the supplier (UpsertSupplier with the whole definition): name
//       defaults to the code, lead to 14 days, no e-mail, no minimum order value (EUR).
//   terms <supplier> <sku> [cost=9.95] [moq=N] [pack=N] [lead=<days>] [preferred]
//       Creates or replaces the supplier's terms for the SKU (UpsertSupplierTerms, the whole
//       definition): cost defaults to 0.00 EUR, moq and pack to 1, no lead time of its own
//       (the supplier's applies), not preferred.
//   po <name> <supplier> : [<sku>*<qty>[@YYYY-MM-DD] ...]
//       Creates a draft purchase order (CreatePurchaseOrder), one line per entry in that order;
//       `@date` is the line's expected date (default: the engine's, the day of the command plus
//       the lead time of the terms, else of the supplier). The ` : ` is required; the list may
//       be empty (to test `no_lines`). An accepted `po` binds <name> to the id of the
//       PurchaseOrderCreated event it emitted. Purchase order names are a namespace of their
//       own (a PO and an order may share a name); the same rules as for order names apply.
//   send <po>
//   confirm <po> [date=YYYY-MM-DD] [<sku>@YYYY-MM-DD ...]
//   move <po> [date=YYYY-MM-DD] [<sku>@YYYY-MM-DD ...]
//       Confirm (ConfirmPurchaseOrder) or move (MovePurchaseOrderDate) expected dates: date= for
//       every line, <sku>@date for one line (it wins over date=). Neither: the engine decides
//       (missing_field).
//   receive-po <po> [location=main] : [<sku>*<qty> ...]
//       A receipt against the purchase order (ReceivePurchaseOrder). The ` : ` is required; the
//       list may be empty (to test `no_lines`).
//   cancel-po <po> [reason=<text>]
//   <po> is a name bound by `po`, or `id:<N>` for a raw engine id (e.g. one that does not
//   exist, to test unknown_purchase_order). A name that is not bound is a failure and the
//   command is not executed.
//
// PROMISE COMMANDS (each one engine::Command)
//   settings [threshold=N] [handling=N] [handling.<location>=N] [lead=<days>] [holidays=nl|none]
//            [weekends=closed|open] [closed=YYYY-MM-DD,...]
//       Replaces the shop's promise settings (SetPromiseSettings with the whole definition: options
//       left out take the defaults: threshold 2 working days, handling 1 working day, default
//       lead time 14 days, Dutch holidays, weekends closed, no extra closed dates).
//
// NOTICE COMMANDS (each one engine::Command)
//   notices [enabled=<kind>,...|all|none] [still_waiting_days=N] [max_wait_action=none|offer|cancel]
//           [second_slip_action=none|offer|cancel] [unpaid_release_hours=N] [compensation_after_days=N]
//           [voucher=<code>] [percent=N]
//       SetNoticeSettings starting from the CURRENT settings: fields not named keep their values
//       (unlike `settings`). enabled= is the exact set of kinds that are on (order_confirmed,
//       backordered, promise_changed, ready, shipped, still_waiting, cancel_offer, cancelled,
//       compensation); voucher= and percent= are the compensation's. Defaults (engine): all on
//       but order_confirmed, still waiting after 14 days, offers for max_wait and second slips.
//   timers
//       RunTimers at the clock (set it with `at`): still waiting, max_wait offer/cancel,
//       compensation, unpaid release.
//   ship-policy <order> ship_available|ship_complete [by=shop|customer]
//   keep-waiting <order>
//       AcceptWait: the customer keeps waiting (no more offers or automatic cancellation).
//
//   Any command may end with `=> error <code> [<status>]`: the command must then be rejected
//   with that Error::code and, when <status> is given, with an Error::kind that adapters answer
//   with that HTTP status (400 invalid, 404 not found, 409 conflict, 413, 422, 401, 403, 500).
//   Without it the command must be accepted; a rejection is a failure that prints the error's
//   code, message, shortages and data. (`at` and `expect` lines take no
//   `=> error`.) A command naming an order or line that is not bound is a failure and is not
//   executed.
//
// CHECKS THE RUNNER MAKES BY ITSELF
//   After every command (purchasing commands included): CheckInvariants holds. After a rejected command: no events were
//   emitted and DiffStates(state before, state after) is empty (a rejection changes nothing).
//   Events are numbered 1, 2, 3 ... without gaps. At the end of the file: every event
//   produced is replayed through Apply into a fresh Engine, EvictAllClosedOrders is called on
//   both, and DiffStates must be empty (the invariants must hold on the replica too). The
//   runner never evicts during a scenario, so closed orders stay visible to expectations.
//   After every accepted purchasing command (po, send, confirm, move, receive-po, cancel-po):
//   Outcome::purchase_order is the id of the purchase order it created or changed. A mismatch
//   is reported once per scenario (the first time), as it is one contract for every command.
//
// EXPECTATIONS (checked at that point; they do not advance the clock; each names at least one
// thing to check)
//   expect line <order>.<n> [allocated=N] [backordered=N] [shipped=N] [cancelled=N]
//          [priority=N] [allocated.<location>=N ...]
//       The line's parts; allocated.<location> is the line's allocation at one location.
//   expect order <order> [status=open|backordered|ready|partially_shipped|shipped|cancelled]
//          [payment=unpaid|paid|refunded]
//       status is DeriveStatus(order).
//   expect queue <sku> <order>.<n>=<qty> ...   The exact queue, in allocation order.
//   expect queue <sku> empty
//   expect stock <sku> [location=main] [on_hand=N] [allocated=N] [free=N]
//   expect stock <sku> total [on_hand=N] [allocated=N] [free=N] [backordered=N]
//       Per location, or summed over all locations (backordered: the SKU's waiting units).
//   expect filled <order>.<n>=<qty> ... | expect filled none
//       Outcome::filled of the most recent accepted command, exactly and in order. A line may
//       appear more than once (filled at two locations by one command).
//   expect cancelled <order>.<n>=<qty> ... [reason=<text>] | expect cancelled none
//       The LineCancelled events of the most recent accepted command, in order (each entry
//       the units cancelled by one event); with reason=, every one of them has that reason.
//   expect returned <order>.<n>=<qty> ... | expect returned none
//       The AllocationReturned events (allocated -> waiting) of the most recent accepted
//       command, in order.
//   expect moved <order>.<n>=<qty> ... | expect moved none
//       The AllocationMoved events (allocation taken over by free stock at another location)
//       of the most recent accepted command, in order.
//   expect ready <order> ... | expect ready none
//       Outcome::ready_orders of the most recent accepted command (as a set of orders).
//   expect shortage <sku> requested=N available=N
//       The most recent rejected command's Error carries exactly this shortage for <sku>.
//   expect same <order> as <order>
//       Both names resolve to the same order id, and the later-bound name was bound by an
//       `order` command that returned created == false (an idempotent repeat).
//   expect events <n>
//       The most recent command (accepted or rejected) emitted exactly n events.
//
// PURCHASING EXPECTATIONS
//   expect po <po> [status=draft|sent|confirmed|partially_received|received|cancelled]
//          [supplier=<code>] [sent=YYYY-MM-DD|none] [lines=N] [<sku>.<field>=<value> ...]
//       The purchase order; sent is the day it was sent, lines its number of lines. Per line
//       (named by its SKU; the SKU is what comes before the last `.` of the key):
//         <sku>.quantity=N  <sku>.received=N  <sku>.outstanding=N
//         <sku>.expected=YYYY-MM-DD        the current expected date
//         <sku>.promised=YYYY-MM-DD|none   the promise (set by send, replaced by confirm
//                                          while nothing of the line arrived)
//         <sku>.arrived=YYYY-MM-DD|none    the day goods of the line first arrived
//         <sku>.history=<reason>:<date>,...  the exact history of expected dates, oldest
//                                          first (reasons: created, sent, confirmed, moved)
//   expect incoming <sku> <N>
//       SkuState::incoming: the outstanding units of the SKU's sent, confirmed and partially
//       received purchase orders.
//   expect over <sku>=<N> ... | expect over none
//       Outcome::over_received of the most recent accepted command, exactly and in order.
//   expect movements <sku>=<qty>[@<location>] ... [kind=receipt|shipment|adjustment|transfer|count]
//          [ref=<text>] | expect movements none
//       Outcome::movements (the ledger entries) of the most recent accepted command, exactly and
//       in order: SKU, signed quantity and location (default main). kind= and ref= must hold for
//       every one of them; in ref=, `po:<name>` stands for `po:<id>` of a bound purchase order.
//   expect deliveries <supplier> <n> [receipts=N]
//       The supplier's kept SupplierDelivery records number n; receipts= is its count of
//       receipt lines ever (SupplierState::receipts).
//   expect delivery <supplier> <i>|last [delay=<days>] [confirmed_delay=<days>] [received=N]
//          [ordered=N] [promised=YYYY-MM-DD] [confirmed=YYYY-MM-DD] [arrived=YYYY-MM-DD]
//          [ordered_on=YYYY-MM-DD|none]
//       The i-th kept delivery (1-based, oldest first) or the last one. delay is arrived -
//       promised in days (negative: early), confirmed_delay arrived - confirmed; ordered and
//       received are its ordered_quantity and received_quantity, ordered_on its `ordered` day.
//   expect preferred <sku> <supplier>|none
//       Exactly that supplier's terms for the SKU are preferred (and PreferredTerms returns
//       them), or no terms for the SKU are preferred.
//   expect terms <supplier> <sku> [cost=9.95] [moq=N] [pack=N] [lead=<days>|none]
//          [preferred=yes|no]
//       The supplier's terms for the SKU (lead=none: the terms have no lead time of their own).
//   The line-report expectations above (filled, ready, cancelled, ...) read the most recent
//   accepted command whatever it was, so they check what a `receive-po` filled too.
//
// PROMISE EXPECTATIONS
//   expect promise <order>.<n> [p50=YYYY-MM-DD] [p90=YYYY-MM-DD]
//          [basis=in_stock|purchase_order|lead_time|release_date] [po=<po>|none]
//   expect promise <order>.<n> none
//       The line's current promise (ShopState::promises[line].current), or that the line has
//       none (it never waited, or it shipped or was cancelled). po= is the purchase order the
//       promise rests on (none: it rests on none).
//   expect told <order>.<n> [p50=YYYY-MM-DD] [p90=YYYY-MM-DD] [basis=...] [po=<po>|none]
//       The promise last told to the customer (`given`: the first one, or the last
//       promise_changed).
//   expect promise-events [given=N] [changed=N] [revised=N] [<order>.<n>=given|changed|revised ...]
//   expect promise-events none
//       The LinePromised events of the most recent accepted command: how many of each kind
//       (promise_given, promise_changed, promise_revised), and, when lines are listed (or none),
//       exactly those events in order.
//
// NOTICE EXPECTATIONS
//   expect notice <order> <kind> [<order>.<n>=<qty> ...] [p50=YYYY-MM-DD] [p90=YYYY-MM-DD]
//          [basis=...] [previous=YYYY-MM-DD] [reason=<r>] [partial=yes|no] [voucher=<code>]
//          [percent=N]
//       The most recent command (accepted or rejected: a rejected one queued nothing) queued a
//       NoticeQueued of that kind for the order that has exactly the lines named (any order;
//       a bundle is named by its bundle line `<order>.b<n>`; no lines named: not checked) with
//       these units, and whose every line carries a promise with these p50/p90/basis and this
//       previous_p90 (told before: promise_changed). reason= is the cancel_offer/cancelled
//       reason, partial= the shipped flag, voucher= and percent= the compensation's.
//   expect notices none
//       The most recent command queued no notice at all.
//   expect notices <order> <kind>,<kind>,...|none
//       Every notice queued for the order since the scenario began, in order, by kind.
//
// FAILURES
//   Every failure carries the scenario's file name and the line number of the step (parse
//   errors: of the offending line; the end-of-file replay check: of the last line). The
//   runner keeps going after a failed step, up to kMaxFailures failures; it stops when the
//   engine throws (a bug: the state can no longer be trusted).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace belofte::scenario {

// One problem found while parsing or running a scenario.
struct Failure {
  std::string file;
  int line = 0;
  std::string message;

  std::string ToString() const;  // "file:line: message"
};

inline constexpr size_t kMaxFailures = 50;

// Parses `text` (the contents of the scenario named `file`) and runs it against a fresh
// engine. Returns the failures; empty means the scenario passed.
std::vector<Failure> RunScenario(const std::string& file, std::string_view text);

// Reads the file at `path` and runs it; an unreadable file is one failure. Failures name the
// file as `display_name` (default: `path`).
std::vector<Failure> RunScenarioFile(const std::string& path, const std::string& display_name = "");

// All failures, one ToString() per line.
std::string FormatFailures(const std::vector<Failure>& failures);

}  // namespace belofte::scenario
