// promise_bench — promises in process (Engine directly, no store).
//
// The shop: the generated background (--skus SKUs, --lines open lines, ~20% of SKUs waiting),
// --suppliers suppliers with preferred terms for every SKU (SKU i -> supplier i % S) and a
// delivery history (--history received purchase orders per supplier, delays 0-6 days, some
// short), then --open-pos sent purchase orders per supplier over the waiting SKUs: every waiting
// SKU is on 1-3 open orders of different suppliers covering part of its backlog, expected in
// 1-6 weeks. "Today" is the day after the last order of the generated year.
//   1. availability  promiser().Available(sku, 1-3 units, today) over --queries random SKUs,
//                    each call timed on its own: p50 / p99 / max (budget p99 <= 50 us), and the
//                    same over waiting SKUs only.
//   2. hot SKU       one SKU with --waiting lines of one unit, all covered by one sent purchase
//                    order: promiser().QueuePromises (median of --reps), and Execute of a
//                    MovePurchaseOrderDate (+/- 10 days, alternating) that re-promises every
//                    line and emits their promise_changed events (median of --reps).
//   3. PO move       Execute(MovePurchaseOrderDate) of random open purchase orders of the big
//                    shop (--moves commands, dates +/- 10 days): time per command, events.
//   4. intake        in-process Execute of --intake one-line orders that backorder on waiting
//                    SKUs (each re-promises its SKU: promise_given events) against the same
//                    number of orders served from stock, lines/s both ways.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "bench/bench_util.h"
#include "bench/shop_generator.h"

using namespace belofte;
using namespace belofte::bench;
using namespace belofte::engine;

