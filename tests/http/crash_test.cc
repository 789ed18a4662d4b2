// The crash test over HTTP: `belofte serve` runs as its own process under load from 8 client
// threads and is killed with SIGKILL at a random moment, 20 times. After each kill every order
// that got a 2xx answer is in the store, whole, and `belofte check` passes; then the server is
// started again on the same file.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "store/sqlite_store.h"
#include "support/http_client.h"
#include "support/temp_dir.h"
#include "support/test_server.h"

namespace belofte::testing {
namespace {

using nlohmann::json;

constexpr const char* kToken = "blft_crash-test-token-0123456789abcdefghijklmnop";

pid_t StartServer(const std::string& db, uint16_t port) {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("BELOFTE_ADMIN_TOKEN", kToken, 1);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    std::string listen = "127.0.0.1:" + std::to_string(port);
    execl(BELOFTE_BINARY, BELOFTE_BINARY, "serve", "--db", db.c_str(), "--listen", listen.c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

bool WaitHealthy(const std::string& base) {
  HttpClient http(base);
  for (int i = 0; i < 500; ++i) {  // bounded: 5 s
    if (http.Get("/healthz").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Lines of the order with external id n: what a whole order must look like in the store.
std::string OrderBody(int run, int n) {
  return R"({"channel":"web","external_id":"r)" + std::to_string(run) + "-" + std::to_string(n) +
         R"(","payment":"paid","lines":[{"sku":"A","quantity":)" + std::to_string(1 + n % 3) +
         R"(},{"sku":"B","quantity":1}]})";
}

int RunCheck(const std::string& db, std::string* report) {
  std::string cmd = std::string(BELOFTE_BINARY) + " check --db " + db + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) *report += buf;
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(HttpCrash, OrdersAnswered2xxSurviveSigkillAndTheStoreChecksClean) {
  TempDir dir;
  const std::string db = dir.File("crash.db");
  std::mt19937 rng(424242);
  std::map<std::string, std::string> acked;  // order id -> external id
  std::mutex mu;
  int runs_with_load = 0;
  for (int run = 1; run <= 20; ++run) {
    uint16_t port = FreePort();
    std::string base = "http://127.0.0.1:" + std::to_string(port);
    pid_t pid = StartServer(db, port);
    ASSERT_TRUE(WaitHealthy(base)) << "run " << run << ": the server did not start";
    if (run == 1) {
      HttpClient http(base);
      http.set_token(kToken);
      ASSERT_EQ(http.Put("/api/v1/products/A", R"({"name":"A","price":"5.00","backorder":{"policy":"allow"}})").status, 201);
      ASSERT_EQ(http.Put("/api/v1/products/B", R"({"name":"B","price":"7.50","backorder":{"policy":"allow"}})").status, 201);
    }
    std::atomic<bool> stop{false};
    std::atomic<int> answered{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c) {
      clients.emplace_back([&, c] {
        HttpClient http(base);
        http.set_token(kToken);
        for (int i = 0; i < 100000 && !stop; ++i) {
          int n = c * 100000 + i;
          if (i % 10 == 9) {
            http.Post("/api/v1/stock/adjustments", R"({"sku":"A","delta":3,"reason":"restock"})");
            continue;
          }
          auto r = http.Post("/api/v1/orders", OrderBody(run, n));
          if (r.status == 0) break;  // the server is gone
          if (r.status == 201 || r.status == 200) {
            answered++;
            std::lock_guard lock(mu);
            acked[json::parse(r.body)["id"]] = "r" + std::to_string(run) + "-" + std::to_string(n);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 500));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    stop = true;
    for (auto& t : clients) t.join();
    if (answered > 0) runs_with_load++;

    // Every order answered 2xx is in the store, with both of its lines.
    auto store = store::SqliteStore::Open(db, store::SqliteStore::Access::kReadOnly);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto rows = (*store)->db().MustPrepare(
        "SELECT o.id, o.external_id, count(l.id) FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id");
    std::map<std::string, std::pair<std::string, int64_t>> stored;
    while (rows.Step()) stored[std::to_string(rows.Int(0))] = {rows.Text(1), rows.Int(2)};
    for (const auto& [id, ext] : acked) {
      auto it = stored.find(id);
      ASSERT_NE(it, stored.end()) << "run " << run << ": order " << id << " (" << ext << ") was answered 2xx but is lost";
      EXPECT_EQ(it->second.first, ext);
      EXPECT_EQ(it->second.second, 2) << "order " << id << " is half-written";
    }
    auto count = (*store)->db().MustPrepare("SELECT count(*) FROM orders");
    ASSERT_TRUE(count.Step());
    EXPECT_EQ(static_cast<size_t>(count.Int(0)), stored.size()) << "an order without lines";
    store.value().reset();
    std::string report;
    ASSERT_EQ(RunCheck(db, &report), 0) << "run " << run << ":\n" << report;
  }
  EXPECT_GE(runs_with_load, 15) << "the kills should land under load";
  EXPECT_GT(acked.size(), 500u);
  std::cout << acked.size() << " orders answered 2xx over 20 runs, all present after SIGKILL\n";
}

TEST(HttpShutdown, SigtermFinishesInFlightRequestsAndExitsCleanly) {
  TempDir dir;
  const std::string db = dir.File("graceful.db");
  uint16_t port = FreePort();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  pid_t pid = StartServer(db, port);
  ASSERT_TRUE(WaitHealthy(base));
  {
    HttpClient http(base);
    http.set_token(kToken);
    ASSERT_EQ(http.Put("/api/v1/products/A", R"({"name":"A","price":"5.00","backorder":{"policy":"allow"}})").status, 201);
    ASSERT_EQ(http.Put("/api/v1/products/B", R"({"name":"B","price":"7.50","backorder":{"policy":"allow"}})").status, 201);
  }
  std::mutex mu;
  std::set<std::string> acked;
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, refused{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      HttpClient http(base);
      http.set_token(kToken);
      for (int i = 0; i < 100000 && !stop; ++i) {
        auto r = http.Post("/api/v1/orders", OrderBody(0, c * 100000 + i));
        if (r.status == 201) {
          answered++;
          std::lock_guard lock(mu);
          acked.insert(json::parse(r.body)["id"]);
        } else if (r.status == 503 || r.status == 0) {
          refused++;
          if (r.status == 0) break;
        }
      }
    });
  }
  while (answered < 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  auto store = store::SqliteStore::Open(db, store::SqliteStore::Access::kReadOnly);
  ASSERT_TRUE(store.ok());
  auto count = (*store)->db().MustPrepare("SELECT count(*) FROM orders");
  ASSERT_TRUE(count.Step());
  EXPECT_GE(static_cast<size_t>(count.Int(0)), acked.size());
  for (const auto& id : acked) {
    auto found = (*store)->FindOrder(std::stoull(id));
    ASSERT_TRUE(found.ok() && found->has_value()) << "order " << id << " answered 201 but missing after SIGTERM";
  }
  store.value().reset();
  std::string report;
  EXPECT_EQ(RunCheck(db, &report), 0) << report;
}

}  // namespace
}  // namespace belofte::testing
