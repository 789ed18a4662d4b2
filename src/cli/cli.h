// cli.h — the `belofte` command line: parses arguments and runs a command.
//
// Commands: init, demo, check, version, serve, token, eval, import, export (more arrive with
// their issues). Each command is a function taking its parsed options and returning the exit
// code; all output goes to the given streams so tests can capture it.
// Thread safety: call from main() only.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "app/shop_writer.h"
#include "planning/reliability.h"
#include "store/sqlite_store.h"

namespace belofte::cli {

int Main(int argc, char** argv);

// The commands, callable from tests.
int Init(const std::string& db, std::ostream& out, std::ostream& err);
int Demo(const std::string& db, std::ostream& out, std::ostream& err);
int Check(const std::string& db, std::ostream& out, std::ostream& err);

struct ServeOptions {
  std::string db = "var/belofte.db";
  std::string listen = "127.0.0.1:8080";
  std::string public_url;        // default: http://<listen>
  std::string admin_token;       // BELOFTE_ADMIN_TOKEN
  std::string admin_token_file;  // read, or create and write, an admin token here
  bool demo = false;             // seed the demo shop into an empty store
  size_t threads = 2;
  size_t max_body_bytes = 4 * 1024 * 1024;
  // Customer notices (docs/notices.md). Without an SMTP URL notices stay queued in the outbox.
  std::string smtp_url;       // BELOFTE_SMTP_URL: smtp://host:port or smtps://user:pass@host:port
  std::string mail_from;      // BELOFTE_MAIL_FROM: "Shop <shop@example.nl>"
  std::string shop_name = "Koffie & Co";
  std::string templates_dir;  // per-shop overrides of the built-in templates
  int64_t mail_retry_ms = 30'000;  // first retry after a failed delivery (doubling, capped at 6 h)
  int mail_max_attempts = 8;       // then the notice is dead
  int64_t timer_interval_ms = 60'000;  // how often the policy timers run
};
int Serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

int TokenCreate(const std::string& db, const std::string& name, const std::string& scopes, std::ostream& out,
                std::ostream& err);
int TokenRevoke(const std::string& db, int64_t id, std::ostream& out, std::ostream& err);
int TokenList(const std::string& db, std::ostream& out, std::ostream& err);

// `belofte eval supplier-reliability` (eval.cc): per vendor, fit planning::Estimate on the first
// `split` of the deliveries by scheduled date and report how often the rest arrive within the
// predicted P50/P90 delay. Exit 0; 1 when the file cannot be read; 2 for bad options.
struct EvalReliabilityOptions {
  std::string scms_path;         // the SCMS delivery history CSV
  bool json = false;             // print one JSON object (one line) instead of the report
  double split = 0.7;            // share of each vendor's deliveries (by time) that is fitted
  int64_t min_history = 1;       // below this many fitted deliveries, the prior alone predicts
  std::string prior = "pooled";  // shrink towards "pooled" (all vendors' fitted delays) or "zero"
  double prior_weight = planning::kPriorPseudoObservations;  // k
  size_t window = 0;  // 0: fit every fitted delivery; N: an accumulator of the last N
};
int EvalSupplierReliability(const EvalReliabilityOptions& options, std::ostream& out, std::ostream& err);

// `belofte eval promises` (eval_promises.cc, docs/evaluation.md): replays the SCMS history as
// purchase-order lines with synthetic waiting demand, promises each waiting line with
// planning::PromiseWalk as of the day its PO was sent (reliability from the deliveries that had
// arrived before that day), and reports the share shipped on or before P50 / P90 and the mean
// promise length against the naive promise "the scheduled date". With `json`, the report is
// followed by one summary line: {"n", "p50_kept", "p90_kept", "mean_promise_days" (P90),
// "naive": {"kept", "mean_promise_days"}}. Exit 0; 1 when the file cannot be read or nothing can
// be promised; 2 for bad options.
struct EvalPromisesOptions {
  std::string scms_path;         // the SCMS delivery history CSV
  bool json = false;             // end with the one-line JSON summary
  std::string undated = "skip";  // a line without a PO date: "skip" (history only) or
                                 // "scheduled" (promised as of its scheduled date)
  int32_t handling_days = 0;     // working days from arrival to shipment
  bool open_weekends = false;    // default: Saturdays and Sundays are closed (no holidays)
  // Per vendor: the last `window` deliveries known (the engine's default); 0: all of them.
  size_t window = planning::ReliabilityAccumulator::kDefaultWindow;
  double prior_weight = planning::kPriorPseudoObservations;  // k of the on-time prior
  uint64_t seed = 1;                                         // the synthetic waiting demand
};
int EvalPromises(const EvalPromisesOptions& options, std::ostream& out, std::ostream& err);

// `belofte import KIND FILE` / `belofte export KIND` (import_export.cc, docs/import-export.md), KIND =
// suppliers | supplier-terms | purchase-orders. Import: exit 0 when every row was accepted, 1 when
// some were rejected, 2 when nothing could be imported (unreadable file, bad header, store locked);
// `progress` draws a progress bar on `err`. Export: CSV on `out`; exit 0, 1 when the store cannot be read.
int Import(const std::string& kind, const std::string& file, const std::string& db, std::ostream& out,
           std::ostream& err, bool progress = false);
int Export(const std::string& kind, const std::string& db, std::ostream& out, std::ostream& err);

// The demo story (demo.cc), against a loaded, empty shop.
void RunDemoStory(app::ShopWriter& writer, store::SqliteStore& store, std::ostream& out);

}  // namespace belofte::cli
