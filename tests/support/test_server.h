// test_server.h — TestServer: the real HTTP server in process, on a free loopback port, over a
// real SQLite file in a temporary directory. Everything but main(): store, engine, writer,
// token store, authenticator, Api, HttpServer. Restart() stops it gracefully and starts it
// again on the same file (durability across restarts).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "api/api.h"
#include "api/http_server.h"
#include "store/sqlite_store.h"
#include "store/sqlite_token_store.h"
#include "support/free_port.h"
#include "support/temp_dir.h"

namespace belofte::testing {


inline Instant WallClock() {
  return Instant::FromMicros(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
}

class TestServer {
 public:
  static constexpr const char* kAdminToken = "blft_test-admin-token-0123456789abcdefghijklmnopqr";

  explicit TestServer(size_t max_body_bytes = 4 * 1024 * 1024) : max_body_(max_body_bytes) { Start(); }
  ~TestServer() { Stop(); }

  void Start() {
    auto s = store::SqliteStore::Open(db_path());
    if (!s.ok()) throw std::runtime_error(s.error().message);
    store_ = std::move(s.value());
    auto t = store::SqliteTokenStore::Open(db_path());
    if (!t.ok()) throw std::runtime_error(t.error().message);
    tokens_ = std::move(t.value());
    engine_ = std::make_unique<engine::Engine>();
    if (auto st = store_->Load(*engine_); !st.ok()) throw std::runtime_error(st.error().message);
    metrics_ = std::make_unique<api::Metrics>();
    writer_ = std::make_unique<app::ShopWriter>(*engine_, *store_, [m = metrics_.get()](size_t n, double s) {
      m->ObserveCommit(n, s);
    });
    auth_ = std::make_unique<api::Authenticator>(kAdminToken, tokens_.get());
    port_ = FreePort();
    api_ = std::make_unique<api::Api>(*writer_, *store_, *auth_, *metrics_, WallClock,
                                      api::Api::Options{base_url(), max_body_, /*access_log=*/false});
    server_ = std::make_unique<api::HttpServer>(*api_, api::HttpServer::Options{"127.0.0.1", port_, 2, max_body_});
    if (auto st = server_->Start(); !st.ok()) throw std::runtime_error(st.error().message);
  }

  void Stop() {
    if (!server_) return;
    api_->StartDraining();
    for (int i = 0; i < 2000 && api_->in_flight() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    server_->Stop();
    writer_->Stop();
    server_.reset();
    api_.reset();
    writer_.reset();
    auth_.reset();
    metrics_.reset();
    engine_.reset();
    tokens_.reset();
    store_.reset();
  }

  void Restart() {
    Stop();
    Start();
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string db_path() const { return dir_.File("shop.db"); }
  app::ShopWriter& writer() { return *writer_; }
  app::TokenStore& tokens() { return *tokens_; }

 private:
  TempDir dir_;
  size_t max_body_;
  uint16_t port_ = 0;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<store::SqliteTokenStore> tokens_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<api::Metrics> metrics_;
  std::unique_ptr<app::ShopWriter> writer_;
  std::unique_ptr<api::Authenticator> auth_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::HttpServer> server_;
};

}  // namespace belofte::testing
