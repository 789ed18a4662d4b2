// intake_bench — durable order intake through ShopWriter on a fresh SQLite file.
//
// Setup (not timed against the budget): the generated catalogue and opening stock of --skus
// SKUs are executed and committed straight into a new store (BulkLoader, big transactions).
// Then --clients threads submit the generated orders (--lines order lines in all, 1-4 lines
// each, ~20% of SKUs ending with waiting lines) with ShopWriter::Submit, each keeping at most
// --inflight orders unacknowledged (the callback frees a slot). The clock runs from the first
// submit to the last acknowledgement; an acknowledgement means the order is durable (SQLite,
// WAL, synchronous=FULL). Reported: order lines/s (budget >= 50,000 on 2 cores), orders/s,
// the writer's mean batch (commands per transaction) and the p50/p99 latency from submit to
// acknowledgement.
#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <semaphore>
#include <thread>

#include "app/shop_writer.h"
#include "bench/bench_util.h"
#include "bench/shop_generator.h"
#include "store/sqlite_store.h"

using namespace belofte;
using namespace belofte::bench;

int main(int argc, char** argv) {
  CLI::App app{"belofte durable order intake benchmark"};
  size_t skus = 10'000, lines = 200'000, clients = 4, inflight = 256, batch = 50'000;
  uint64_t seed = ShopOptions{}.seed;
  std::string dir;
  bool json = false;
  int64_t cache_mib = 0;
  bool no_tokens = false;
  app.add_option("--skus", skus, "catalogue size")->capture_default_str();
  app.add_option("--lines", lines, "order lines to take in")->capture_default_str();
  app.add_option("--clients", clients, "client threads submitting orders")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_option("--inflight", inflight, "unacknowledged orders per client")->capture_default_str()->check(CLI::Range(1, 1'000'000));
  app.add_option("--batch", batch, "events per store commit during setup")->capture_default_str();
  app.add_option("--seed", seed, "generator seed")->capture_default_str();
  int64_t days = ShopOptions{}.days;
  app.add_option("--days", days,
                 "days the orders are placed over (365: a year, as DESIGN's budget; 1: a sale-day burst, "
                 "so waiting lines are not re-promised as days pass)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{3650}));
  app.add_option("--dir", dir, "parent directory of the temporary store (default $TMPDIR or /tmp)");
  app.add_option("--sqlite-cache-mib", cache_mib,
                 "experiment: PRAGMA cache_size for the writer connection (0: the store's default)")
      ->capture_default_str();
  app.add_flag("--no-status-tokens", no_tokens, "experiment: orders without a status token (no orders_by_status_token entry)");
  app.add_flag("--json", json, "print one JSON line of figures at the end");
  CLI11_PARSE(app, argc, argv);

  ShopOptions options;
  options.skus = skus;
  options.open_lines = lines;
  options.seed = seed;
  options.days = days;
  options.later_payments = false;  // order ids depend on arrival order with concurrent clients
  options.status_tokens = !no_tokens;
  std::printf("intake_bench: %s SKUs, %s order lines, %zu clients x %zu in flight, seed %llu\n",
              Thousands(skus).c_str(), Thousands(lines).c_str(), clients, inflight,
              static_cast<unsigned long long>(seed));

  TempDir tmp(dir);
  const std::string db = tmp.path() + "/shop.db";
  auto store = store::SqliteStore::Open(db);
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", db.c_str(), store.error().message.c_str());
    return 2;
  }
  if (cache_mib > 0) {
    if (auto s = (*store)->db().Exec("PRAGMA cache_size=-" + std::to_string(cache_mib * 1024)); !s.ok()) {
      std::fprintf(stderr, "cache_size: %s\n", s.error().message.c_str());
      return 2;
    }
    std::printf("experiment: SQLite page cache of the writer connection set to %lld MiB\n",
                static_cast<long long>(cache_mib));
  }
  engine::Engine engine;
  if (auto s = (*store)->Load(engine); !s.ok()) {
    std::fprintf(stderr, "load: %s\n", s.error().message.c_str());
    return 2;
  }

  // Setup: catalogue and opening stock, committed in large transactions.
  ShopGenerator gen(options);
  double setup_s = 0;
  size_t setup_rejected = 0;
  {
    BulkLoader loader(engine, store->get(), batch);
    auto t0 = Clock::now();
    while (gen.phase() == ShopGenerator::Phase::kCatalogue || gen.phase() == ShopGenerator::Phase::kOpeningStock) {
      loader.Execute(*gen.Next());
    }
    loader.Flush();
    setup_s = SecondsSince(t0);
    setup_rejected = loader.rejected;
    if (loader.rejected) std::fprintf(stderr, "warning: setup rejected %zu (%s)\n", loader.rejected, loader.first_error.c_str());
  }

  // The orders, dealt round-robin to the clients (generated before the clock starts).
  std::vector<std::vector<engine::Command>> work(clients);
  size_t orders = 0;
  while (auto c = gen.Next()) work[orders++ % clients].push_back(std::move(*c));

  std::vector<Clock::time_point> submitted(orders);
  std::vector<double> latency(orders, 0);
  std::atomic<size_t> acked{0}, rejected{0};
  std::mutex error_mu;
  std::string first_error;
  Clock::time_point last_ack;

  TimingStore timed(**store);  // times the writer's commits (fsync included)
  app::ShopWriter writer(engine, timed);
  std::vector<std::unique_ptr<std::counting_semaphore<>>> slots;
  for (size_t c = 0; c < clients; ++c) slots.push_back(std::make_unique<std::counting_semaphore<>>(inflight));

  const IoBytes io0 = ProcessIo();
  const double writer_cpu0 = ThreadsCpuSeconds("shop-writer");
  const double checkpoint_cpu0 = ThreadsCpuSeconds("wal-checkpoint");
  double writer_cpu1 = 0;  // the writer thread's CPU time at the last acknowledgement
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto& slot = *slots[c];
      for (size_t i = 0; i < work[c].size(); ++i) {
        const size_t index = i * clients + c;
        slot.acquire();
        submitted[index] = Clock::now();
        writer.Submit(std::move(work[c][i]), [&, index](Result<engine::Outcome> r) {
          // Runs on the writer thread once the order is durable.
          const auto now = Clock::now();
          latency[index] = Seconds(now - submitted[index]);
          if (!r.ok()) {
            if (rejected.fetch_add(1) == 0) {
              std::lock_guard lock(error_mu);
              first_error = r.error().code + ": " + r.error().message;
            }
          }
          last_ack = now;  // the writer thread is the only writer; read after Stop()
          if (acked.fetch_add(1, std::memory_order_release) + 1 == orders) writer_cpu1 = ThreadCpuSeconds();
          slots[index % clients]->release();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  writer.Stop();  // commits and acknowledges what is queued, joins the writer thread
  const double writer_cpu = writer_cpu1 - writer_cpu0;
  const double checkpoint_cpu = ThreadsCpuSeconds("wal-checkpoint") - checkpoint_cpu0;
  std::error_code wal_error;
  const auto wal_bytes = static_cast<int64_t>(std::filesystem::file_size(db + "-wal", wal_error));
  const double elapsed = orders ? Seconds(last_ack - t0) : 1e-9;
  const app::WriterStats stats = writer.stats();
  const IoBytes io1 = ProcessIo();
  const double kib_written = static_cast<double>(io1.written - io0.written) / 1024.0 / std::max<size_t>(1, lines);
  const double kib_read = static_cast<double>(io1.read - io0.read) / 1024.0 / std::max<size_t>(1, lines);

  const auto book = CountBook(engine.state());
  const double lines_per_s = static_cast<double>(lines) / elapsed;
  const double orders_per_s = static_cast<double>(orders) / elapsed;
  const double mean_batch = stats.batches ? static_cast<double>(stats.commands) / static_cast<double>(stats.batches) : 0;
  const double p50 = Percentile(latency, 50) * 1e3, p99 = Percentile(latency, 99) * 1e3, pmax = Percentile(latency, 100) * 1e3;
  if (rejected) std::fprintf(stderr, "warning: %zu orders rejected (%s)\n", rejected.load(), first_error.c_str());

  const double commit_share = timed.commit_seconds / elapsed;
  const double commit_p50 = Percentile(timed.commit_times, 50) * 1e3;
  std::vector<Row> rows = {
      {"setup: catalogue + opening stock", Fixed(setup_s, 2) + " s", "", ""},
      {"orders / order lines taken in", Thousands(orders) + " / " + Thousands(lines), "", ""},
      {"elapsed (first submit to last ack)", Fixed(elapsed, 2) + " s", "", ""},
      {"order lines/s (durable)", Thousands(static_cast<int64_t>(lines_per_s)), ">= 50,000", Verdict(lines_per_s >= 50'000)},
      {"orders/s (durable)", Thousands(static_cast<int64_t>(orders_per_s)), "", ""},
      {"transactions / mean batch", Thousands(stats.batches) + " / " + Fixed(mean_batch, 1) + " cmds", "", ""},
      {"largest batch", Thousands(stats.largest_batch) + " cmds", "", ""},
      {"writer time in store Commit", Fixed(timed.commit_seconds, 2) + " s (" + Fixed(100 * commit_share, 0) + "% of elapsed)", "", ""},
      {"Commit p50 / per order line", Fixed(commit_p50, 1) + " ms / " + Fixed(timed.commit_seconds / std::max<size_t>(1, lines) * 1e6, 1) + " us", "", ""},
      {"writer thread CPU per order line (in Commit)",
       Fixed(writer_cpu / std::max<size_t>(1, lines) * 1e6, 1) + " us (" +
           Fixed(timed.commit_cpu_seconds / std::max<size_t>(1, lines) * 1e6, 1) + " us)", "", ""},
      {"checkpointer thread CPU per order line", Fixed(checkpoint_cpu / std::max<size_t>(1, lines) * 1e6, 1) + " us", "", ""},
      {"WAL file at the end (its high-water mark)", wal_error ? "-" : FormatBytes(wal_bytes), "", ""},
      {"store I/O per order line (syscalls)", Fixed(kib_written, 1) + " KiB written, " + Fixed(kib_read, 1) + " KiB read", "", ""},
      {"ack latency p50", Fixed(p50, 2) + " ms", "", ""},
      {"ack latency p99", Fixed(p99, 2) + " ms", "", ""},
      {"ack latency max", Fixed(pmax, 2) + " ms", "", ""},
      {"rejected orders", Thousands(rejected.load()), "0", Verdict(rejected == 0)},
      {"SKUs with waiting lines", Thousands(book.skus_waiting) + " (" + Fixed(100.0 * book.skus_waiting / std::max<size_t>(1, skus)) + "%)", "", ""},
  };
  PrintTable("durable order intake (" + Thousands(skus) + " SKUs, " + std::to_string(clients) + " clients)", rows);

  if (json) {
    nlohmann::json j{{"bench", "intake"},
                     {"skus", skus},
                     {"lines", lines},
                     {"orders", orders},
                     {"clients", clients},
                     {"inflight", inflight},
                     {"seed", seed},
                     {"sqlite_cache_mib", cache_mib},
                     {"status_tokens", !no_tokens},
                     {"setup_s", setup_s},
                     {"elapsed_s", elapsed},
                     {"lines_per_s", lines_per_s},
                     {"orders_per_s", orders_per_s},
                     {"batches", stats.batches},
                     {"mean_batch", mean_batch},
                     {"largest_batch", stats.largest_batch},
                     {"commit_s", timed.commit_seconds},
                     {"commit_p50_ms", commit_p50},
                     {"commit_cpu_s", timed.commit_cpu_seconds},
                     {"writer_cpu_s", writer_cpu},
                     {"checkpoint_cpu_s", checkpoint_cpu},
                     {"wal_bytes", wal_error ? -1 : wal_bytes},
                     {"kib_written_per_line", kib_written},
                     {"kib_read_per_line", kib_read},
                     {"ack_p50_ms", p50},
                     {"ack_p99_ms", p99},
                     {"ack_max_ms", pmax},
                     {"rejected", rejected.load()},
                     {"skus_waiting", book.skus_waiting},
                     {"lines_waiting", book.lines_waiting}};
    std::cout << j.dump() << std::endl;
  }
  return rejected == 0 && setup_rejected == 0 && acked == orders ? 0 : 1;
}
