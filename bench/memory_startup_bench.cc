// memory_startup_bench — memory of a large shop in the engine, and start-up from the store.
//
// 1. Builds the generated shop (--skus SKUs, --lines open order lines, 20% of SKUs with waiting
//    lines) in an Engine, events dropped, and reads VmRSS after the catalogue + opening stock
//    and after the orders: bytes per SKU, per open line, the total, and that total projected to
//    1M SKUs + 1M lines against the 1 GiB budget.
// 2. Writes the same shop into a fresh SQLite store (the setup): a second engine executes the
//    stream and SqliteStore::Commit takes its events in batches of --batch events.
// 3. Start-up: SqliteStore::Open + Load into a new Engine, timed against the 10 s budget (the
//    file was just written, so it is a warm start: the OS page cache holds it), and the RSS of
//    the loaded engine; checks that the loaded book matches the built one.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "bench/shop_generator.h"
#include "store/sqlite_store.h"

using namespace belofte;
using namespace belofte::bench;

namespace {

int64_t FileSize(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"belofte memory and start-up benchmark"};
  size_t skus = 1'000'000, lines = 1'000'000, batch = 50'000;
  uint64_t seed = ShopOptions{}.seed;
  std::string dir;
  bool json = false;
  app.add_option("--skus", skus, "catalogue size")->capture_default_str();
  app.add_option("--lines", lines, "open order lines")->capture_default_str();
  app.add_option("--batch", batch, "events per store commit while writing the shop")->capture_default_str();
  app.add_option("--seed", seed, "generator seed")->capture_default_str();
  app.add_option("--dir", dir, "parent directory of the temporary store (default $TMPDIR or /tmp)");
  app.add_flag("--json", json, "print one JSON line of figures at the end");
  CLI11_PARSE(app, argc, argv);

  ShopOptions options;
  options.skus = skus;
  options.open_lines = lines;
  options.seed = seed;
  const bool full_size = skus >= 1'000'000 && lines >= 1'000'000;
  std::printf("memory_startup_bench: %s SKUs, %s open order lines, seed %llu\n", Thousands(skus).c_str(),
              Thousands(lines).c_str(), static_cast<unsigned long long>(seed));

  // 1. In memory.
  TrimHeap();
  ShopGenerator gen(options);
  const ShopFigures plan = gen.figures();
  TrimHeap();
  const int64_t rss_base = RssBytes();
  auto engine = std::make_unique<engine::Engine>();
  double catalogue_s = 0, orders_s = 0;
  int64_t rss_catalogue = 0, rss_built = 0;
  size_t rejected = 0;
  {
    BulkLoader loader(*engine, nullptr);
    auto t0 = Clock::now();
    while (gen.phase() == ShopGenerator::Phase::kCatalogue || gen.phase() == ShopGenerator::Phase::kOpeningStock) {
      loader.Execute(*gen.Next());
    }
    catalogue_s = SecondsSince(t0);
    TrimHeap();
    rss_catalogue = RssBytes();
    t0 = Clock::now();
    while (auto c = gen.Next()) loader.Execute(*c);
    orders_s = SecondsSince(t0);
    TrimHeap();
    rss_built = RssBytes();
    rejected = loader.rejected;
    if (loader.rejected) std::fprintf(stderr, "warning: %zu commands rejected (%s)\n", loader.rejected, loader.first_error.c_str());
  }
  const auto built = CountBook(engine->state());
  engine.reset();
  TrimHeap();

  const double per_sku = skus ? static_cast<double>(rss_catalogue - rss_base) / static_cast<double>(skus) : 0;
  const double per_line = lines ? static_cast<double>(rss_built - rss_catalogue) / static_cast<double>(lines) : 0;
  const int64_t total = rss_built - rss_base;
  const int64_t projected = static_cast<int64_t>(per_sku * 1e6 + per_line * 1e6);
  constexpr int64_t kGiB = int64_t{1} << 30;

  // 2. Write the shop into a store.
  TempDir tmp(dir);
  const std::string db = tmp.path() + "/shop.db";
  double write_s = 0, write_commit_s = 0;
  size_t write_events = 0, write_commits = 0;
  {
    auto store = store::SqliteStore::Open(db);
    if (!store.ok()) {
      std::fprintf(stderr, "cannot open %s: %s\n", db.c_str(), store.error().message.c_str());
      return 2;
    }
    engine::Engine e;
    if (auto s = (*store)->Load(e); !s.ok()) {
      std::fprintf(stderr, "load: %s\n", s.error().message.c_str());
      return 2;
    }
    ShopGenerator again(options);
    BulkLoader loader(e, store->get(), batch);
    auto t0 = Clock::now();
    while (auto c = again.Next()) loader.Execute(*c);
    loader.Flush();
    write_s = SecondsSince(t0);
    write_commit_s = loader.commit_seconds;
    write_events = loader.events;
    write_commits = loader.commits;
  }
  TrimHeap();
  const int64_t db_bytes = FileSize(db) + FileSize(db + "-wal");

