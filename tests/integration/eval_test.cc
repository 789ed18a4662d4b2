// `belofte eval supplier-reliability` on a small synthetic SCMS-format file that the test writes
// itself, with the real file's quirks (scrambled ISO-looking PO dates, m/d/yy, "Date Not
// Captured", quoted fields with commas, quotes and a line break, a BOM, CRLF): the JSON figures
// must equal the ones computed by hand below.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/delivery_history.h"
#include "support/scms_csv.h"
#include "support/temp_dir.h"

namespace belofte {
namespace {

using belofte::testing::Dmy;
const std::string kHeader = belofte::testing::ScmsHeader();


// One synthetic row: `scheduled` as dd-Mon-yy, delivered `delay` days later.
std::string Row(int id, const std::string& vendor_field, const std::string& po_date, const std::string& scheduled,
                const std::string& delivered) {
  belofte::testing::ScmsRow row;
  row.id = id;
  row.vendor = vendor_field;
  row.po_sent = po_date;
  row.scheduled = scheduled;
  row.delivered = delivered;
  row.note = "\"Widget, blue, 10 \"\"pack\"\"\nsecond line\"";  // quoting, as real rows need
  return belofte::testing::ScmsLine(row, "\r\n");
}

std::string Row(int id, const std::string& vendor_field, const std::string& po_date, Date scheduled, int delay) {
  return Row(id, vendor_field, po_date, Dmy(scheduled), Dmy(scheduled.PlusDays(delay)));
}

// Vendors (held-out deliveries are the last 30% by scheduled date, split floor(0.7 · n)):
//   "Acme, Ltd"   10 deliveries: fitted delays 0 0 2 0 -3 5 0, held out 1 0 6
//   Gamma Labs     4 deliveries: fitted 10 10, held out 10 0
//   Beta Pharma    1 delivery:   none fitted (the pooled estimate alone), held out 4
// plus a row without a scheduled date and a row without a vendor (both skipped).
std::string SyntheticFile() {
  const Date d0 = Date::FromYmd(2007, 3, 1);
  std::string csv = std::string("\xEF\xBB\xBF") + kHeader + "\r\n";
  const int acme[] = {0, 0, 2, 0, -3, 5, 0, 1, 0, 6};
  const char* acme_po[] = {"2001-10-07", "Date Not Captured", "1/10/07", "N/A - From RDC", "2013-01-07"};
  int id = 1;
  // Written newest first: the evaluation must sort by scheduled date itself.
  for (int i = 9; i >= 0; --i) {
    csv += Row(id++, "\"Acme, Ltd\"", acme_po[i % 5], d0.PlusDays(10 * i), acme[i]);
  }
  const int gamma[] = {10, 10, 10, 0};
  for (int i = 0; i < 4; ++i) csv += Row(id++, "Gamma Labs", "N/A - From RDC", d0.PlusDays(7 * i + 3), gamma[i]);
  csv += Row(id++, "Beta Pharma", "Date Not Captured", d0.PlusDays(400), 4);
  csv += Row(id++, "\"Acme, Ltd\"", "Date Not Captured", "Date Not Captured", Dmy(d0));
  csv += Row(id++, "\"\"", "1/10/07", Dmy(d0), Dmy(d0));
  return csv;
}

struct Ran {
  int code = -1;
  std::string out, err;
  nlohmann::json json;
};

Ran Eval(cli::EvalReliabilityOptions options) {
  std::ostringstream out, err;
  Ran r;
  r.code = cli::EvalSupplierReliability(options, out, err);
  r.out = out.str();
  r.err = err.str();
  if (options.json && r.code == 0) {
    std::string last = r.out;
    while (!last.empty() && last.back() == '\n') last.pop_back();
    last = last.substr(last.rfind('\n') == std::string::npos ? 0 : last.rfind('\n') + 1);
    r.json = nlohmann::json::parse(last);
  }
  return r;
}

class EvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("scms.csv");
    std::ofstream(path_, std::ios::binary) << SyntheticFile();
  }
  cli::EvalReliabilityOptions Options() const {
    cli::EvalReliabilityOptions o;
    o.scms_path = path_;
    o.json = true;
    return o;
  }
  testing::TempDir dir_;
  std::string path_;
};

