// The acceptance test of customer notices, end to end with real components: `belofte serve
// --demo` as its own process, a real SMTP server on loopback (aiosmtpd), real HTTP, and headless
// Chromium. Bram Hendriks (demo order webshop/1007: 3 hand grinders, 2 in stock, 1 waiting for a
// purchase order)
// receives the backorder e-mail, a slip notice after the supplier moves the date, and the shipped
// e-mail for the two that were in stock; he opens the status link from his e-mail and cancels the rest.
// Also: SMTP down at start -> delivered once it is up; the server killed (SIGKILL) mid-delivery
// -> after a restart every notice arrives exactly once.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>

#include "notify/notify_test_util.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace belofte::testing {
namespace {

using nlohmann::json;

constexpr const char* kToken = "blft_notices-e2e-token-0123456789abcdefghijklmnop";
constexpr const char* kMailFrom = "Koffie & Co <winkel@koffieenco.example>";

// `belofte serve --demo` with SMTP, as a process of its own (stdout/stderr to a log file).
class Server {
 public:
  Server(std::string db, std::string log) : db_(std::move(db)), log_(std::move(log)) {}
  ~Server() { Kill(SIGTERM); }

  bool Start(int port, const std::string& smtp_url) {
    port_ = port;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setenv("BELOFTE_ADMIN_TOKEN", kToken, 1);
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      const std::string listen = "127.0.0.1:" + std::to_string(port);
      const std::string url = base();
      ::execl(BELOFTE_BINARY, BELOFTE_BINARY, "serve", "--db", db_.c_str(), "--listen", listen.c_str(), "--demo",
              "--smtp-url", smtp_url.c_str(), "--mail-from", kMailFrom, "--public-url", url.c_str(),
              "--mail-retry-ms", "200", nullptr);
      ::_exit(127);
    }
    HttpClient http(base());
    return WaitUntil([&] { return http.Get("/healthz").status == 200; }, std::chrono::seconds(20));
  }

