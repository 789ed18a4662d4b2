// `belofte eval promises` on small synthetic SCMS-format files that the test writes itself: the
// JSON summary (the last line) must hold the figures computed by hand below, through the command
// function and through the real binary; bad input fails with a clear message.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "support/scms_csv.h"
#include "support/temp_dir.h"

namespace belofte {
namespace {

using belofte::testing::Dmy;
const std::string kHeader = belofte::testing::ScmsHeader();


// "3/1/07" (m/d/yy, one of the PO date forms).
std::string Mdy(Date d) {
  const std::string iso = d.ToString();
  return std::to_string(std::stoi(iso.substr(5, 2))) + "/" + std::to_string(std::stoi(iso.substr(8, 2))) + "/" +
         iso.substr(2, 2);
}

std::string Row(int id, const std::string& vendor, const std::string& mode, const std::string& po_date, Date scheduled,
                Date delivered, int quantity) {
  return belofte::testing::ScmsLine({id, vendor, mode, po_date, Dmy(scheduled), Dmy(delivered), "\"Widget, blue\"", quantity});
}

const Date kD0 = Date::FromYmd(2007, 3, 1);
constexpr int kLateLines = 10;
constexpr int kQuotedDays = 20;  // scheduled = ordered + 20
constexpr int kLateDays = 3;     // delivered = scheduled + 3
// Order days 23 days apart: each delivery arrives exactly on the day the next line is ordered,
// which is not "before" it, so line i is promised knowing i − 1 deliveries (line 0: none).
constexpr int kSpacing = kQuotedDays + kLateDays;

// "Late Co", always 3 days late, one unit per line (so one waiting line each), written newest
// first (the command sorts by order day itself).
std::string LateVendorRows(int quantity = 1) {
  std::string rows;
  for (int i = kLateLines - 1; i >= 0; --i) {
    const Date ordered = kD0.PlusDays(kSpacing * i);
    const Date scheduled = ordered.PlusDays(kQuotedDays);
    rows += Row(100 + i, "Late Co", i % 2 ? "Air" : "Truck", Mdy(ordered), scheduled, scheduled.PlusDays(kLateDays),
                quantity);
  }
  return rows;
}

struct Ran {
  int code = -1;
  std::string out, err;
  nlohmann::json json;  // the last line, when it is JSON
};

nlohmann::json LastLine(const std::string& out) {
  std::string last = out;
  while (!last.empty() && last.back() == '\n') last.pop_back();
  const size_t cut = last.rfind('\n');
  return nlohmann::json::parse(cut == std::string::npos ? last : last.substr(cut + 1));
}

Ran Eval(const cli::EvalPromisesOptions& options) {
  std::ostringstream out, err;
  Ran r;
  r.code = cli::EvalPromises(options, out, err);
  r.out = out.str();
  r.err = err.str();
  if (options.json && r.code == 0) r.json = LastLine(r.out);
  return r;
}

class EvalPromisesTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& rows) {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << kHeader << "\n" << rows;
    return path;
  }
  cli::EvalPromisesOptions Options(const std::string& path) const {
    cli::EvalPromisesOptions o;
    o.scms_path = path;
    o.json = true;
    o.open_weekends = true;  // whole days only, unless a test says otherwise
    return o;
  }
  testing::TempDir dir_;
};