namespace {

constexpr char kHotSku[] = "SKU-HOT-KETTLE";

double Median(std::vector<double> v) { return Percentile(std::move(v), 50); }
std::string Us(double seconds, int decimals = 2) { return Fixed(seconds * 1e6, decimals) + " us"; }
std::string Ms(double seconds, int decimals = 2) { return Fixed(seconds * 1e3, decimals) + " ms"; }

std::string SupplierCode(size_t i) { return "lev-" + std::to_string(i); }

struct Options {
  ShopOptions shop;
  size_t suppliers = 20;
  size_t history = 30;     // received purchase orders per supplier
  size_t open_pos = 4;     // sent purchase orders per supplier
  size_t queries = 200'000;
  size_t waiting = 10'000;
  size_t reps = 7;
  size_t moves = 200;
  size_t intake = 20'000;
};

struct Shop {
  std::vector<std::string> skus;          // every SKU of the background
  std::vector<std::string> waiting_skus;  // those with a queue
  std::vector<std::string> stocked_skus;  // free stock >= 50 units
  std::vector<PurchaseOrderId> open_pos;
  Instant now;
};

bool Check(const BulkLoader& loader, const char* what) {
  if (loader.rejected) {
    std::fprintf(stderr, "%s: %zu commands rejected (%s)\n", what, loader.rejected, loader.first_error.c_str());
    return false;
  }
  return true;
}

// The background shop, suppliers with history and open purchase orders over the waiting SKUs.
bool BuildShop(const Options& o, Engine& engine, Shop& shop) {
  BulkLoader loader(engine, nullptr);
  ShopGenerator gen(o.shop);
  while (auto c = gen.Next()) loader.Execute(*c);
  loader.Flush();
  if (!Check(loader, "background")) return false;
  Instant t = o.shop.start.PlusDays(365);
  for (size_t i = 0; i < o.shop.skus; ++i) shop.skus.push_back(gen.SkuCode(i));
  std::vector<std::string> quiet;  // SKUs nobody waits for: the delivery history goes there
  for (const auto& code : shop.skus) {
    const SkuState* s = engine.state().FindSku(code);
    (s->queue.empty() ? quiet : shop.waiting_skus).push_back(code);
  }

  std::mt19937_64 rng(o.shop.seed ^ 0x9e3779b97f4a7c15ULL);
  const size_t S = std::max<size_t>(o.suppliers, 1);
  for (size_t s = 0; s < S; ++s) {
    loader.Execute(UpsertSupplier{Supplier{SupplierCode(s), "Leverancier " + std::to_string(s), "inkoop@lev.example",
                                           static_cast<int32_t>(7 + 7 * (s % 4)), std::nullopt},
                                  t});
  }
  for (size_t i = 0; i < shop.skus.size(); ++i) {
    SupplierTerms terms;
    terms.supplier = SupplierCode(i % S);
    terms.sku = shop.skus[i];
    terms.cost = Money(500, "EUR");
    terms.preferred = true;
    loader.Execute(UpsertSupplierTerms{terms, t});
  }
  // Delivery history: per supplier, received orders of 1-5 random SKUs, 0-6 days late, 10% short.
  const Instant hist = o.shop.start.PlusDays(200);
  for (size_t s = 0; s < S; ++s) {
    for (size_t k = 0; k < o.history; ++k) {
      const Instant sent = hist.PlusDays(static_cast<int32_t>(k % 120));
      const Date expected = sent.date().PlusDays(14);
      const PurchaseOrderId id = engine.state().next_purchase_order_id;
      CreatePurchaseOrder po{SupplierCode(s), {}, sent};
      ReceivePurchaseOrder r{id, "main", {}, expected.start().PlusDays(static_cast<int32_t>(rng() % 7)).PlusSeconds(36'000)};
      const size_t n = 1 + rng() % 5;
      for (size_t j = 0; j < n; ++j) {
        const std::string& sku = quiet[rng() % quiet.size()];
        if (std::any_of(po.lines.begin(), po.lines.end(), [&](const auto& l) { return l.sku == sku; })) continue;
        const int64_t q = 10 + static_cast<int64_t>(rng() % 40);
        po.lines.push_back({sku, Quantity(q), expected});
        r.lines.push_back({sku, Quantity(rng() % 10 == 0 ? q / 2 : q)});
      }
      loader.Execute(po);
      loader.Execute(SendPurchaseOrder{id, sent});
      loader.Execute(r);
    }
  }
  // Open purchase orders: every waiting SKU on 1-3 of them (different suppliers).
  const size_t n_open = S * std::max<size_t>(o.open_pos, 1);
  std::vector<CreatePurchaseOrder> open(n_open);
  for (size_t p = 0; p < n_open; ++p) open[p] = CreatePurchaseOrder{SupplierCode(p % S), {}, t};
  std::vector<Date> expected(n_open);
  for (size_t p = 0; p < n_open; ++p) expected[p] = t.date().PlusDays(7 + static_cast<int32_t>(rng() % 36));
  for (const auto& code : shop.waiting_skus) {
    const int64_t backlog = engine.state().FindSku(code)->backordered.units();
    const size_t k = 1 + rng() % 3;
    const size_t first = rng() % n_open;
    for (size_t j = 0; j < k; ++j) {
      const size_t p = (first + j * (1 + n_open / 3)) % n_open;  // different POs (and suppliers when S divides)
      if (std::any_of(open[p].lines.begin(), open[p].lines.end(), [&](const auto& l) { return l.sku == code; })) continue;
      const int64_t q = std::max<int64_t>(1, backlog * static_cast<int64_t>(20 + rng() % 30) / 100);
      open[p].lines.push_back({code, Quantity(q), expected[p]});
    }
  }
  for (auto& po : open) {
    if (po.lines.empty()) continue;
    const PurchaseOrderId id = engine.state().next_purchase_order_id;
    loader.Execute(po);
    loader.Execute(SendPurchaseOrder{id, t});
    shop.open_pos.push_back(id);
  }
  loader.Flush();
  if (!Check(loader, "suppliers and purchase orders")) return false;
  for (const auto& code : shop.skus) {
    if (engine.state().FindSku(code)->free().units() >= 50) shop.stocked_skus.push_back(code);
  }
  shop.now = t.PlusSeconds(3600);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.shop.skus = 100'000;
  o.shop.open_lines = 200'000;
  std::string dir;  // unused (no store); accepted like the other programs
  bool json = false;
  CLI::App app{"promise_bench: availability and re-promise costs in process"};
  app.add_option("--skus", o.shop.skus, "catalogue size");
  app.add_option("--lines", o.shop.open_lines, "open order lines of the background");
  app.add_option("--seed", o.shop.seed, "generator seed");
  app.add_option("--suppliers", o.suppliers, "suppliers");
  app.add_option("--history", o.history, "received purchase orders per supplier");
  app.add_option("--open-pos", o.open_pos, "open (sent) purchase orders per supplier");
  app.add_option("--queries", o.queries, "availability questions");
  app.add_option("--waiting", o.waiting, "waiting lines of the hot SKU");
  app.add_option("--reps", o.reps, "repetitions of the hot-SKU timings");
  app.add_option("--moves", o.moves, "purchase-order date moves on the big shop");
  app.add_option("--intake", o.intake, "orders per intake run");
  app.add_option("--dir", dir, "(unused: no store)");
  app.add_flag("--json", json, "print one JSON line of figures at the end");
  CLI11_PARSE(app, argc, argv);
  bool ok = true;

  Engine engine;
  Shop shop;
  const auto t_setup = Clock::now();
  if (!BuildShop(o, engine, shop)) return 1;
  const double setup_s = SecondsSince(t_setup);
  const BookFigures book = CountBook(engine.state());
  const Date today = shop.now.date();
  std::mt19937_64 rng(o.shop.seed ^ 0x5eedULL);

  // 1. availability
  auto ask = [&](const std::vector<std::string>& pool, size_t n) {
    std::vector<double> times;
    times.reserve(n);
    size_t orderable = 0;
    for (size_t i = 0; i < n && !pool.empty(); ++i) {
      const SkuState* s = engine.state().FindSku(pool[rng() % pool.size()]);
      const Quantity q(static_cast<int64_t>(1 + rng() % 3));
      const auto t0 = Clock::now();
      Availability a = engine.promiser().Available(*s, q, today);
      times.push_back(SecondsSince(t0));
      orderable += a.orderable;
    }
    return std::make_pair(times, orderable);
  };
  (void)ask(shop.skus, std::min<size_t>(o.queries, 10'000));  // warm-up
  auto [avail_all, orderable_all] = ask(shop.skus, o.queries);
  auto [avail_waiting, orderable_waiting] = ask(shop.waiting_skus, o.queries / 2);
  const double p99_all = Percentile(avail_all, 99), p99_waiting = Percentile(avail_waiting, 99);
  PrintTable("availability on " + Thousands(static_cast<int64_t>(o.shop.skus)) + " SKUs (" +
                 Thousands(static_cast<int64_t>(shop.waiting_skus.size())) + " waiting, " +
                 Thousands(static_cast<int64_t>(shop.open_pos.size())) + " open POs, " +
                 Thousands(static_cast<int64_t>(book.lines_waiting)) + " waiting lines)",
             {
                 {"queries, random SKUs", Thousands(static_cast<int64_t>(avail_all.size())), "", ""},
                 {"  p50", Us(Percentile(avail_all, 50)), "", ""},
                 {"  p99", Us(p99_all), "<= 50 us", Verdict(p99_all <= 50e-6)},
                 {"  max", Us(Percentile(avail_all, 100)), "", ""},
                 {"queries, waiting SKUs only", Thousands(static_cast<int64_t>(avail_waiting.size())), "", ""},
                 {"  p50", Us(Percentile(avail_waiting, 50)), "", ""},
                 {"  p99", Us(p99_waiting), "<= 50 us", Verdict(p99_waiting <= 50e-6)},
                 {"  max", Us(Percentile(avail_waiting, 100)), "", ""},
                 {"setup (shop, suppliers, POs)", Fixed(setup_s, 1) + " s", "", ""},
             });

  // 2. the hot SKU: --waiting lines covered by one sent purchase order.
  std::vector<double> queue_times, hot_move_times;
  size_t hot_events = 0;
  {
    BulkLoader loader(engine, nullptr);
    Product p;
    p.sku = kHotSku;
    p.name = "Waterkoker zwart (uitverkocht)";
    p.price = Money(8995, "EUR");
    p.backorder.kind = BackorderPolicyKind::kAllow;
    loader.Execute(UpsertProduct{p, shop.now});
    SupplierTerms terms{SupplierCode(0), kHotSku, Money(4000, "EUR"), Quantity(1), Quantity(1), std::nullopt, true};
    loader.Execute(UpsertSupplierTerms{terms, shop.now});
    for (size_t i = 0; i < o.waiting; ++i) {
      PlaceOrder order;
      order.channel = i % 4 == 1 ? "bol" : "webshop";
      order.external_id = "HOT-" + std::to_string(i);
      order.placed_at = shop.now.PlusSeconds(static_cast<int64_t>(i));
      order.at = order.placed_at;
      order.customer = Customer{"klant" + std::to_string(i) + "@example.nl", "Klant", "nl"};
      order.payment = Payment::kPaid;
      order.lines.push_back(PlaceOrder::Line{kHotSku, Quantity(1), p.price});
      loader.Execute(order);
    }
    const PurchaseOrderId id = engine.state().next_purchase_order_id;
    loader.Execute(CreatePurchaseOrder{SupplierCode(0), {{kHotSku, Quantity(static_cast<int64_t>(o.waiting)), today.PlusDays(14)}}, shop.now});
    loader.Execute(SendPurchaseOrder{id, shop.now});
    loader.Flush();
    ok &= Check(loader, "hot SKU");
    const SkuState* hot = engine.state().FindSku(kHotSku);
    for (size_t r = 0; r < o.reps; ++r) {
      const auto t0 = Clock::now();
      auto promises = engine.promiser().QueuePromises(*hot, today);
      queue_times.push_back(SecondsSince(t0));
      if (promises.size() != o.waiting) ok = false;
    }
    for (size_t r = 0; r < o.reps; ++r) {
      const Date to = today.PlusDays(r % 2 == 0 ? 24 : 14);  // +10 days, back, +10 ...
      std::vector<Event> events;
      const auto t0 = Clock::now();
      auto out = engine.Execute(MovePurchaseOrderDate{id, to, {}, shop.now.PlusSeconds(100 + static_cast<int64_t>(r))}, &events);
      hot_move_times.push_back(SecondsSince(t0));
      if (!out.ok() || events.size() < o.waiting) {
        std::fprintf(stderr, "hot move: %s, %zu events\n", out.ok() ? "ok" : out.error().code.c_str(), events.size());
        ok = false;
      }
      hot_events = events.size();
    }
  }
  PrintTable("re-promise one SKU with " + Thousands(static_cast<int64_t>(o.waiting)) + " waiting lines",
             {
                 {"promiser().QueuePromises, median of " + std::to_string(o.reps), Ms(Median(queue_times), 3), "(none)", ""},
                 {"  min / max", Ms(Percentile(queue_times, 0), 3) + " / " + Ms(Percentile(queue_times, 100), 3), "", ""},
                 {"Execute(MovePurchaseOrderDate) +/-10 days, median", Ms(Median(hot_move_times)), "(none)", ""},
                 {"  min / max", Ms(Percentile(hot_move_times, 0)) + " / " + Ms(Percentile(hot_move_times, 100)), "", ""},
                 {"  events per move (promise_changed + PO dates)", Thousands(static_cast<int64_t>(hot_events)), "", ""},
             });

  // 3. PO date moves on the big shop.
  std::vector<double> move_times;
  size_t move_events = 0, move_skus = 0;
  for (size_t i = 0; i < o.moves && !shop.open_pos.empty(); ++i) {
    const PurchaseOrderId id = shop.open_pos[rng() % shop.open_pos.size()];
    const auto& po = engine.state().purchase_orders.at(id);
    const Date current = po.lines.front().expected_date;
    const bool later = rng() % 2 == 0 || current.PlusDays(-10) <= today;
    const Date to = current.PlusDays(later ? 10 : -10);
    move_skus += po.lines.size();
    std::vector<Event> events;
    const auto t0 = Clock::now();
    auto out = engine.Execute(MovePurchaseOrderDate{id, to, {}, shop.now.PlusSeconds(1000 + static_cast<int64_t>(i))}, &events);
    move_times.push_back(SecondsSince(t0));
    if (!out.ok()) {
      std::fprintf(stderr, "move: %s\n", out.error().code.c_str());
      ok = false;
    }
    move_events += events.size();
  }
  const double moves = std::max<double>(1, static_cast<double>(move_times.size()));
  PrintTable("purchase-order date moves on the " + Thousands(static_cast<int64_t>(o.shop.skus)) + "-SKU shop",
             {
                 {"moves (SKUs per PO, mean)", Thousands(static_cast<int64_t>(move_times.size())) + " (" +
                                                   Fixed(static_cast<double>(move_skus) / moves, 0) + ")", "", ""},
                 {"Execute per move p50", Ms(Percentile(move_times, 50), 3), "(none)", ""},
                 {"  p99 / max", Ms(Percentile(move_times, 99), 3) + " / " + Ms(Percentile(move_times, 100), 3), "", ""},
                 {"  events per move, mean", Fixed(static_cast<double>(move_events) / moves, 0), "", ""},
             });

  // 4. intake: orders that backorder (promise_given, re-promise of the SKU) vs served from stock.
  auto intake = [&](const std::vector<std::string>& pool, const std::string& prefix, size_t& events_out) {
    std::vector<PlaceOrder> orders;
    orders.reserve(o.intake);
    for (size_t i = 0; i < o.intake && !pool.empty(); ++i) {
      PlaceOrder order;
      order.channel = "webshop";
      order.external_id = prefix + std::to_string(i);
      order.placed_at = shop.now.PlusSeconds(5000 + static_cast<int64_t>(i));
      order.at = order.placed_at;
      order.customer = Customer{"k" + std::to_string(i) + "@example.nl", "Klant", "nl"};
      order.payment = Payment::kPaid;
      const std::string& sku = pool[rng() % pool.size()];
      order.lines.push_back(PlaceOrder::Line{sku, Quantity(1), engine.state().FindSku(sku)->product.price});
      orders.push_back(std::move(order));
    }
    std::vector<Event> events;
    size_t rejected = 0;
    const auto t0 = Clock::now();
    for (auto& order : orders) {
      events.clear();
      rejected += !engine.Execute(order, &events).ok();
      events_out += events.size();
    }
    const double s = SecondsSince(t0);
    if (rejected) {
      std::fprintf(stderr, "intake %s: %zu rejected\n", prefix.c_str(), rejected);
      ok = false;
    }
    return s;
  };
  size_t backorder_events = 0, stock_events = 0;
  std::vector<std::string> uncapped;  // waiting SKUs without a max_units cap: every order is accepted
  for (const auto& code : shop.waiting_skus) {
    if (!engine.state().FindSku(code)->product.backorder.max_units) uncapped.push_back(code);
  }
  const double backorder_s = intake(uncapped, "BO-", backorder_events);
  const double stock_s = intake(shop.stocked_skus, "ST-", stock_events);
  const double n = static_cast<double>(o.intake);
  const double bo_rate = n / backorder_s, st_rate = n / stock_s;
  PrintTable("in-process intake (no store), " + Thousands(static_cast<int64_t>(o.intake)) + " one-line orders each",
             {
                 {"orders that backorder on waiting SKUs", Thousands(static_cast<int64_t>(bo_rate)) + " lines/s", "", ""},
                 {"  per line / events per line", Us(backorder_s / n) + " / " + Fixed(static_cast<double>(backorder_events) / n, 2), "", ""},
                 {"orders served from stock", Thousands(static_cast<int64_t>(st_rate)) + " lines/s", "", ""},
                 {"  per line / events per line", Us(stock_s / n) + " / " + Fixed(static_cast<double>(stock_events) / n, 2), "", ""},
                 {"promise overhead per backordered line", Us(backorder_s / n - stock_s / n), "", ""},
             });

  if (json) {
    nlohmann::json j{{"bench", "promise"},
                     {"skus", o.shop.skus},
                     {"lines", o.shop.open_lines},
                     {"seed", o.shop.seed},
                     {"waiting_skus", shop.waiting_skus.size()},
                     {"waiting_lines", book.lines_waiting},
                     {"open_pos", shop.open_pos.size()},
                     {"availability_p50_us", Percentile(avail_all, 50) * 1e6},
                     {"availability_p99_us", p99_all * 1e6},
                     {"availability_max_us", Percentile(avail_all, 100) * 1e6},
                     {"availability_waiting_p50_us", Percentile(avail_waiting, 50) * 1e6},
                     {"availability_waiting_p99_us", p99_waiting * 1e6},
                     {"hot_waiting", o.waiting},
                     {"queue_promises_median_ms", Median(queue_times) * 1e3},
                     {"hot_move_median_ms", Median(hot_move_times) * 1e3},
                     {"hot_move_events", hot_events},
                     {"po_move_p50_ms", Percentile(move_times, 50) * 1e3},
                     {"po_move_p99_ms", Percentile(move_times, 99) * 1e3},
                     {"po_move_events_mean", static_cast<double>(move_events) / moves},
                     {"intake_backorder_lines_per_s", bo_rate},
                     {"intake_stock_lines_per_s", st_rate},
                     {"intake_backorder_events_per_line", static_cast<double>(backorder_events) / n},
                     {"setup_s", setup_s},
                     {"ok", ok}};
    std::cout << j.dump() << std::endl;
  }
  return ok ? 0 : 1;
}
