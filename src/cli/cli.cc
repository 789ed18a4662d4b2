#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "cli/import_export.h"

#include "store/sqlite_store.h"

namespace belofte::cli {

int Init(const std::string& db, std::ostream& out, std::ostream& err) {
  auto store = store::SqliteStore::Open(db);
  if (!store.ok()) {
    err << "belofte init: " << store.error().message << "\n";
    return 1;
  }
  out << "Store ready at " << db << " (schema version " << store::SqliteStore::SchemaVersion() << ").\n";
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"belofte — inventory, purchasing and backorders that keep their promise"};
  app.require_subcommand(1);
  std::string db = "var/belofte.db";

  auto* version = app.add_subcommand("version", "Print the version");
  auto* init = app.add_subcommand("init", "Create (or migrate) a store");
  init->add_option("--db", db, "SQLite database file")->capture_default_str();
  auto* demo = app.add_subcommand("demo", "Seed a Dutch demo shop into a new store and walk through a backorder day");
  demo->add_option("--db", db, "SQLite database file (must be new or empty)")->capture_default_str();
  auto* check = app.add_subcommand("check", "Verify every invariant of the store; exit 1 with a report if one fails");
  check->add_option("--db", db, "SQLite database file")->capture_default_str();

  ServeOptions serve_options;
  if (const char* t = std::getenv("BELOFTE_ADMIN_TOKEN")) serve_options.admin_token = t;
  if (const char* u = std::getenv("BELOFTE_PUBLIC_URL")) serve_options.public_url = u;
  if (const char* u = std::getenv("BELOFTE_SMTP_URL")) serve_options.smtp_url = u;
  if (const char* f = std::getenv("BELOFTE_MAIL_FROM")) serve_options.mail_from = f;
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API over a store (created and migrated when missing)");
  serve->add_option("--db", db, "SQLite database file")->capture_default_str();
  serve->add_option("--listen", serve_options.listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--public-url", serve_options.public_url, "Base URL of status links (env BELOFTE_PUBLIC_URL)");
  serve->add_option("--admin-token-file", serve_options.admin_token_file,
                    "Read an admin token from this file, or create one and write it there");
  serve->add_option("--smtp-url", serve_options.smtp_url,
                    "SMTP server for customer notices: smtp://host:port or smtps://user:pass@host:port "
                    "(env BELOFTE_SMTP_URL; none: notices stay queued)");
  serve->add_option("--mail-from", serve_options.mail_from, "Sender of customer notices (env BELOFTE_MAIL_FROM)");
  serve->add_option("--shop-name", serve_options.shop_name, "The shop's name in notices")->capture_default_str();
  serve->add_option("--templates", serve_options.templates_dir, "Directory of notice template overrides")
      ->check(CLI::ExistingDirectory);
  serve->add_option("--mail-retry-ms", serve_options.mail_retry_ms, "First retry of a failed delivery, in ms")
      ->capture_default_str()->check(CLI::Range(int64_t{1}, int64_t{86'400'000}));
  serve->add_option("--mail-max-attempts", serve_options.mail_max_attempts, "Attempts before a notice is dead")
      ->capture_default_str()->check(CLI::Range(1, 100));
  serve->add_option("--timer-interval-ms", serve_options.timer_interval_ms, "How often the policy timers run, in ms")
      ->capture_default_str()->check(CLI::Range(int64_t{10}, int64_t{86'400'000}));
  serve->add_flag("--demo", serve_options.demo, "Seed the Koffie & Co demo shop when the store is empty");
  serve->add_option("--threads", serve_options.threads, "HTTP threads")->capture_default_str()->check(CLI::Range(1, 64));
  serve->add_option("--max-body", serve_options.max_body_bytes, "Largest request body in bytes")
      ->capture_default_str()
      ->check(CLI::Range(1024, 1 << 30));

  auto* token = app.add_subcommand("token", "Manage the HTTP API's bearer tokens");
  token->require_subcommand(1);
  std::string token_name = "api", scopes;
  int64_t token_id = 0;
  auto* token_create = token->add_subcommand("create", "Create a token and print it (once)");
  token_create->add_option("--db", db, "SQLite database file")->capture_default_str();
  token_create->add_option("--scopes", scopes, "Comma-separated: admin, orders:write, stock:write, read")->required();
  token_create->add_option("--name", token_name, "What the token is for")->capture_default_str();
  auto* token_revoke = token->add_subcommand("revoke", "Revoke a token by id");
  token_revoke->add_option("--db", db, "SQLite database file")->capture_default_str();
  token_revoke->add_option("id", token_id, "The token's id (see token list)")->required();
  auto* token_list = token->add_subcommand("list", "List tokens (never their values)");
  token_list->add_option("--db", db, "SQLite database file")->capture_default_str();

  EvalReliabilityOptions eval_options;
  auto* eval = app.add_subcommand("eval", "Evaluate planning methods on real history");
  eval->require_subcommand(1);
  auto* eval_reliability = eval->add_subcommand(
      "supplier-reliability", "Fit supplier delays on the earlier deliveries, predict the later ones (SCMS format)");
  eval_reliability->add_option("--scms", eval_options.scms_path, "SCMS delivery history CSV")->required();
  eval_reliability->add_flag("--json", eval_options.json, "Print one JSON object instead of the report");
  eval_reliability->add_option("--split", eval_options.split, "Share of each vendor's deliveries fitted, by time")
      ->capture_default_str();
  eval_reliability->add_option("--min-history", eval_options.min_history, "Fewer fitted: the prior alone predicts")
      ->capture_default_str();
  eval_reliability->add_option("--prior", eval_options.prior, "Shrink towards: pooled | zero")
      ->capture_default_str()
      ->check(CLI::IsMember({"pooled", "zero"}));
  eval_reliability->add_option("--prior-weight", eval_options.prior_weight, "k: pseudo-observations of the prior")
      ->capture_default_str();
  eval_reliability->add_option("--window", eval_options.window, "0: fit all; N: an accumulator of the last N")
      ->capture_default_str();

  EvalPromisesOptions promises_options;
  auto* eval_promises = eval->add_subcommand(
      "promises", "Back-test promise dates: replay the history as purchase orders with waiting demand (SCMS format)");
  eval_promises->add_option("--scms", promises_options.scms_path, "SCMS delivery history CSV")->required();
  eval_promises->add_flag("--json", promises_options.json, "End with a one-line JSON summary");
  eval_promises
      ->add_option("--undated", promises_options.undated,
                   "Lines without a PO date: skip (history only) | scheduled (promised as of that date)")
      ->capture_default_str()
      ->check(CLI::IsMember({"skip", "scheduled"}));
  eval_promises->add_option("--handling-days", promises_options.handling_days, "Working days from arrival to shipment")
      ->capture_default_str();
  eval_promises->add_flag("--open-weekends", promises_options.open_weekends, "Ship on Saturdays and Sundays too");
  eval_promises->add_option("--window", promises_options.window, "Per vendor: the last N deliveries; 0: all")
      ->capture_default_str();
  eval_promises->add_option("--prior-weight", promises_options.prior_weight, "k: pseudo-observations of the prior")
      ->capture_default_str();
  eval_promises->add_option("--seed", promises_options.seed, "Seed of the synthetic waiting demand")
      ->capture_default_str();

  std::string csv_kind, csv_file;
  auto* import_cmd = app.add_subcommand("import", "Import CSV into a store (the server must not be running)");
  import_cmd->add_option("kind", csv_kind, "suppliers | supplier-terms | purchase-orders")
      ->required()
      ->check(CLI::IsMember(ImportExportKinds()));
  import_cmd->add_option("file", csv_file, "CSV file with a header row")->required();
  import_cmd->add_option("--db", db, "SQLite database file")->capture_default_str();
  auto* export_cmd = app.add_subcommand("export", "Write the store's current state as CSV to stdout");
  export_cmd->add_option("kind", csv_kind, "suppliers | supplier-terms | purchase-orders")
      ->required()
      ->check(CLI::IsMember(ImportExportKinds()));
  export_cmd->add_option("--db", db, "SQLite database file")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (*version) {
    std::cout << "belofte " << BELOFTE_VERSION << " (schema " << store::SqliteStore::SchemaVersion() << ")\n";
    return 0;
  }
  if (*init) return Init(db, std::cout, std::cerr);
  if (*demo) return Demo(db, std::cout, std::cerr);
  if (*check) return Check(db, std::cout, std::cerr);
  if (*serve) {
    serve_options.db = db;
    return Serve(serve_options, std::cout, std::cerr);
  }
  if (*token_create) return TokenCreate(db, token_name, scopes, std::cout, std::cerr);
  if (*token_revoke) return TokenRevoke(db, token_id, std::cout, std::cerr);
  if (*token_list) return TokenList(db, std::cout, std::cerr);
  if (*eval_reliability) return EvalSupplierReliability(eval_options, std::cout, std::cerr);
  if (*eval_promises) return EvalPromises(promises_options, std::cout, std::cerr);
  if (*import_cmd) return Import(csv_kind, csv_file, db, std::cout, std::cerr, ::isatty(STDERR_FILENO) != 0);
  if (*export_cmd) return Export(csv_kind, db, std::cout, std::cerr);
  return 2;
}

}  // namespace belofte::cli