TEST_F(EvalTest, JsonFiguresMatchTheHandComputation) {
  const Ran r = Eval(Options());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto& overall = r.json["overall"];
  // Pooled fitted delays: -3 0 0 0 0 2 5 10 10 (mean 24/9).
  // Acme, k = 5: weights -3: 1 + 5/9, 0: 4 + 20/9, 2: 1 + 5/9, 5: 1 + 5/9, 10: 10/9 of 12
  //   → CDF(0) = .648, CDF(5) = .907: P50 0, P90 5; held out 1 0 6 → 1/3 and 2/3 covered.
  // Gamma: 10: 2 + 10/9 of 7, the rest 5/9 each (0: 20/9) → CDF(2) = .476, CDF(5) = .556:
  //   P50 5, P90 10; held out 10 0 → 1/2 and 2/2.
  // Beta: the pool alone: CDF(0) = 5/9, CDF(5) = 7/9: P50 0, P90 10; held out 4 → 0 and 1.
  EXPECT_EQ(overall["n"], 6);
  EXPECT_DOUBLE_EQ(overall["p50_coverage"].get<double>(), 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(overall["p90_coverage"].get<double>(), 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(overall["mean_delay_days"].get<double>(), 21.0 / 6.0);
  EXPECT_EQ(overall["fitted"], 9);

  const auto& vendors = r.json["vendors"];
  ASSERT_EQ(vendors.size(), 3u);
  EXPECT_EQ(vendors[0]["vendor"], "Acme, Ltd");
  EXPECT_EQ(vendors[0]["history"], 7);
  EXPECT_EQ(vendors[0]["n"], 3);
  EXPECT_EQ(vendors[0]["basis"], "vendor");
  EXPECT_EQ(vendors[0]["p50_delay_days"], 0);
  EXPECT_EQ(vendors[0]["p90_delay_days"], 5);
  EXPECT_DOUBLE_EQ(vendors[0]["predicted_mean_delay_days"].get<double>(), (4.0 + 5.0 * 24.0 / 9.0) / 12.0);
  EXPECT_DOUBLE_EQ(vendors[0]["mean_delay_days"].get<double>(), 7.0 / 3.0);
  EXPECT_DOUBLE_EQ(vendors[0]["p50_coverage"].get<double>(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(vendors[0]["p90_coverage"].get<double>(), 2.0 / 3.0);
  EXPECT_EQ(vendors[1]["vendor"], "Gamma Labs");
  EXPECT_EQ(vendors[1]["p50_delay_days"], 5);
  EXPECT_EQ(vendors[1]["p90_delay_days"], 10);
  EXPECT_DOUBLE_EQ(vendors[1]["p50_coverage"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(vendors[1]["p90_coverage"].get<double>(), 1.0);
  EXPECT_EQ(vendors[2]["vendor"], "Beta Pharma");
  EXPECT_EQ(vendors[2]["history"], 0);
  EXPECT_EQ(vendors[2]["basis"], "pooled");
  EXPECT_EQ(vendors[2]["p50_delay_days"], 0);
  EXPECT_EQ(vendors[2]["p90_delay_days"], 10);

  // What was skipped, and why.
  const auto& rows = r.json["rows"];
  EXPECT_EQ(rows["read"], 17);
  EXPECT_EQ(rows["used"], 15);
  EXPECT_EQ(rows["skipped"]["Scheduled Delivery Date: Date Not Captured"], 1);
  EXPECT_EQ(rows["skipped"]["Vendor: empty"], 1);
  // Acme's PO dates cycle through five forms; "2013-01-07" is no date (month 13 of a scramble).
  EXPECT_EQ(rows["missing_po_dates"]["Date Not Captured"], 2 + 1);
  EXPECT_EQ(rows["missing_po_dates"]["N/A - From RDC"], 2 + 4);
  EXPECT_EQ(rows["missing_po_dates"]["unparseable"], 2);
}

TEST_F(EvalTest, ShrinkingTowardsOnTimeInsteadOfThePool) {
  auto options = Options();
  options.prior = "zero";
  const Ran r = Eval(options);
  ASSERT_EQ(r.code, 0) << r.err;
  // Acme: -3: 1, 0: 4 + 5, 2: 1, 5: 1 of 12 → CDF(0) = .833, CDF(2) = .917: P90 = 2.
  EXPECT_EQ(r.json["vendors"][0]["p90_delay_days"], 2);
  // Beta, with nothing fitted, is the prior: on time.
  EXPECT_EQ(r.json["vendors"][2]["basis"], "prior");
  EXPECT_EQ(r.json["vendors"][2]["p90_delay_days"], 0);
  // Acme 2/3 (1 and 0 of 1 0 6), Gamma: 10: 2, 0: 5 of 7 → P90 10, 2/2; Beta 0/1.
  EXPECT_DOUBLE_EQ(r.json["overall"]["p90_coverage"].get<double>(), 4.0 / 6.0);
}

TEST_F(EvalTest, TheAccumulatorWindowFitsOnlyTheLatestDeliveries) {
  auto options = Options();
  options.window = 1;
  options.prior_weight = 0;
  const Ran r = Eval(options);
  ASSERT_EQ(r.code, 0) << r.err;
  // Acme's last fitted delivery was on time; Gamma's 10 days late.
  EXPECT_EQ(r.json["vendors"][0]["p90_delay_days"], 0);
  EXPECT_EQ(r.json["vendors"][1]["p90_delay_days"], 10);
}

TEST_F(EvalTest, TheReportNamesTheFiguresAndTheSkippedRows) {
  auto options = Options();
  options.json = false;
  const Ran r = Eval(options);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Overall: n = 6 held-out deliveries; P50 coverage 33.3%, P90 coverage 83.3%"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("skipped      1  Scheduled Delivery Date: Date Not Captured"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Acme, Ltd"), std::string::npos);
}

TEST_F(EvalTest, RefusesBadInput) {
  auto options = Options();
  options.split = 1.0;
  EXPECT_EQ(Eval(options).code, 2);
  options = Options();
  options.scms_path = dir_.File("missing.csv");
  EXPECT_EQ(Eval(options).code, 1);
  std::ofstream(dir_.File("no_vendor.csv"))
      << "ID,Scheduled Delivery Date,Delivered to Client Date\n1,02-Jun-06,02-Jun-06\n";
  options.scms_path = dir_.File("no_vendor.csv");
  const Ran no_vendor = Eval(options);
  EXPECT_EQ(no_vendor.code, 1);
  EXPECT_NE(no_vendor.err.find("no column \"Vendor\""), std::string::npos) << no_vendor.err;
  std::ofstream(dir_.File("bad_quotes.csv")) << "Vendor,Scheduled Delivery Date,Delivered to Client Date\n"
                                                "\"A\"x,02-Jun-06,02-Jun-06\n";
  options.scms_path = dir_.File("bad_quotes.csv");
  EXPECT_EQ(Eval(options).code, 1);
}

TEST(ScmsDate, ReadsTheFilesFormsAndUnscramblesTheIsoLookingOnes) {
  EXPECT_EQ(cli::ParseScmsDate("02-Jun-06"), Date::FromYmd(2006, 6, 2));
  EXPECT_EQ(cli::ParseScmsDate(" 2-jun-06 "), Date::FromYmd(2006, 6, 2));
  EXPECT_EQ(cli::ParseScmsDate("15-Mar-1999"), Date::FromYmd(1999, 3, 15));
  EXPECT_EQ(cli::ParseScmsDate("15-Mar-99"), Date::FromYmd(1999, 3, 15));
  EXPECT_EQ(cli::ParseScmsDate("2012-01-06"), Date::FromYmd(2006, 12, 1));  // the README's example
  EXPECT_EQ(cli::ParseScmsDate("2001-10-07"), Date::FromYmd(2007, 1, 10));
  EXPECT_EQ(cli::ParseScmsDate("11/13/06"), Date::FromYmd(2006, 11, 13));
  EXPECT_EQ(cli::ParseScmsDate("1/2/13"), Date::FromYmd(2013, 1, 2));
  for (const char* bad : {"Date Not Captured", "N/A - From RDC", "Pre-PQ Process", "", "31-Feb-07", "02-Jux-06",
                          "2013-02-07x", "2013-01-32", "2000-01-07", "13/01/07", "2012-01-6", "02-Jun-6"}) {
    EXPECT_FALSE(cli::ParseScmsDate(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace belofte
