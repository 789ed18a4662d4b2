// The crash test: a load driver writes to a real SQLite file and is killed with SIGKILL at
// random moments, 25 times. After each kill: every command it acknowledged is in the store,
// no order is half-written (each order's lines are exactly what its external id implies),
// and `belofte check` passes on the file. The next run continues on the same file.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "crash/expected_order.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace belofte {
namespace {

struct Acked {
  std::map<OrderId, std::string> orders;  // id -> external id
  std::set<std::string> receipts;
  std::set<OrderId> shipped;
};

// Starts `argv`, reads its stdout for `millis`, then SIGKILLs it. Returns what it printed.
std::string RunAndKill(const std::vector<std::string>& args, int millis) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  std::string text;
  char buf[65536];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(millis);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    poll(&p, 1, 5);
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    if (n == 0) break;  // the driver finished by itself
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  close(out[0]);
  return text;
}

int RunCheck(const std::string& db, std::string* output) {
  std::string cmd = std::string(BELOFTE_BINARY) + " check --db " + db + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) *output += buf;
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void Parse(const std::string& text, Acked& acked) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof() && !text.empty() && text.back() != '\n') break;  // a torn last line
    std::istringstream words(line);
    std::string kind;
    words >> kind;
    if (kind == "order") {
      std::string ext;
      OrderId id = 0;
      words >> ext >> id;
      acked.orders[id] = ext;
    } else if (kind == "receipt") {
      std::string ref;
      words >> ref;
      acked.receipts.insert(ref);
    } else if (kind == "ship") {
      OrderId id = 0;
      words >> id;
      acked.shipped.insert(id);
    }
  }
}

TEST(Crash, AcknowledgedWritesSurviveSigkillAndNothingIsHalfApplied) {
  testing::TempDir dir;
  const std::string db = dir.File("crash.db");
  std::mt19937 rng(20261126);
  Acked acked;
  constexpr int kRuns = 25;
  for (int run = 1; run <= kRuns; ++run) {
    int millis = 80 + static_cast<int>(rng() % 500);
    std::string printed = RunAndKill({LOAD_DRIVER_BINARY, "--db", db, "--run", std::to_string(run)}, millis);
    Parse(printed, acked);

    auto store = store::SqliteStore::Open(db, store::SqliteStore::Access::kReadOnly);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto& sql = (*store)->db();

    // Every order in the store is whole: its lines are exactly what its external id implies.
    auto rows = sql.MustPrepare(
        "SELECT o.id, o.channel, o.external_id, l.sku, l.quantity, l.shipped FROM orders o "
        "JOIN order_lines l ON l.order_id = o.id ORDER BY o.id, l.id");
    std::map<OrderId, int64_t> stored;  // id -> units shipped
    OrderId current = 0;
    engine::PlaceOrder expected;
    size_t line = 0;
    auto finish_order = [&] {
      if (current != 0) {
        EXPECT_EQ(line, expected.lines.size()) << "order " << current << " is half-written";
      }
    };
    while (rows.Step()) {
      OrderId id = static_cast<OrderId>(rows.Int(0));
      if (id != current) {
        finish_order();
        current = id;
        line = 0;
        expected = crash::ExpectedOrder(rows.Text(2), Instant());
        EXPECT_EQ(rows.Text(1), expected.channel) << "order " << id;
      }
      ASSERT_LT(line, expected.lines.size()) << "order " << id << " has too many lines";
      EXPECT_EQ(rows.Text(3), expected.lines[line].sku);
      EXPECT_EQ(rows.Int(4), expected.lines[line].quantity.units());
      stored[id] += rows.Int(5);
      ++line;
    }
    finish_order();
    auto count = sql.MustPrepare("SELECT count(*) FROM orders");
    ASSERT_TRUE(count.Step());
    EXPECT_EQ(static_cast<size_t>(count.Int(0)), stored.size()) << "an order without lines";
    // Every acknowledged order, receipt and shipment is there.
    for (const auto& [id, ext] : acked.orders) {
      EXPECT_TRUE(stored.count(id)) << "run " << run << ": acknowledged order " << ext << " (" << id << ") lost";
    }
    std::set<std::string> receipts;
    auto refs = sql.MustPrepare("SELECT reference FROM stock_movements WHERE kind = 'receipt'");
    while (refs.Step()) receipts.insert(refs.Text(0));
    for (const auto& ref : acked.receipts) {
      EXPECT_TRUE(receipts.count(ref)) << "run " << run << ": acknowledged receipt " << ref << " lost";
    }
    for (OrderId id : acked.shipped) {
      EXPECT_GT(stored[id], 0) << "run " << run << ": acknowledged shipment of order " << id << " lost";
    }
    store.value().reset();

    std::string report;
    EXPECT_EQ(RunCheck(db, &report), 0) << "run " << run << ":\n" << report;
    if (::testing::Test::HasFailure()) break;
  }
  // The runs did real work: the kills landed under load, not on an idle process.
  EXPECT_GT(acked.orders.size(), 1000u);
  EXPECT_GT(acked.receipts.size(), 100u);
  std::cout << "acknowledged over " << kRuns << " runs: " << acked.orders.size() << " orders, "
            << acked.receipts.size() << " receipts, " << acked.shipped.size() << " shipments\n";
}

}  // namespace
}  // namespace belofte
