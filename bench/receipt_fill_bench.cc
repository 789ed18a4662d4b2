// receipt_fill_bench — one receipt that fills a long backorder queue.
//
// The shop: the generated background (--skus SKUs, --lines open lines, ~20% of SKUs waiting)
// plus one hot SKU, "SKU-HOT-GRINDER" (allow, no cap, no stock), with --waiting orders of one
// unit each (placed over the last weeks of the year, mixed channels, ~15% unpaid), all waiting.
// Then one ReceiveStock of --waiting units arrives and fills every waiting line.
//   in-process  Engine::Execute of the receipt alone, on a fresh engine per repetition
//               (median of --reps); budget <= 20 ms for 10,000 lines.
//   durable     submit to acknowledgement through ShopWriter on a fresh SQLite store per
//               repetition (median of --durable-reps), and one more fresh run split into the
//               engine's Execute and the store's Commit of the same events.
// The same fill with the stock arriving as a purchase-order receipt: a supplier, one sent
// purchase order of --waiting units of the hot SKU, and ReceivePurchaseOrder of all of it
// (in-process and durable as above).
// Receipts per second: on a fresh SQLite store with the background shop, --po-receipts sent
// purchase orders of 1-3 lines (background SKUs) are received in full, one receipt per order,
// submitted through ShopWriter from --po-threads threads (each at most --po-inflight
// unacknowledged); receipts/s and receipt lines/s from the first submit to the last
// acknowledgement.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <semaphore>
#include <thread>

#include "app/shop_writer.h"
#include "bench/bench_util.h"
#include "bench/shop_generator.h"
#include "store/sqlite_store.h"

using namespace belofte;
using namespace belofte::bench;
using namespace belofte::engine;

