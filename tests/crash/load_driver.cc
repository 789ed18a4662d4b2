// load_driver — writes orders, receipts, payments and shipments to a SQLite store as fast as
// the writer acknowledges them, and prints one line per acknowledged command to stdout:
//   order <external_id> <order_id>      receipt <reference>      ship <order_id> <units>
// The crash test kills it with SIGKILL at random moments and checks that every printed
// (acknowledged) command is in the store. Bounded: stops by itself after --max-commands or
// 60 seconds. Usage: load_driver --db PATH --run N [--max-commands N]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <string>

#include "app/shop_writer.h"
#include "crash/expected_order.h"
#include "store/sqlite_store.h"

using namespace belofte;
using namespace belofte::engine;

namespace {

void Emit(const std::string& line) {
  std::string l = line + "\n";
  // One write per line: whole lines reach the pipe even when the process dies right after.
  ssize_t n = ::write(STDOUT_FILENO, l.data(), l.size());
  (void)n;
}

Instant Now(int run, int n) { return Instant::FromSeconds(1'767'600'000 + run * 100'000 + n); }

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  int run = 0;
  long max_commands = 200'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) db = argv[i + 1];
    if (!std::strcmp(argv[i], "--run")) run = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--max-commands")) max_commands = std::atol(argv[i + 1]);
  }
  auto store = store::SqliteStore::Open(db);
  if (!store.ok()) {
    std::fprintf(stderr, "load_driver: %s\n", store.error().message.c_str());
    return 1;
  }
  Engine engine;
  if (auto s = (*store)->Load(engine); !s.ok()) {
    std::fprintf(stderr, "load_driver: %s\n", s.error().message.c_str());
    return 1;
  }
  app::ShopWriter writer(engine, **store);
  if (engine.state().skus.empty()) {
    for (const Product& p : crash::Catalogue()) {
      if (!writer.Execute(UpsertProduct{p, Now(run, 0)}).ok()) return 1;
    }
  }

  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  constexpr int kMaxInFlight = 64;
  std::mt19937_64 rng(static_cast<uint64_t>(run) * 7919 + 17);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::vector<OrderId> placed;  // acknowledged orders, for payments and shipments

  for (long n = 1; n <= max_commands && std::chrono::steady_clock::now() < deadline; ++n) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < kMaxInFlight; });
      ++in_flight;
    }
    auto finish = [&] {
      std::lock_guard lock(mu);
      --in_flight;
      cv.notify_one();
    };
    int dice = static_cast<int>(rng() % 100);
    OrderId some_order = 0;
    {
      std::lock_guard lock(mu);
      if (!placed.empty()) some_order = placed[rng() % placed.size()];
    }
    if (dice < 70 || some_order == 0) {
      std::string ext = "r" + std::to_string(run) + "-" + std::to_string(n);
      PlaceOrder o = crash::ExpectedOrder(ext, Now(run, static_cast<int>(n)));
      writer.Submit(std::move(o), [&, ext](Result<Outcome> r) {
        if (r.ok()) {
          Emit("order " + ext + " " + std::to_string(r->order));
          std::lock_guard lock(mu);
          placed.push_back(r->order);
        }
        finish();
      });
    } else if (dice < 85) {
      std::string ref = "rcpt-" + std::to_string(run) + "-" + std::to_string(n);
      std::string sku = crash::Catalogue()[rng() % crash::Catalogue().size()].sku;
      ReceiveStock c{sku, "main", Quantity(1 + static_cast<int64_t>(rng() % 20)), ref, Now(run, static_cast<int>(n))};
      writer.Submit(std::move(c), [&, ref](Result<Outcome> r) {
        if (r.ok()) Emit("receipt " + ref);
        finish();
      });
    } else if (dice < 92) {
      writer.Submit(SetPayment{some_order, Payment::kPaid, Now(run, static_cast<int>(n))},
                    [&](Result<Outcome>) { finish(); });
    } else if (dice < 97) {
      // Ship whatever is allocated; the answer says how many units left.
      writer.Submit(ShipOrder{some_order, "main", {}, Now(run, static_cast<int>(n))}, [&, some_order](Result<Outcome> r) {
        if (r.ok()) Emit("ship " + std::to_string(some_order) + " " + std::to_string(r->movements.size()));
        finish();
      });
    } else {
      writer.Submit(CancelOrder{some_order, {}, "crash test", Now(run, static_cast<int>(n))},
                    [&](Result<Outcome>) { finish(); });
    }
  }
  writer.Stop();
  return 0;
}