  void Kill(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    if (!WaitUntil([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(15))) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string db_;
  std::string log_;
  int port_ = 0;
  pid_t pid_ = -1;
};

struct Mail {
  std::string file;
  json decoded;
  std::string to() const { return decoded.value("to", ""); }
  std::string subject() const { return decoded.value("subject", ""); }
  std::string text() const { return decoded.value("text", ""); }
};

std::vector<Mail> MailsTo(const SmtpServer& smtp, const std::string& address) {
  std::vector<Mail> out;
  for (const auto& file : smtp.Messages()) {
    json d = DecodeMessage(file);
    if (d.is_object() && d.value("to", "").find(address) != std::string::npos) out.push_back(Mail{file, d});
  }
  return out;
}

json Parse(const HttpResult& r) { return json::parse(r.body, nullptr, false); }

json FindOrder(HttpClient& http, const std::string& channel, const std::string& external_id) {
  json page = Parse(http.Get("/api/v1/orders?channel=" + channel + "&limit=1000"));
  for (const auto& o : page["items"]) {
    if (o["external_id"] == external_id) return o;
  }
  return nullptr;
}

// The notices of an order by kind, once the outbox says they were sent.
std::map<std::string, int> SentKinds(HttpClient& http, const std::string& order_id) {
  std::map<std::string, int> kinds;
  json page = Parse(http.Get("/api/v1/notifications?order_id=" + order_id));
  for (const auto& n : page["items"]) {
    if (n["status"] == "sent") kinds[n["kind"]]++;
  }
  return kinds;
}

class NoticesEndToEnd : public ::testing::Test {
 protected:
  TempDir dir;
  int smtp_port = FreePort();
  SmtpServer smtp{dir.File("maildir"), smtp_port};
  Server server{dir.File("shop.db"), dir.File("server.log")};

  std::string Log() { return ReadFile(dir.File("server.log")); }
};

TEST_F(NoticesEndToEnd, BramHearsOfHisBackorderTheSlipAndTheShipmentAndCancelsTheRestOnHisStatusPage) {
  ASSERT_TRUE(smtp.Start());
  ASSERT_TRUE(server.Start(FreePort(), smtp.url())) << Log();
  HttpClient http(server.base());
  http.set_token(kToken);
  json bram = FindOrder(http, "webshop", "1007");
  ASSERT_TRUE(bram.is_object()) << "the demo has Bram's order";
  const std::string id = bram["id"];
  const std::string status_url = bram["status_url"];
  ASSERT_EQ(status_url.rfind(server.base() + "/status/", 0), 0u) << status_url;
  ASSERT_EQ(bram["lines"][0]["allocated"], 2) << bram.dump();  // two were on the shelf, one waits
  ASSERT_EQ(bram["lines"][0]["backordered"], 1);

  // The backorder e-mail: Dutch, his lines, the P90 date in words, and his status link.
  ASSERT_TRUE(WaitUntil([&] { return SentKinds(http, id)["backordered"] == 1; }, std::chrono::seconds(20))) << Log();
  std::vector<Mail> mails = MailsTo(smtp, "bram.hendriks@example.nl");
  ASSERT_FALSE(mails.empty());
  const Mail& backordered = mails.front();
  EXPECT_EQ(backordered.decoded.value("content_language", ""), "nl");
  EXPECT_NE(backordered.text().find("Handkoffiemolen RVS"), std::string::npos) << backordered.text();
  EXPECT_NE(backordered.text().find(status_url), std::string::npos) << backordered.text();
  EXPECT_NE(backordered.decoded.value("html", "").find(status_url), std::string::npos);
  EXPECT_NE(backordered.decoded.value("from", "").find("winkel@koffieenco.example"), std::string::npos);

  // The supplier moves the purchase order another two weeks: a slip notice, old -> new date.
  json pos = Parse(http.Get("/api/v1/purchase-orders?supplier=koffiegroothandel"));
  ASSERT_FALSE(pos["items"].empty()) << pos.dump();
  const std::string po = pos["items"][0]["id"];
  const size_t slips_before = SentKinds(http, id)["promise_changed"];
  auto moved = http.Post("/api/v1/purchase-orders/" + po + "/expected-date", R"({"expected_date":"2026-12-21"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  ASSERT_TRUE(WaitUntil([&] { return SentKinds(http, id)["promise_changed"] == static_cast<int>(slips_before) + 1; },
                        std::chrono::seconds(20)))
      << Log();
  bool slip_seen = false;
  for (const Mail& m : MailsTo(smtp, "bram.hendriks@example.nl")) {
    // The new promise: the PO's 21 December plus a handling day -> at the latest 22 December.
    if (m.text().find("22 december 2026") != std::string::npos) slip_seen = true;
  }
  EXPECT_TRUE(slip_seen) << "no e-mail names the new date";

  // The two grinders on the shelf ship: the shipped e-mail says the rest follows.
  auto shipped = http.Post("/api/v1/orders/" + id + "/shipments", R"({"location":"main"})");
  ASSERT_EQ(shipped.status, 201) << shipped.body;
  ASSERT_TRUE(WaitUntil([&] { return SentKinds(http, id)["shipped"] == 1; }, std::chrono::seconds(20))) << Log();

  // He opens the link from his e-mail in a browser and cancels the grinder still waiting.
  std::smatch link;
  const std::string text = backordered.text();
  ASSERT_TRUE(std::regex_search(text, link, std::regex(R"(http://127\.0\.0\.1:\d+/status/[A-Za-z0-9_-]{22})")));
  const std::string command = std::string("node ") + BELOFTE_BROWSER_SCRIPT + " --url '" + link.str() +
                              "' --api " + server.base() + " --token " + kToken + " >> " + dir.File("browser.log") +
                              " 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << ReadFile(dir.File("browser.log"));
  json now = Parse(http.Get("/api/v1/orders/" + id));
  EXPECT_EQ(now["lines"][0]["cancelled"], 1) << now.dump();
  EXPECT_EQ(now["lines"][0]["backordered"], 0);
  EXPECT_EQ(now["status"], "shipped");
  ASSERT_TRUE(WaitUntil([&] { return SentKinds(http, id)["cancelled"] == 1; }, std::chrono::seconds(20))) << Log();

  // The customer-service view tells the same story in time order.
  json timeline = Parse(http.Get("/api/v1/orders/" + id + "/timeline"));
  std::vector<std::string> types;
  for (const auto& item : timeline["items"]) types.push_back(item["type"]);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "order_placed");
  for (const char* t : {"promise_given", "promise_changed", "notice_queued", "line_shipped"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), t), types.end()) << t;
  }
  const std::string last_cancel = [&] {
    for (auto it = timeline["items"].rbegin(); it != timeline["items"].rend(); ++it) {
      if ((*it)["type"] == "line_cancelled") return (*it)["data"]["reason"].get<std::string>();
    }
    return std::string();
  }();
  EXPECT_EQ(last_cancel, "customer");
}

TEST_F(NoticesEndToEnd, SmtpDownAtStartIsRetriedAndAKillMidDeliverySendsNoDuplicate) {
  // No SMTP server yet: deliveries fail and are retried.
  server.Start(FreePort(), smtp.url());
  HttpClient http(server.base());
  http.set_token(kToken);
  ASSERT_TRUE(WaitUntil(
      [&] {
        json page = Parse(http.Get("/api/v1/notifications?limit=1000"));
        for (const auto& n : page["items"]) {
          if (n["status"] == "failed" && n["attempts"].get<int>() >= 1) return true;
        }
        return false;
      },
      std::chrono::seconds(20)))
      << Log();

  // SMTP comes up stalling at RCPT; the server is killed while it talks to it.
  ASSERT_TRUE(smtp.Start({"--stall-rcpt", "3"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server.Kill(SIGKILL);
  smtp.Stop();
  ASSERT_TRUE(smtp.Start());
  ASSERT_TRUE(server.Start(FreePort(), smtp.url())) << Log();
  HttpClient again(server.base());
  again.set_token(kToken);

  // Everything is delivered, and each notice exactly once (one message per Message-ID).
  size_t sent = 0;
  ASSERT_TRUE(WaitUntil(
      [&] {
        json page = Parse(again.Get("/api/v1/notifications?limit=1000"));
        sent = 0;
        for (const auto& n : page["items"]) {
          if (n["status"] != "sent") return false;
          ++sent;
        }
        return sent > 0;
      },
      std::chrono::seconds(30)))
      << Log();
  std::map<std::string, int> per_id;
  for (const auto& file : smtp.Messages()) per_id[DecodeMessage(file).value("message_id", "")]++;
  EXPECT_EQ(per_id.size(), sent);
  for (const auto& [message_id, count] : per_id) EXPECT_EQ(count, 1) << message_id;
}

}  // namespace
}  // namespace belofte::testing