namespace {

constexpr char kHotSku[] = "SKU-HOT-GRINDER";
constexpr char kSupplier[] = "groothandel-koffie";

double Median(std::vector<double> v) { return Percentile(std::move(v), 50); }

struct Setup {
  ShopOptions options;
  size_t waiting = 10'000;
};

// Feeds the shop into `loader`: background stream, then the hot SKU and its waiting orders.
void BuildShop(const Setup& setup, BulkLoader& loader) {
  ShopGenerator gen(setup.options);
  while (auto c = gen.Next()) loader.Execute(*c);
  const Instant end = setup.options.start.PlusDays(365);
  Product p;
  p.sku = kHotSku;
  p.name = "Handkoffiemolen RVS Pro (uitverkocht)";
  p.price = Money(8995, "EUR");
  p.cost = Money(4100, "EUR");
  p.backorder.kind = BackorderPolicyKind::kAllow;
  loader.Execute(UpsertProduct{p, end});
  const int64_t span_us = int64_t{21} * 86'400'000'000;  // three weeks of waiting
  for (size_t i = 0; i < setup.waiting; ++i) {
    PlaceOrder o;
    const bool bol = i % 4 == 1;
    o.channel = bol ? "bol" : "webshop";
    o.external_id = (bol ? "HOT-B-" : "HOT-WS-") + std::to_string(i);
    o.placed_at = Instant::FromMicros(end.micros() + span_us * static_cast<int64_t>(i) / static_cast<int64_t>(setup.waiting));
    o.at = o.placed_at;
    o.customer = Customer{"klant" + std::to_string(i) + "@example.nl", "Klant " + std::to_string(i), i % 10 == 3 ? "en" : "nl"};
    o.payment = (!bol && i % 7 == 2) ? Payment::kUnpaid : Payment::kPaid;
    o.lines.push_back(PlaceOrder::Line{kHotSku, Quantity(1), p.price});
    loader.Execute(o);
  }
  loader.Flush();
}

ReceiveStock Receipt(const Setup& setup) {
  return ReceiveStock{kHotSku, "main", Quantity(static_cast<int64_t>(setup.waiting)), "PO 2026-0001",
                      setup.options.start.PlusDays(365 + 22)};
}

// The supplier and one sent purchase order of --waiting units of the hot SKU (after the last
// waiting order was placed); returns the receipt of all of it against that order.
ReceivePurchaseOrder AddHotPurchaseOrder(const Setup& setup, Engine& engine, BulkLoader& loader) {
  const Instant t = setup.options.start.PlusDays(365 + 21);
  loader.Execute(UpsertSupplier{Supplier{kSupplier, "Groothandel Koffiemolens BV", "inkoop@groothandel.example", 14, std::nullopt}, t});
  const PurchaseOrderId id = engine.state().next_purchase_order_id;
  loader.Execute(CreatePurchaseOrder{kSupplier, {{kHotSku, Quantity(static_cast<int64_t>(setup.waiting)), std::nullopt}}, t});
  loader.Execute(SendPurchaseOrder{id, t});
  loader.Flush();
  return ReceivePurchaseOrder{id, "main", {{kHotSku, Quantity(static_cast<int64_t>(setup.waiting))}},
                              setup.options.start.PlusDays(365 + 22)};
}

// Builds the shop on `engine` (through `store` when given) and returns the receipt to time:
// a ReceiveStock, or (purchase_order) a ReceivePurchaseOrder of a sent purchase order.
Command PrepareFill(const Setup& setup, bool purchase_order, Engine& engine, app::ShopStore* store, bool& ok);

bool CheckShop(const BulkLoader& loader) {
  if (loader.rejected) {
    std::fprintf(stderr, "setup rejected %zu commands (%s)\n", loader.rejected, loader.first_error.c_str());
    return false;
  }
  return true;
}

Command PrepareFill(const Setup& setup, bool purchase_order, Engine& engine, app::ShopStore* store, bool& ok) {
  BulkLoader loader(engine, store);
  BuildShop(setup, loader);
  Command receipt = Receipt(setup);
  if (purchase_order) receipt = AddHotPurchaseOrder(setup, engine, loader);
  ok &= CheckShop(loader);
  return receipt;
}

// Receipts per second through ShopWriter on SQLite.
struct ReceiptRate {
  size_t receipts = 0;
  size_t lines = 0;
  size_t rejected = 0;
  size_t filled = 0;  // waiting order lines the receipts filled
  double seconds = 0;
  std::vector<double> latency;  // seconds, submit to acknowledgement
  app::WriterStats stats;
  double setup_seconds = 0;
  std::string first_error;
};

ReceiptRate MeasureReceipts(const Setup& setup, const std::string& dir, size_t pos, size_t threads, size_t inflight,
                            bool& ok) {
  ReceiptRate out;
  TempDir tmp(dir);
  auto store = store::SqliteStore::Open(tmp.path() + "/shop.db");
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
    ok = false;
    return out;
  }
  Engine engine;
  if (auto s = (*store)->Load(engine); !s.ok()) {
    ok = false;
    return out;
  }
  // Setup (not timed into the rate): the background shop, a supplier, the purchase orders sent.
  std::vector<Command> receipts;
  receipts.reserve(pos);
  {
    auto t0 = Clock::now();
    BulkLoader loader(engine, store->get());
    ShopGenerator gen(setup.options);
    while (auto c = gen.Next()) loader.Execute(*c);
    Instant t = setup.options.start.PlusDays(365);
    loader.Execute(UpsertSupplier{Supplier{kSupplier, "Groothandel Koffiemolens BV", "inkoop@groothandel.example", 10, std::nullopt}, t});
    std::mt19937_64 rng(setup.options.seed ^ 0x50u);
    const size_t skus = std::max<size_t>(setup.options.skus, 3);
    for (size_t i = 0; i < pos; ++i) {
      const size_t n = 1 + rng() % 3;
      CreatePurchaseOrder po{kSupplier, {}, t};
      ReceivePurchaseOrder r{engine.state().next_purchase_order_id, "main", {}, t.PlusDays(10)};
      const size_t first = rng() % skus;
      for (size_t k = 0; k < n; ++k) {
        const std::string sku = gen.SkuCode((first + k * (1 + skus / 3)) % skus);
        const Quantity q(static_cast<int64_t>(1 + rng() % 24));
        po.lines.push_back({sku, q, std::nullopt});
        r.lines.push_back({sku, q});
      }
      out.lines += n;
      loader.Execute(po);
      loader.Execute(SendPurchaseOrder{r.purchase_order, t});
      receipts.push_back(std::move(r));
      t = t.PlusSeconds(1);
    }
    loader.Flush();
    ok &= CheckShop(loader);
    out.setup_seconds = SecondsSince(t0);
  }
  out.receipts = receipts.size();
  if (receipts.empty()) return out;

