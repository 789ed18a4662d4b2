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
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/shop_writer.h"
#include "bench/bench_util.h"
#include "bench/shop_generator.h"
#include "store/sqlite_store.h"

using namespace belofte;
using namespace belofte::bench;
using namespace belofte::engine;

namespace {

constexpr char kHotSku[] = "SKU-HOT-GRINDER";

std::string Fixed(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

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

bool CheckShop(const BulkLoader& loader) {
  if (loader.rejected) {
    std::fprintf(stderr, "setup rejected %zu commands (%s)\n", loader.rejected, loader.first_error.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"belofte receipt-fills-a-long-queue benchmark"};
  Setup setup;
  size_t skus = 10'000, lines = 10'000, reps = 7, durable_reps = 3;
  uint64_t seed = ShopOptions{}.seed;
  std::string dir;
  bool json = false;
  app.add_option("--skus", skus, "background catalogue size")->capture_default_str();
  app.add_option("--lines", lines, "background open order lines")->capture_default_str();
  app.add_option("--waiting", setup.waiting, "waiting lines of the hot SKU (and units received)")->capture_default_str()->check(CLI::Range(1, 10'000'000));
  app.add_option("--reps", reps, "in-process repetitions (fresh engine each)")->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--durable-reps", durable_reps, "durable repetitions (fresh store each)")->capture_default_str()->check(CLI::Range(1, 100));
  app.add_option("--seed", seed, "generator seed")->capture_default_str();
  app.add_option("--dir", dir, "parent directory of the temporary stores (default $TMPDIR or /tmp)");
  app.add_flag("--json", json, "print one JSON line of figures at the end");
  CLI11_PARSE(app, argc, argv);
  setup.options.skus = skus;
  setup.options.open_lines = lines;
  setup.options.seed = seed;
  std::printf("receipt_fill_bench: %s waiting lines on one SKU; background %s SKUs, %s lines, seed %llu\n",
              Thousands(setup.waiting).c_str(), Thousands(skus).c_str(), Thousands(lines).c_str(),
              static_cast<unsigned long long>(seed));
  bool ok = true;

  // In process: the receipt alone, fresh engine each time.
  std::vector<double> in_process;
  size_t events_per_receipt = 0;
  for (size_t r = 0; r < reps; ++r) {
    Engine engine;
    {
      BulkLoader loader(engine, nullptr);
      BuildShop(setup, loader);
      ok &= CheckShop(loader);
    }
    std::vector<Event> events;
    const ReceiveStock receipt = Receipt(setup);
    auto t0 = Clock::now();
    auto outcome = engine.Execute(receipt, &events);
    in_process.push_back(SecondsSince(t0));
    if (!outcome.ok() || outcome->filled.size() != setup.waiting) {
      std::fprintf(stderr, "receipt filled %zu of %zu lines\n", outcome.ok() ? outcome->filled.size() : 0, setup.waiting);
      ok = false;
    }
    events_per_receipt = events.size();
  }

  // Durable: through ShopWriter, fresh store each time.
  std::vector<double> durable;
  for (size_t r = 0; r < durable_reps; ++r) {
    TempDir tmp(dir);
    auto store = store::SqliteStore::Open(tmp.path() + "/shop.db");
    if (!store.ok()) {
      std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
      return 2;
    }
    Engine engine;
    if (auto s = (*store)->Load(engine); !s.ok()) return 2;
    {
      BulkLoader loader(engine, store->get());
      BuildShop(setup, loader);
      ok &= CheckShop(loader);
    }
    app::ShopWriter writer(engine, **store);
    auto t0 = Clock::now();
    auto outcome = writer.Execute(Receipt(setup));
    durable.push_back(SecondsSince(t0));
    if (!outcome.ok() || outcome->filled.size() != setup.waiting) ok = false;
  }

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
                     {"ok", ok}};
    for (auto& v : j["in_process_ms"]) v = v.get<double>() * 1e3;
    for (auto& v : j["durable_ms"]) v = v.get<double>() * 1e3;
    std::cout << j.dump() << std::endl;
  }
  return ok ? 0 : 1;
}
