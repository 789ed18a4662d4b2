// serve.cc — `belofte serve`: the HTTP server over one shop, and its graceful shutdown.
//
// Wiring: SqliteStore (store, history) -> Engine (loaded) -> ShopWriter (group commit, commit
// metrics) -> Authenticator (BELOFTE_ADMIN_TOKEN, token store) -> Api -> HttpServer. SIGTERM
// or SIGINT: new requests get 503, in-flight ones finish (bounded), the server closes, the
// writer commits and acknowledges what was queued, the process exits 0.
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <ostream>
#include <sstream>
#include <thread>

#include "api/api.h"
#include "api/http_server.h"
#include "app/timer_driver.h"
#include "cli/cli.h"
#include "notify/outbox_worker.h"
#include "notify/smtp_mailer.h"
#include "notify/templates.h"
#include "store/sqlite_outbox.h"
#include "store/sqlite_store.h"
#include "store/sqlite_token_store.h"

namespace belofte::cli {

namespace {

Instant WallClock() {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Instant::FromMicros(micros.count());
}

// Reads the admin token from `path`, or creates one (stored hashed) and writes it there (0600).
Result<std::string> AdminTokenFromFile(const std::string& path, app::TokenStore& tokens) {
  std::ifstream in(path);
  std::string token;
  if (in && std::getline(in, token) && !token.empty()) {
    // The file may outlive its store (a new database): make sure the store knows the token.
    auto known = tokens.FindToken(api::Sha256Hex(token));
    if (!known.ok()) return known.take_error();
    if (*known && !(*known)->revoked) return token;
    if (*known) return Error::Conflict("token_revoked", "The token in " + path + " was revoked; delete the file.");
    auto created = tokens.CreateToken("admin (" + path + ")", {"admin"}, api::Sha256Hex(token), WallClock().ToString());
    if (!created.ok()) return created.take_error();
    return token;
  }
  token = api::NewApiToken();
  auto created = tokens.CreateToken("admin (" + path + ")", {"admin"}, api::Sha256Hex(token), WallClock().ToString());
  if (!created.ok()) return created.take_error();
  mode_t old = umask(077);
  std::ofstream file(path, std::ios::trunc);
  file << token << "\n";
  umask(old);
  if (!file) return Error::Internal("cannot write the admin token to " + path);
  return token;
}

}  // namespace

int Serve(const ServeOptions& o, std::ostream& out, std::ostream& err) {
  auto listen = api::ParseListen(o.listen);
  if (!listen.ok()) {
    err << "belofte serve: " << listen.error().message << "\n";
    return 2;
  }
  // Block the signals before any thread starts, so this thread alone waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto logger = spdlog::stderr_logger_mt("belofte");
  logger->set_pattern("%v");
  spdlog::set_default_logger(logger);

  auto store = store::SqliteStore::Open(o.db);
  if (!store.ok()) {
    err << "belofte serve: " << store.error().message << "\n";
    return 1;
  }
  auto tokens = store::SqliteTokenStore::Open(o.db);
  if (!tokens.ok()) {
    err << "belofte serve: " << tokens.error().message << "\n";
    return 1;
  }
  auto load_started = std::chrono::steady_clock::now();
  engine::Engine engine;
  if (auto s = (*store)->Load(engine); !s.ok()) {
    err << "belofte serve: " << s.error().message << "\n";
    return 1;
  }
  double load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();

  std::string public_url = o.public_url.empty() ? "http://" + o.listen : o.public_url;
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();

  // Customer notices: the outbox is delivered over SMTP after each commit (docs/notices.md).
  std::unique_ptr<store::SqliteOutbox> outbox;
  std::unique_ptr<notify::Renderer> renderer;
  std::unique_ptr<notify::SmtpMailer> mailer;
  std::unique_ptr<notify::OutboxWorker> worker;
  std::atomic<notify::OutboxWorker*> wake{nullptr};
  std::string smtp_description;
  if (!o.smtp_url.empty()) {
    auto smtp = notify::SmtpConfig::Parse(o.smtp_url, o.mail_from);
    if (!smtp.ok()) {
      err << "belofte serve: " << smtp.error().message << "\n";
      return 2;
    }
    auto opened = store::SqliteOutbox::Open(o.db);
    if (!opened.ok()) {
      err << "belofte serve: " << opened.error().message << "\n";
      return 1;
    }
    outbox = std::move(opened.value());
    auto made = notify::Renderer::Create({public_url, o.shop_name, smtp->FromDomain(), o.templates_dir});
    if (made.ok()) {
      if (auto checked = (*made)->Check(); !checked.ok()) made = checked.take_error();
    }
    if (!made.ok()) {
      err << "belofte serve: templates: " << made.error().message << "\n";
      return 2;
    }
    renderer = std::move(made.value());
    mailer = std::make_unique<notify::SmtpMailer>(*smtp);
    smtp_description = smtp->Describe();
  }

  api::Metrics metrics;
  app::ShopWriter writer(engine, **store, [&metrics, &wake](size_t commands, double seconds) {
    metrics.ObserveCommit(commands, seconds);
    if (notify::OutboxWorker* w = wake.load(std::memory_order_acquire)) w->Wake();
  });
  bool seeded = false;
  if (o.demo && engine.state().skus.empty()) {
    std::ostringstream story;
    RunDemoStory(writer, **store, story);
    seeded = true;
  }

  // Who may call: BELOFTE_ADMIN_TOKEN, a token file, or tokens in the store.
  std::string admin_token = o.admin_token;
  std::string token_note;
  if (admin_token.empty() && !o.admin_token_file.empty()) {
    auto t = AdminTokenFromFile(o.admin_token_file, **tokens);
    if (!t.ok()) {
      err << "belofte serve: " << t.error().message << "\n";
      return 1;
    }
    admin_token = *t;
    token_note = "(kept in " + o.admin_token_file + ")";
  } else if (admin_token.empty()) {
    auto existing = (*tokens)->ListTokens();
    if (existing.ok() && existing->empty()) {
      admin_token = api::NewApiToken();
      auto created = (*tokens)->CreateToken("admin (first start)", {"admin"}, api::Sha256Hex(admin_token),
                                            WallClock().ToString());
      if (!created.ok()) {
        err << "belofte serve: " << created.error().message << "\n";
        return 1;
      }
      token_note = "(created on first start and shown only now)";
    }
  } else {
    token_note = "(from BELOFTE_ADMIN_TOKEN)";
  }
  api::Authenticator auth(o.admin_token.empty() ? "" : o.admin_token, tokens->get());
  api::Api api(writer, **store, auth, metrics, WallClock, api::Api::Options{public_url, o.max_body_bytes});
  api::HttpServer server(api, api::HttpServer::Options{listen->first, listen->second, o.threads, o.max_body_bytes});
  if (auto s = server.Start(); !s.ok()) {
    err << "belofte serve: " << s.error().message << "\n";
    return 1;
  }

  if (mailer) {
    notify::OutboxWorkerOptions options;
    options.retry_base = std::chrono::milliseconds(o.mail_retry_ms);
    options.max_attempts = o.mail_max_attempts;
    // Quiet hours are a shop setting: read at every round, so a change applies at once.
    options.quiet_hours = [&writer]() -> std::optional<notify::QuietHours> {
      return writer.Read([](const engine::Engine& e) -> std::optional<notify::QuietHours> {
        const engine::NoticeSettings& s = e.state().notice_settings;
        if (!s.quiet_hours) return std::nullopt;
        return notify::QuietHours{s.quiet_start_minute, s.quiet_end_minute, s.time_zone};
      });
    };
    worker = std::make_unique<notify::OutboxWorker>(*outbox, *mailer, *renderer, options);
    worker->Start();
    wake.store(worker.get(), std::memory_order_release);
  }
  app::TimerDriver timers(writer, WallClock, std::chrono::milliseconds(o.timer_interval_ms));
  timers.Start();

  const std::string base = "http://" + o.listen;
  out << fmt::format("belofte is serving {} at {}\n", o.db, base);
  out << fmt::format("  loaded {} products and {} open orders in {:.3f} s{}\n", engine.state().skus.size(),
                     engine.state().orders.size(), load_seconds, seeded ? "; seeded the Koffie & Co demo shop" : "");
  if (!admin_token.empty()) {
    out << fmt::format("  admin token {}: {}\n", token_note, admin_token);
    std::string t = admin_token;
    out << "\nTry it: place an order that waits, see the queue, and fill it with a stock adjustment:\n";
    out << fmt::format(
        "  curl -s -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' -X POST {}/api/v1/orders "
        "-d '{{\"channel\":\"webshop\",\"external_id\":\"try-'$RANDOM'\",\"payment\":\"paid\","
        "\"customer\":{{\"email\":\"u@example.nl\",\"name\":\"U\"}},\"lines\":[{{\"sku\":\"FLT-V60-02\",\"quantity\":3}}]}}'\n",
        t, base);
    out << fmt::format("  curl -s -H 'Authorization: Bearer {}' {}/api/v1/backorders?sku=FLT-V60-02\n", t, base);
    out << fmt::format(
        "  curl -s -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' -X POST "
        "{}/api/v1/stock/adjustments -d '{{\"sku\":\"FLT-V60-02\",\"delta\":5,\"reason\":\"found a box\"}}'\n",
        t, base);
  } else {
    out << "  authenticate with a token from `belofte token create --db " << o.db << " --scopes admin`\n";
  }
  out << (worker ? fmt::format("  customer notices go out through {}\n", smtp_description)
                 : std::string("  customer notices stay queued: no SMTP server (--smtp-url or BELOFTE_SMTP_URL)\n"));
  out << fmt::format("  OpenAPI: {}/api/v1/openapi.json   metrics: {}/metrics   stop: Ctrl-C or SIGTERM\n", base, base);
  out.flush();

  int signal = 0;
  sigwait(&signals, &signal);
  out << "belofte: " << (signal == SIGTERM ? "SIGTERM" : "SIGINT") << ", finishing in-flight requests\n";
  out.flush();
  api.StartDraining();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (api.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server.Stop();
  timers.Stop();
  wake.store(nullptr, std::memory_order_release);
  if (worker) worker->Stop();
  writer.Stop();
  auto stats = writer.stats();
  out << fmt::format("belofte: stopped after {} commands in {} transactions\n", stats.commands, stats.batches);
  return 0;
}

}  // namespace belofte::cli
