#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

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
  return 2;
}

}  // namespace belofte::cli