TEST_F(EvalPromisesTest, AVendorAlwaysLateIsLearnedFromWhatHadArrived) {
  const Ran r = Eval(Options(Write("late.csv", LateVendorRows())));
  ASSERT_EQ(r.code, 0) << r.err;
  // The summary line has exactly the keys of issue #5.
  std::vector<std::string> keys;
  for (const auto& [key, value] : r.json.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"mean_promise_days", "n", "naive", "p50_kept", "p90_kept"}));
  EXPECT_EQ(r.json["naive"].size(), 2u);

  EXPECT_EQ(r.json["n"], kLateLines);
  // Naive: the scheduled date, always 3 days short.
  EXPECT_DOUBLE_EQ(r.json["naive"]["kept"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(r.json["naive"]["mean_promise_days"].get<double>(), kQuotedDays);
  // With m known deliveries (all 3 days late) and the on-time prior (k = 5): F(0) = 5 / (m + 5),
  // so the P90 delay is 3 from m = 1 on (lines 2..9: 8 kept), the P50 from m = 6 on (lines 7..9).
  EXPECT_DOUBLE_EQ(r.json["p90_kept"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(r.json["p50_kept"].get<double>(), 0.3);
  // The P90 promise: 20 days for lines 0 and 1, 23 for the other eight.
  EXPECT_DOUBLE_EQ(r.json["mean_promise_days"].get<double>(), (2.0 * 20 + 8.0 * 23) / 10);
  // The report slices the same lines.
  EXPECT_NE(r.out.find("Truck"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Promise basis: purchase_order 10"), std::string::npos) << r.out;
}

TEST_F(EvalPromisesTest, PriorWeightZeroTrustsASingleDelivery) {
  auto options = Options(Write("late.csv", LateVendorRows()));
  options.prior_weight = 0;
  const Ran r = Eval(options);
  ASSERT_EQ(r.code, 0) << r.err;
  // From one known delivery on (lines 2..9) both quantiles are 3 days late.
  EXPECT_DOUBLE_EQ(r.json["p50_kept"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(r.json["p90_kept"].get<double>(), 0.8);
}

TEST_F(EvalPromisesTest, WaitingLinesAreSeededAndShareTheirPurchaseOrder) {
  auto options = Options(Write("late100.csv", LateVendorRows(100)));
  const Ran a = Eval(options);
  const Ran b = Eval(options);
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);  // deterministic
  const int64_t n = a.json["n"];
  EXPECT_GE(n, kLateLines);
  EXPECT_LE(n, 3 * kLateLines);
  EXPECT_DOUBLE_EQ(a.json["naive"]["kept"].get<double>(), 0.0);
  // All of a PO line's waiting lines are covered by it, so they share its promise: the P90 misses
  // exactly the waiting lines of lines 0 and 1, whatever their number.
  EXPECT_GT(a.json["p90_kept"].get<double>(), 0.0);
  EXPECT_LT(a.json["p90_kept"].get<double>(), 1.0);
  EXPECT_NE(a.out.find("Promise basis: purchase_order " + std::to_string(n) + "\n"), std::string::npos) << a.out;
}

TEST_F(EvalPromisesTest, ClosedWeekendsMoveTheShipmentAndTheNaivePromiseAlike) {
  // Ordered Monday 2007-03-05, scheduled and delivered Saturday 2007-03-17.
  const Date ordered = Date::FromYmd(2007, 3, 5), saturday = Date::FromYmd(2007, 3, 17);
  ASSERT_EQ(saturday.weekday(), 5);
  const std::string path = Write("weekend.csv", Row(1, "Weekend Ltd", "Air", Mdy(ordered), saturday, saturday, 1));
  auto options = Options(path);
  options.open_weekends = false;
  Ran r = Eval(options);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_DOUBLE_EQ(r.json["naive"]["kept"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(r.json["p90_kept"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(r.json["mean_promise_days"].get<double>(), 14.0);  // Monday the 19th
  options.handling_days = 1;
  r = Eval(options);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_DOUBLE_EQ(r.json["mean_promise_days"].get<double>(), 15.0);  // Tuesday the 20th
  EXPECT_DOUBLE_EQ(r.json["naive"]["kept"].get<double>(), 1.0);
  options.handling_days = 0;
  options.open_weekends = true;
  r = Eval(options);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_DOUBLE_EQ(r.json["mean_promise_days"].get<double>(), 12.0);
}

TEST_F(EvalPromisesTest, LinesWithoutAPoDateAreHistoryOrPromisedAsOfTheirScheduledDate) {
  // Two on-time deliveries from a distribution centre, without PO dates.
  std::string rows = LateVendorRows();
  rows += Row(1, "SCMS from RDC", "N/A", "N/A - From RDC", kD0.PlusDays(5), kD0.PlusDays(5), 1);
  rows += Row(2, "SCMS from RDC", "N/A", "Date Not Captured", kD0.PlusDays(9), kD0.PlusDays(8), 1);
  auto options = Options(Write("undated.csv", rows));
  Ran r = Eval(options);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.json["n"], kLateLines);
  EXPECT_NE(r.out.find("2 PO lines without a PO date: not promised"), std::string::npos) << r.out;
  options.undated = "scheduled";
  r = Eval(options);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.json["n"], kLateLines + 2);
  // Both arrive on or before their scheduled date, promised as of that date (0 days).
  EXPECT_DOUBLE_EQ(r.json["naive"]["kept"].get<double>(), 2.0 / 12);
  EXPECT_DOUBLE_EQ(r.json["naive"]["mean_promise_days"].get<double>(), 10.0 * 20 / 12);
  EXPECT_DOUBLE_EQ(r.json["p90_kept"].get<double>(), 10.0 / 12);
}

TEST_F(EvalPromisesTest, RefusesBadInputClearly) {
  auto options = Options(dir_.File("missing.csv"));
  Ran r = Eval(options);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot open"), std::string::npos) << r.err;

  std::ofstream(dir_.File("no_vendor.csv")) << "ID,PO Sent to Vendor Date,Scheduled Delivery Date,"
                                               "Delivered to Client Date\n1,3/1/07,02-Jun-07,02-Jun-07\n";
  options.scms_path = dir_.File("no_vendor.csv");
  r = Eval(options);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no column \"Vendor\""), std::string::npos) << r.err;

  options.scms_path = Write("undated_only.csv", Row(1, "X", "Air", "Date Not Captured", kD0, kD0, 1));
  r = Eval(options);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--undated scheduled"), std::string::npos) << r.err;

  options.scms_path = Write("late.csv", LateVendorRows());
  options.undated = "sometimes";
  EXPECT_EQ(Eval(options).code, 2);
  options.undated = "skip";
  options.handling_days = -1;
  EXPECT_EQ(Eval(options).code, 2);
}

// The real binary: the subcommand is registered, and the summary is its last line.
struct Process {
  int code = -1;
  std::string out;
};

Process RunBinary(const std::string& args) {
  Process p;
  const std::string cmd = std::string(BELOFTE_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return p;
  char buffer[4096];
  size_t got = 0;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) p.out.append(buffer, got);
  const int status = pclose(pipe);
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return p;
}

TEST_F(EvalPromisesTest, TheBinaryPrintsTheSummaryLast) {
  const std::string path = Write("late.csv", LateVendorRows());
  const Process p = RunBinary("eval promises --scms " + path + " --json --open-weekends");
  ASSERT_EQ(p.code, 0) << p.out;
  const nlohmann::json j = LastLine(p.out);
  EXPECT_EQ(j["n"], kLateLines);
  EXPECT_DOUBLE_EQ(j["p90_kept"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(j["naive"]["kept"].get<double>(), 0.0);

  std::ofstream(dir_.File("no_dates.csv")) << "Vendor,Scheduled Delivery Date\nX,02-Jun-07\n";
  const Process bad = RunBinary("eval promises --scms " + dir_.File("no_dates.csv") + " --json");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.out.find("no column \"Delivered to Client Date\""), std::string::npos) << bad.out;
  EXPECT_NE(RunBinary("eval promises --scms " + path + " --undated never").code, 0);
}

}  // namespace
}  // namespace belofte
