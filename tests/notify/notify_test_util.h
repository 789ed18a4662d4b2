// notify_test_util.h — helpers for the notice tests: the outbox tables in a temporary SQLite
// file (as the store's migration 6 creates them), notices queued as the engine queues them, and
// a real SMTP server (tests/support/smtp_server.py, aiosmtpd) started and stopped per test.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite.h"
#include "store/sqlite_outbox.h"
#include "store/sqlite_store.h"
#include "support/free_port.h"
#include "support/temp_dir.h"

namespace belofte::testing {


// A notice_queued payload as the engine writes it: one backordered line by default.
inline nlohmann::json SamplePayload(const std::string& kind = "backordered", const std::string& language = "nl") {
  return {{"order_id", 7},
          {"kind", kind},
          {"to", "anna@example.nl"},
          {"name", "Anna de Vries"},
          {"language", language},
          {"channel", "webshop"},
          {"external_id", "1001"},
          {"status_token", "Zm9vYmFy"},
          {"lines",
           {{{"line_id", 12},
             {"sku", "MOK-01"},
             {"name", "Mok blauw"},
             {"ordered", 3},
             {"quantity", 2},
             {"promise", {{"p50", "2026-12-01"}, {"p90", "2026-12-03"}, {"basis", "purchase_order"}}},
             {"previous_p90", kind == "promise_changed" ? nlohmann::json("2026-11-28") : nlohmann::json(nullptr)}}}},
          {"partial", false},
          {"voucher_code", ""},
          {"percent", 0},
          {"reason", ""}};
}

struct NoticeRow {
  std::string status;
  int attempts = 0;
  int64_t next_attempt_us = 0;
  std::string sent_at;
  std::string last_error;
};

// A shop's SQLite file (the store's own migrations); queues notices the way the store does.
class NoticeDb {
 public:
  explicit NoticeDb(std::string path) : path_(std::move(path)) {
    EXPECT_TRUE(store::SqliteStore::Open(path_).ok());  // creates and migrates the file
    auto db = store::Database::Open(path_);
    EXPECT_TRUE(db.ok());
    db_ = std::move(db.value());
  }
  const std::string& path() const { return path_; }
  store::Database& db() { return *db_; }

  // One notice_queued event (the outbox entry; the worker adopts it); returns its id.
  int64_t Queue(const nlohmann::json& payload) {
    auto ev = db_->Prepare(
        "INSERT INTO events(at, type, order_id, sku, payload) VALUES ('2026-03-01T09:30:00Z', 'notice_queued', ?, "
        "NULL, ?) RETURNING seq");
    EXPECT_TRUE(ev.ok());
    ev->Bind(1, payload.value("order_id", int64_t{0})).Bind(2, payload.dump());
    EXPECT_TRUE(ev->Step());
    const int64_t id = ev->Int(0);
    ev->Reset();
    return id;
  }

  NoticeRow Row(int64_t id) {
    auto st = db_->Prepare(
        "SELECT status, attempts, next_attempt_us, coalesce(sent_at, ''), coalesce(last_error, '') FROM notifications "
        "WHERE id = ?");
    EXPECT_TRUE(st.ok());
    st->Bind(1, id);
    NoticeRow row{"queued", 0, 0, "", ""};  // not adopted by a worker yet
    if (st->Step()) row = {st->Text(0), static_cast<int>(st->Int(1)), st->Int(2), st->Text(3), st->Text(4)};
    st->Reset();
    return row;
  }

  // Runs `sql` after giving queued notices their delivery rows (as a worker's claim would).
  void Exec(const std::string& sql) {
    EXPECT_TRUE(db_->Exec(store::kAdoptNoticesSql).ok());
    EXPECT_TRUE(db_->Exec(sql).ok()) << sql;
  }

 private:
  std::string path_;
  std::unique_ptr<store::Database> db_;
};

inline int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Polls `done` every 10 ms until it holds or `timeout` passes.
template <typename F>
bool WaitUntil(F&& done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}


// tests/support/smtp_server.py on 127.0.0.1:port, storing messages in maildir/new.
class SmtpServer {
 public:
  SmtpServer(std::string maildir, int port) : maildir_(std::move(maildir)), port_(port) {}
  ~SmtpServer() { Stop(); }

  // Starts it with extra options ("--fail-first", "2"); waits for its ready file (10 s at most).
  bool Start(const std::vector<std::string>& options = {}) {
    const std::string ready = maildir_ + ".ready";
    std::filesystem::remove(ready);
    std::vector<std::string> args = {BELOFTE_PYTHON, BELOFTE_SMTP_SERVER, "--port", std::to_string(port_),
                                     "--maildir", maildir_, "--ready-file", ready};
    args.insert(args.end(), options.begin(), options.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return WaitUntil([&] { return std::filesystem::exists(ready); }, std::chrono::seconds(10));
  }

  // SIGTERM, then SIGKILL if it has not exited within 5 s.
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    bool exited = WaitUntil([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(5));
    if (!exited) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // The stored messages, oldest first.
  std::vector<std::string> Messages() const {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(maildir_ + "/new", ec)) files.push_back(e.path());
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
      return std::filesystem::last_write_time(a) < std::filesystem::last_write_time(b);
    });
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(f.string());
    return out;
  }

 private:
  std::string maildir_;
  int port_;
  pid_t pid_ = -1;
};

// A stored message decoded by Python's MIME-aware email package (smtp_server.py --decode).
inline nlohmann::json DecodeMessage(const std::string& path) {
  const std::string command = std::string(BELOFTE_PYTHON) + " " + BELOFTE_SMTP_SERVER + " --decode '" + path + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return nullptr;
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  ::pclose(pipe);
  return nlohmann::json::parse(out, nullptr, false);
}

inline std::string ReadFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return {};
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace belofte::testing