  // 3. Start-up.
  const int64_t rss_before_load = RssBytes();
  const bool peak_reset = ResetPeakRss();
  auto t0 = Clock::now();
  auto store = store::SqliteStore::Open(db);
  if (!store.ok()) {
    std::fprintf(stderr, "cannot reopen %s: %s\n", db.c_str(), store.error().message.c_str());
    return 2;
  }
  const double open_s = SecondsSince(t0);
  engine::Engine loaded;
  auto t1 = Clock::now();
  if (auto s = (*store)->Load(loaded); !s.ok()) {
    std::fprintf(stderr, "load: %s\n", s.error().message.c_str());
    return 2;
  }
  const double load_s = SecondsSince(t1);
  const double startup_s = SecondsSince(t0);
  const int64_t rss_loaded_peak = peak_reset ? PeakRssBytes() : RssBytes();
  TrimHeap();
  const int64_t rss_loaded = RssBytes() - rss_before_load;
  const auto got = CountBook(loaded.state());
  const bool matches = got.skus == built.skus && got.skus_waiting == built.skus_waiting &&
                       got.lines_waiting == built.lines_waiting && got.units_waiting == built.units_waiting &&
                       got.open_orders == built.open_orders && got.open_lines == built.open_lines;

  const std::string at_size = full_size ? "" : " (small run)";
  std::vector<Row> rows = {
      {"SKUs with waiting lines", Thousands(built.skus_waiting) + " (" + Fixed(100.0 * built.skus_waiting / std::max<size_t>(1, skus)) + "%)", "~20% (generator)", ""},
      {"open order lines / waiting", Thousands(built.open_lines) + " / " + Thousands(built.lines_waiting), "", ""},
      {"RSS per SKU (catalogue + stock)", Fixed(per_sku, 0) + " B", "", ""},
      {"RSS per open order line", Fixed(per_line, 0) + " B", "", ""},
      {"RSS of the built engine", FormatBytes(total), "<= 1 GiB at 1M+1M", full_size ? Verdict(total <= kGiB) : "(small run)"},
      {"RSS projected to 1M SKUs + 1M lines", FormatBytes(projected), "<= 1 GiB", Verdict(projected <= kGiB)},
      {"in-memory build: catalogue + stock", Fixed(catalogue_s, 2) + " s", "", ""},
      {"in-memory build: orders", Fixed(orders_s, 2) + " s (" + Thousands(static_cast<int64_t>(lines / std::max(orders_s, 1e-9))) + " lines/s)", "", ""},
      {"setup: write shop to SQLite", Fixed(write_s, 1) + " s, " + Thousands(write_events) + " events", "", ""},
      {"setup: events/s (commit share)", Thousands(static_cast<int64_t>(write_events / std::max(write_s, 1e-9))) + " (" + Fixed(100 * write_commit_s / std::max(write_s, 1e-9), 0) + "% in Commit)", "", ""},
      {"store file size (db + wal)", FormatBytes(db_bytes), "", ""},
      {"start-up: Open + Load (warm cache)", Fixed(startup_s, 2) + " s", "<= 10 s at 1M+1M", full_size ? Verdict(startup_s <= 10) : "(small run)"},
      {"  of which Load", Fixed(load_s, 2) + " s", "", ""},
      {"RSS of the loaded engine", FormatBytes(rss_loaded) +  " (peak " + FormatBytes(rss_loaded_peak - rss_before_load) + (peak_reset ? "" : "?") + ")", "<= 1 GiB at 1M+1M", full_size ? Verdict(rss_loaded <= kGiB) : "(small run)"},
      {"loaded book matches built book", matches ? "yes" : "NO", "", ""},
  };
  (void)open_s;
  PrintTable("memory and start-up (" + Thousands(skus) + " SKUs, " + Thousands(lines) + " lines" + at_size + ")", rows);
  if (!matches) {
    std::fprintf(stderr, "loaded: %zu skus, %zu waiting skus, %zu waiting lines, %lld units, %zu orders, %zu lines\n",
                 got.skus, got.skus_waiting, got.lines_waiting, static_cast<long long>(got.units_waiting),
                 got.open_orders, got.open_lines);
  }

  if (json) {
    nlohmann::json j{{"bench", "memory_startup"},
                     {"skus", skus},
                     {"lines", lines},
                     {"seed", seed},
                     {"skus_waiting", built.skus_waiting},
                     {"lines_waiting", built.lines_waiting},
                     {"rss_per_sku_bytes", per_sku},
                     {"rss_per_line_bytes", per_line},
                     {"rss_built_bytes", total},
                     {"rss_projected_1m_bytes", projected},
                     {"build_catalogue_s", catalogue_s},
                     {"build_orders_s", orders_s},
                     {"setup_s", write_s},
                     {"setup_events", write_events},
                     {"setup_commits", write_commits},
                     {"setup_commit_s", write_commit_s},
                     {"db_bytes", db_bytes},
                     {"startup_s", startup_s},
                     {"load_s", load_s},
                     {"rss_loaded_bytes", rss_loaded},
                     {"rss_loaded_peak_bytes", rss_loaded_peak - rss_before_load},
                     {"state_matches", matches},
                     {"rejected", rejected},
                     {"planned_backordered_skus", plan.backordered_skus}};
    std::cout << j.dump() << std::endl;
  }
  return matches && rejected == 0 ? 0 : 1;
}