  std::vector<Clock::time_point> submitted(receipts.size());
  out.latency.assign(receipts.size(), 0);
  std::atomic<size_t> rejected{0}, filled{0};
  std::mutex error_mu;
  Clock::time_point last_ack;
  app::ShopWriter writer(engine, **store);
  std::vector<std::unique_ptr<std::counting_semaphore<>>> slots;
  for (size_t c = 0; c < threads; ++c) slots.push_back(std::make_unique<std::counting_semaphore<>>(inflight));
  const auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (size_t c = 0; c < threads; ++c) {
    clients.emplace_back([&, c] {
      for (size_t index = c; index < receipts.size(); index += threads) {
        slots[c]->acquire();
        submitted[index] = Clock::now();
        writer.Submit(std::move(receipts[index]), [&, index, c](Result<engine::Outcome> r) {
          // On the writer thread, once the receipt is durable.
          const auto now = Clock::now();
          out.latency[index] = Seconds(now - submitted[index]);
          if (!r.ok()) {
            if (rejected.fetch_add(1) == 0) {
              std::lock_guard lock(error_mu);
              out.first_error = r.error().code + ": " + r.error().message;
            }
          } else {
            filled.fetch_add(r->filled.size());
          }
          last_ack = now;  // only the writer thread writes it; read after Stop()
          slots[c]->release();
        });
      }
    });
  }
  for (auto& t : clients) t.join();
  writer.Stop();
  out.seconds = std::max(Seconds(last_ack - t0), 1e-9);
  out.stats = writer.stats();
  out.rejected = rejected.load();
  out.filled = filled.load();
  if (out.rejected) {
    std::fprintf(stderr, "receipts rejected: %zu (%s)\n", out.rejected, out.first_error.c_str());
    ok = false;
  }
  // Every purchase order is received in full.
  for (const auto& [id, po] : engine.state().purchase_orders) {
    if (po.status != PurchaseOrderStatus::kReceived) {
      std::fprintf(stderr, "purchase order %llu is %s after its receipt\n", static_cast<unsigned long long>(id),
                   std::string(ToString(po.status)).c_str());
      ok = false;
      break;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"belofte receipt-fills-a-long-queue benchmark"};
  Setup setup;
  size_t skus = 10'000, lines = 10'000, reps = 7, durable_reps = 3;
  size_t po_receipts = 0, po_threads = 4, po_inflight = 32;  // <= 128 receipts (<= 384 closed lines) per commit
  uint64_t seed = ShopOptions{}.seed;
  std::string dir;
  bool json = false;
  app.add_option("--skus", skus, "background catalogue size")->capture_default_str();
  app.add_option("--lines", lines, "background open order lines")->capture_default_str();
  app.add_option("--waiting", setup.waiting, "waiting lines of the hot SKU (and units received)")->capture_default_str()->check(CLI::Range(1, 10'000'000));
  app.add_option("--reps", reps, "in-process repetitions (fresh engine each)")->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--durable-reps", durable_reps, "durable repetitions (fresh store each)")->capture_default_str()->check(CLI::Range(1, 100));
  app.add_option("--po-receipts", po_receipts, "purchase-order receipts to time (default: 2 x --skus)")->check(CLI::Range(size_t{0}, size_t{10'000'000}));
  app.add_option("--po-threads", po_threads, "threads submitting receipts")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_option("--po-inflight", po_inflight, "unacknowledged receipts per thread")->capture_default_str()->check(CLI::Range(1, 100'000));
  app.add_option("--seed", seed, "generator seed")->capture_default_str();
  app.add_option("--dir", dir, "parent directory of the temporary stores (default $TMPDIR or /tmp)");
  app.add_flag("--json", json, "print one JSON line of figures at the end");
  CLI11_PARSE(app, argc, argv);
  setup.options.skus = skus;
  setup.options.open_lines = lines;
  setup.options.seed = seed;
  if (po_receipts == 0) po_receipts = 2 * skus;
  std::printf("receipt_fill_bench: %s waiting lines on one SKU; background %s SKUs, %s lines, seed %llu\n",
              Thousands(setup.waiting).c_str(), Thousands(skus).c_str(), Thousands(lines).c_str(),
              static_cast<unsigned long long>(seed));
  bool ok = true;

  // In process: the receipt alone, fresh engine each time. Durable: through ShopWriter, fresh
  // store each time. For a plain receipt (ReceiveStock) and a purchase-order receipt.
  auto run_in_process = [&](bool purchase_order, size_t& events_per_receipt) {
    std::vector<double> times;
    for (size_t r = 0; r < reps; ++r) {
      Engine engine;
      const Command receipt = PrepareFill(setup, purchase_order, engine, nullptr, ok);
      std::vector<Event> events;
      auto t0 = Clock::now();
      auto outcome = engine.Execute(receipt, &events);
      times.push_back(SecondsSince(t0));
      if (!outcome.ok() || outcome->filled.size() != setup.waiting) {
        std::fprintf(stderr, "receipt filled %zu of %zu lines%s\n", outcome.ok() ? outcome->filled.size() : 0, setup.waiting,
                     outcome.ok() ? "" : (" (" + outcome.error().code + ")").c_str());
        ok = false;
      }
      events_per_receipt = events.size();
    }
    return times;
  };
  auto run_durable = [&](bool purchase_order) {
    std::vector<double> times;
    for (size_t r = 0; r < durable_reps; ++r) {
      TempDir tmp(dir);
      auto store = store::SqliteStore::Open(tmp.path() + "/shop.db");
      if (!store.ok()) {
        std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
        std::exit(2);
      }
      Engine engine;
      if (auto s = (*store)->Load(engine); !s.ok()) std::exit(2);
      const Command receipt = PrepareFill(setup, purchase_order, engine, store->get(), ok);
      app::ShopWriter writer(engine, **store);
      auto t0 = Clock::now();
      auto outcome = writer.Execute(receipt);
      times.push_back(SecondsSince(t0));
      if (!outcome.ok() || outcome->filled.size() != setup.waiting) ok = false;
    }
    return times;
  };
  size_t events_per_receipt = 0, events_per_po_receipt = 0;
  std::vector<double> in_process = run_in_process(false, events_per_receipt);
  std::vector<double> durable = run_durable(false);
  std::vector<double> po_in_process = run_in_process(true, events_per_po_receipt);
  std::vector<double> po_durable = run_durable(true);

  // The durable path split in two: Execute, then Commit of the same events.
  double split_execute = 0, split_commit = 0;
  {
    TempDir tmp(dir);
    auto store = store::SqliteStore::Open(tmp.path() + "/shop.db");
    if (!store.ok()) return 2;
    Engine engine;
    if (auto s = (*store)->Load(engine); !s.ok()) return 2;
    {
      BulkLoader loader(engine, store->get());
      BuildShop(setup, loader);
      ok &= CheckShop(loader);
    }
    std::vector<Event> events;
    auto t0 = Clock::now();
    auto outcome = engine.Execute(Receipt(setup), &events);
    split_execute = SecondsSince(t0);
    auto t1 = Clock::now();
    Status s = (*store)->Commit(events, engine.state());
    split_commit = SecondsSince(t1);
    if (!outcome.ok() || !s.ok()) ok = false;
  }

  const double in_ms = Median(in_process) * 1e3;
  const double dur_ms = Median(durable) * 1e3;
  const bool sized = setup.waiting >= 10'000;
  const std::string budget = "<= 20 ms (10,000 lines)";
  auto verdict = [&](double ms) { return sized ? Verdict(ms <= 20) : std::string("(small run)"); };
  std::vector<Row> rows = {
      {"events per receipt", Thousands(events_per_receipt), "", ""},
      {"in-process Execute, median of " + std::to_string(reps), Fixed(in_ms, 2) + " ms", budget, verdict(in_ms)},
      {"  min / max", Fixed(Percentile(in_process, 0) * 1e3, 2) + " / " + Fixed(Percentile(in_process, 100) * 1e3, 2) + " ms", "", ""},
      {"durable via ShopWriter, median of " + std::to_string(durable_reps), Fixed(dur_ms, 1) + " ms", budget, verdict(dur_ms)},
      {"  min / max", Fixed(Percentile(durable, 0) * 1e3, 1) + " / " + Fixed(Percentile(durable, 100) * 1e3, 1) + " ms", "", ""},
      {"  split: engine Execute", Fixed(split_execute * 1e3, 1) + " ms", "", ""},
      {"  split: SqliteStore::Commit", Fixed(split_commit * 1e3, 1) + " ms", "", ""},
      {"lines filled per second (durable)", Thousands(static_cast<int64_t>(setup.waiting / std::max(Median(durable), 1e-9))), "", ""},
  };
  PrintTable("a receipt fills " + Thousands(setup.waiting) + " waiting lines", rows);

  const double po_in_ms = Median(po_in_process) * 1e3;
  const double po_dur_ms = Median(po_durable) * 1e3;
  std::vector<Row> po_rows = {
      {"events per receipt", Thousands(events_per_po_receipt), "", ""},
      {"in-process Execute, median of " + std::to_string(reps), Fixed(po_in_ms, 2) + " ms", budget, verdict(po_in_ms)},
      {"  min / max", Fixed(Percentile(po_in_process, 0) * 1e3, 2) + " / " + Fixed(Percentile(po_in_process, 100) * 1e3, 2) + " ms", "", ""},
      {"durable via ShopWriter, median of " + std::to_string(durable_reps), Fixed(po_dur_ms, 1) + " ms", budget, verdict(po_dur_ms)},
      {"  min / max", Fixed(Percentile(po_durable, 0) * 1e3, 1) + " / " + Fixed(Percentile(po_durable, 100) * 1e3, 1) + " ms", "", ""},
  };
  PrintTable("a purchase-order receipt fills " + Thousands(setup.waiting) + " waiting lines", po_rows);

  const ReceiptRate rate = MeasureReceipts(setup, dir, po_receipts, po_threads, po_inflight, ok);
  const double receipts_per_s = static_cast<double>(rate.receipts) / rate.seconds;
  const double receipt_lines_per_s = static_cast<double>(rate.lines) / rate.seconds;
  const double mean_batch = rate.stats.batches ? static_cast<double>(rate.stats.commands) / static_cast<double>(rate.stats.batches) : 0;
  std::vector<Row> rate_rows = {
      {"purchase-order receipts (lines)", Thousands(rate.receipts) + " (" + Thousands(rate.lines) + ")", "", ""},
      {"receipts per second (durable)", Thousands(static_cast<int64_t>(receipts_per_s)), "(none)", ""},
      {"receipt lines per second (durable)", Thousands(static_cast<int64_t>(receipt_lines_per_s)), "(none)", ""},
      {"waiting lines filled", Thousands(rate.filled), "", ""},
      {"elapsed", Fixed(rate.seconds, 2) + " s", "", ""},
      {"transactions / mean batch", Thousands(rate.stats.batches) + " / " + Fixed(mean_batch, 1) + " cmds", "", ""},
      {"ack latency p50 / p99", Fixed(Percentile(rate.latency, 50) * 1e3, 2) + " / " + Fixed(Percentile(rate.latency, 99) * 1e3, 2) + " ms", "", ""},
      {"setup (shop + purchase orders sent)", Fixed(rate.setup_seconds, 1) + " s", "", ""},
  };
  PrintTable("purchase-order receipts through ShopWriter (" + std::to_string(po_threads) + " threads, " +
                 std::to_string(po_inflight) + " in flight each)",
             rate_rows);

  if (json) {
    nlohmann::json j{{"bench", "receipt_fill"},
                     {"waiting", setup.waiting},
                     {"skus", skus},
                     {"lines", lines},
                     {"seed", seed},
                     {"events", events_per_receipt},
                     {"in_process_median_ms", in_ms},
                     {"in_process_ms", in_process},
                     {"durable_median_ms", dur_ms},
                     {"durable_ms", durable},
                     {"split_execute_ms", split_execute * 1e3},
                     {"split_commit_ms", split_commit * 1e3},
                     {"po_events", events_per_po_receipt},
                     {"po_in_process_median_ms", po_in_ms},
                     {"po_durable_median_ms", po_dur_ms},
                     {"po_receipts", rate.receipts},
                     {"po_receipt_lines", rate.lines},
                     {"po_receipts_per_s", receipts_per_s},
                     {"po_receipt_lines_per_s", receipt_lines_per_s},
                     {"po_receipt_ack_p50_ms", Percentile(rate.latency, 50) * 1e3},
                     {"po_receipt_ack_p99_ms", Percentile(rate.latency, 99) * 1e3},
                     {"po_receipt_batches", rate.stats.batches},
                     {"ok", ok}};
    for (auto& v : j["in_process_ms"]) v = v.get<double>() * 1e3;
    for (auto& v : j["durable_ms"]) v = v.get<double>() * 1e3;
    std::cout << j.dump() << std::endl;
  }
  return ok ? 0 : 1;
}
