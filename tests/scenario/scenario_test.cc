// scenario_test.cc — one GoogleTest case per `.scn` file under BELOFTE_SCENARIO_DIR, plus tests
// of the runner itself (a wrong expectation fails, parse errors carry their line).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "scenario/scenario_runner.h"

namespace belofte::scenario {
namespace {

namespace fs = std::filesystem;

using ::testing::HasSubstr;

// Paths of the scenario files relative to `dir` (default BELOFTE_SCENARIO_DIR), sorted.
std::vector<std::string> FindScenarioFiles(const char* dir = BELOFTE_SCENARIO_DIR) {
  std::vector<std::string> files;
  const fs::path root(dir);
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(root, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".scn") {
      files.push_back(fs::relative(it->path(), root).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// "priority/paid_first.scn" -> "priority_paid_first".
std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).replace_extension().generic_string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class ScenarioTest : public ::testing::TestWithParam<std::string> {};
// An empty cases/ folder is reported by ScenarioFilesTest.AreFound instead.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ScenarioTest);

TEST_P(ScenarioTest, Passes) {
  const std::string path = (fs::path(BELOFTE_SCENARIO_DIR) / GetParam()).string();
  for (const Failure& failure : RunScenarioFile(path)) {
    ADD_FAILURE_AT(failure.file.c_str(), failure.line) << failure.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ScenarioTest, ::testing::ValuesIn(FindScenarioFiles()), TestName);

TEST(ScenarioFilesTest, AreFound) { EXPECT_GE(FindScenarioFiles().size(), 71u) << "in " << BELOFTE_SCENARIO_DIR; }

// --- The runner itself

TEST(ScenarioRunnerTest, PassesACorrectScenario) {
  const char* text =
      "product A policy=allow\n"
      "receive A 2\n"
      "order o1 paid : A*3   # two allocated, one waits\n"
      "expect line o1.1 allocated=2 backordered=1\n"
      "expect queue A o1.1=1\n";
  EXPECT_EQ(FormatFailures(RunScenario("inline.scn", text)), "");
}

TEST(ScenarioRunnerTest, ChecksPromises) {
  const char* text =
      "product A policy=allow\n"
      "order o1 : A*1                          # lead time 14 days: 01-19, + 1 working day\n"
      "expect promise o1.1 p50=2026-01-20 p90=2026-01-20 basis=lead_time po=none\n"
      "expect promise-events o1.1=given\n"
      "expect promise o1.1 p90=2026-01-21      # wrong\n"
      "settings lead=14 handling=2\n"
      "expect promise-events o1.1=changed      # wrong: one working day is a revision\n"
      "expect told o1.1 p90=2026-01-20\n";
  std::vector<Failure> failures = RunScenario("inline.scn", text);
  ASSERT_EQ(failures.size(), 2u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].line, 5);
  EXPECT_THAT(failures[0].message, HasSubstr("p90 is 2026-01-20, expected 2026-01-21"));
  EXPECT_EQ(failures[1].line, 7);
  EXPECT_THAT(failures[1].message, HasSubstr("o1.1=revised"));
}

TEST(ScenarioRunnerTest, ChecksNotices) {
  const char* text =
      "product A policy=allow\n"
      "receive A 1\n"
      "notices still_waiting_days=7\n"
      "order o1 : A*3                                  # 1 allocated, 2 wait: 01-19 -> 01-20\n"
      "expect notice o1 backordered o1.1=2 p90=2026-01-20 basis=lead_time\n"
      "expect notice o1 backordered o1.1=3             # wrong: 2 wait\n"
      "expect notice o1 ready                          # wrong: nothing ready\n"
      "ship o1\n"
      "expect notice o1 shipped o1.1=1 partial=no      # wrong: 2 still to come\n"
      "expect notices none                             # wrong: shipped\n"
      "at 2026-01-12T09:00:04Z\n"
      "timers\n"
      "expect notice o1 still_waiting o1.1=2 p90=2026-01-20\n"
      "expect notices o1 backordered,shipped           # wrong: still_waiting too\n"
      "keep-waiting o1\n"
      "expect notices none\n";
  std::vector<Failure> failures = RunScenario("inline.scn", text);
  ASSERT_EQ(failures.size(), 5u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].line, 6);
  EXPECT_THAT(failures[0].message, HasSubstr("the backordered notice for o1 differs: other lines"));
  EXPECT_THAT(failures[0].message, HasSubstr("backordered [o1.1=2 (p50=2026-01-20 p90=2026-01-20 basis=lead_time)]"));
  EXPECT_EQ(failures[1].line, 7);
  EXPECT_THAT(failures[1].message, HasSubstr("the last command queued no ready notice for o1"));
  EXPECT_EQ(failures[2].line, 9);
  EXPECT_THAT(failures[2].message, HasSubstr("partial is yes"));
  EXPECT_EQ(failures[3].line, 10);
  EXPECT_THAT(failures[3].message, HasSubstr("queued notices, expected none: o1: shipped [o1.1=1] partial=yes"));
  EXPECT_EQ(failures[4].line, 14);
  EXPECT_THAT(failures[4].message,
              HasSubstr("notices queued for o1 so far: [backordered,shipped,still_waiting], expected [backordered,shipped]"));
}

TEST(ScenarioRunnerTest, ReportsNoticeParseErrors) {
  const char* text =
      "notices enabled=backordered,shouted\n"
      "notices max_wait_action=scream\n"
      "expect notice o1 frobnicated\n"
      "expect notices o1\n"
      "timers now\n"
      "ship-policy o1 ship_whenever\n"
      "notices\n";
  std::vector<Failure> failures = RunScenario("bad.scn", text);
  ASSERT_EQ(failures.size(), 7u) << FormatFailures(failures);
  EXPECT_THAT(failures[0].message, HasSubstr("unknown notice kind 'shouted'"));
  EXPECT_THAT(failures[1].message, HasSubstr("max_wait_action= is none, offer or cancel"));
  EXPECT_THAT(failures[2].message, HasSubstr("unknown notice kind 'frobnicated'"));
  EXPECT_THAT(failures[3].message, HasSubstr("usage: expect notices"));
  EXPECT_THAT(failures[4].message, HasSubstr("usage: timers"));
  EXPECT_THAT(failures[5].message, HasSubstr("unknown ship policy 'ship_whenever'"));
  EXPECT_THAT(failures[6].message, HasSubstr("usage: notices"));
  for (size_t i = 0; i < failures.size(); ++i) EXPECT_EQ(failures[i].line, static_cast<int>(i + 1));
}

TEST(ScenarioRunnerTest, CatchesAWrongExpectation) {
  const char* text =
      "product A policy=allow\n"
      "receive A 2\n"
      "order o1 : A*3\n"
      "expect line o1.1 allocated=2 backordered=1\n"
      "expect line o1.1 allocated=3\n";  // wrong: only 2 are on hand
  std::vector<Failure> failures = RunScenario("inline.scn", text);
  ASSERT_EQ(failures.size(), 1u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].file, "inline.scn");
  EXPECT_EQ(failures[0].line, 5);
  EXPECT_THAT(failures[0].message, HasSubstr("allocated is 2, expected 3"));
  EXPECT_THAT(failures[0].ToString(), HasSubstr("inline.scn:5: "));
}

TEST(ScenarioRunnerTest, CatchesAWrongQueue) {
  const char* text =
      "product A policy=allow\n"
      "order o1 : A*1\n"
      "order o2 paid : A*1\n"
      "expect queue A o1.1=1 o2.1=1\n";  // wrong: paid goes first
  std::vector<Failure> failures = RunScenario("inline.scn", text);
  ASSERT_EQ(failures.size(), 1u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].line, 4);
  EXPECT_THAT(failures[0].message, HasSubstr("queue A is [o2.1=1 o1.1=1], expected [o1.1=1 o2.1=1]"));
}

TEST(ScenarioRunnerTest, ReportsParseErrorsWithTheirLine) {
  const char* text =
      "# a comment\n"
      "product A policy=allow\n"
      "\n"
      "frobnicate A\n"
      "receive A two\n"
      "expect line o1 allocated=1\n";
  std::vector<Failure> failures = RunScenario("bad.scn", text);
  ASSERT_EQ(failures.size(), 3u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].line, 4);
  EXPECT_THAT(failures[0].message, HasSubstr("unknown command 'frobnicate'"));
  EXPECT_EQ(failures[1].line, 5);
  EXPECT_THAT(failures[1].message, HasSubstr("must be an integer"));
  EXPECT_EQ(failures[2].line, 6);
  EXPECT_THAT(failures[2].message, HasSubstr("not a line name"));
}

TEST(ScenarioRunnerTest, ReportsUnknownOptions) {
  std::vector<Failure> failures = RunScenario("bad.scn", "product A policy=allow colour=red\n");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].line, 1);
  EXPECT_THAT(failures[0].message, HasSubstr("unknown option 'colour'"));
}

TEST(ScenarioRunnerTest, ReportsAnUnexpectedRejection) {
  const char* text =
      "product A policy=deny\n"
      "order o1 : A*1\n";
  std::vector<Failure> failures = RunScenario("inline.scn", text);
  ASSERT_EQ(failures.size(), 1u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].line, 2);
  EXPECT_THAT(failures[0].message, HasSubstr("command rejected: 'insufficient_stock'"));
  EXPECT_THAT(failures[0].message, HasSubstr("requested 1, available 0"));
}

TEST(ScenarioRunnerTest, ReportsAMissingOrWrongError) {
  const char* text =
      "product A policy=allow\n"
      "order o1 : A*1 => error insufficient_stock\n"
      "receive A 0 => error negative_stock\n";
  std::vector<Failure> failures = RunScenario("inline.scn", text);
  ASSERT_EQ(failures.size(), 2u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].line, 2);
  EXPECT_THAT(failures[0].message, HasSubstr("but it was accepted"));
  EXPECT_EQ(failures[1].line, 3);
  EXPECT_THAT(failures[1].message, HasSubstr("expected error 'negative_stock', got 'invalid_quantity'"));
}

TEST(ScenarioRunnerTest, ReportsUnknownNames) {
  const char* text =
      "product A policy=allow\n"
      "pay nobody\n";
  std::vector<Failure> failures = RunScenario("inline.scn", text);
  ASSERT_EQ(failures.size(), 1u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].line, 2);
  EXPECT_THAT(failures[0].message, HasSubstr("no order is named 'nobody'"));
}

TEST(ScenarioRunnerTest, AdvancesTheClockOneSecondPerCommand) {
  // o2 is placed one second after o1 and so waits behind it; `at` moves the clock back, so o3
  // (placed at 08:00) waits ahead of both.
  const char* text =
      "product A policy=allow\n"
      "order o1 : A*1\n"
      "order o2 : A*1\n"
      "at 2026-01-05T08:00:00Z\n"
      "order o3 : A*1\n"
      "expect queue A o3.1=1 o1.1=1 o2.1=1\n";
  EXPECT_EQ(FormatFailures(RunScenario("inline.scn", text)), "");
}

// --- Purchasing

TEST(ScenarioRunnerTest, PassesACorrectPurchasingScenario) {
  const char* text =
      "product A policy=allow\n"
      "supplier acme lead=10\n"
      "terms acme A cost=2.50 preferred\n"
      "order o1 paid : A*2\n"
      "po p1 acme : A*3\n"
      "expect po p1 status=draft A.expected=2026-01-15 A.promised=none\n"
      "send p1\n"
      "expect incoming A 3\n"
      "receive-po p1 : A*4\n"
      "expect over A=1\n"
      "expect filled o1.1=2\n"
      "expect movements A=4 kind=receipt ref=po:p1\n"
      "expect po p1 status=received A.received=4 A.arrived=2026-01-05\n"
      "expect deliveries acme 1 receipts=1\n"
      "expect delivery acme 1 delay=-10 ordered=3 received=3\n"
      "expect preferred A acme\n"
      "expect terms acme A cost=2.50 lead=none preferred=yes\n"
      "cancel-po p1 => error invalid_transition 409\n"
      "send id:7 => error unknown_purchase_order 404\n";
  EXPECT_EQ(FormatFailures(RunScenario("inline.scn", text)), "");
}

TEST(ScenarioRunnerTest, CatchesWrongPurchasingExpectations) {
  const char* text =
      "product A policy=allow\n"
      "supplier acme\n"
      "po p1 acme : A*3\n"
      "send p1\n"
      "expect po p1 status=confirmed\n"           // 5: it is sent
      "expect incoming A 2\n"                      // 6: 3
      "receive-po p1 : A*1\n"
      "expect over A=1\n"                          // 8: none
      "expect deliveries acme 1\n"                 // 9: the line is open
      "expect po p1 A.history=created:2026-01-19\n"  // 10: sent too
      "expect movements A=1 ref=po:9\n"            // 11: po:1
      "expect preferred A acme\n";                 // 12: no terms
  std::vector<Failure> failures = RunScenario("inline.scn", text);
  ASSERT_EQ(failures.size(), 7u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].line, 5);
  EXPECT_THAT(failures[0].message, HasSubstr("status is sent, expected confirmed"));
  EXPECT_EQ(failures[1].line, 6);
  EXPECT_THAT(failures[1].message, HasSubstr("incoming of A is 3, expected 2"));
  EXPECT_EQ(failures[2].line, 8);
  EXPECT_THAT(failures[2].message, HasSubstr("over-received by the last accepted command: [none], expected [A=1]"));
  EXPECT_EQ(failures[3].line, 9);
  EXPECT_THAT(failures[3].message, HasSubstr("0 deliveries kept, expected 1"));
  EXPECT_EQ(failures[4].line, 10);
  EXPECT_THAT(failures[4].message, HasSubstr("A.history is created:2026-01-19,sent:2026-01-19"));
  EXPECT_EQ(failures[5].line, 11);
  EXPECT_THAT(failures[5].message, HasSubstr("has reference 'po:1', expected 'po:9'"));
  EXPECT_EQ(failures[6].line, 12);
  EXPECT_THAT(failures[6].message, HasSubstr("suppliers preferred for A: [none], expected [acme]"));
}

TEST(ScenarioRunnerTest, ReportsPurchasingParseErrors) {
  const char* text =
      "po p1 acme A*1\n"
      "receive-po p1 A*1\n"
      "confirm p1 A@2026-13-01\n"
      "expect po p1 A.colour=1\n"
      "terms acme A favourite\n"
      "send p1 => error unknown_purchase_order 999\n"
      "expect delivery acme 0 delay=1\n";
  std::vector<Failure> failures = RunScenario("bad.scn", text);
  ASSERT_EQ(failures.size(), 7u) << FormatFailures(failures);
  EXPECT_THAT(failures[0].message, HasSubstr("usage: po <name> <supplier> :"));
  EXPECT_THAT(failures[1].message, HasSubstr("usage: receive-po <po>"));
  EXPECT_THAT(failures[2].message, HasSubstr("must be a date YYYY-MM-DD"));
  EXPECT_THAT(failures[3].message, HasSubstr("unknown purchase order line field 'colour'"));
  EXPECT_THAT(failures[4].message, HasSubstr("unknown terms flag 'favourite'"));
  EXPECT_THAT(failures[5].message, HasSubstr("is not the status of an error kind"));
  EXPECT_THAT(failures[6].message, HasSubstr("delivery numbers start at 1"));
  for (size_t i = 0; i < failures.size(); ++i) EXPECT_EQ(failures[i].line, static_cast<int>(i + 1));
}

TEST(ScenarioRunnerTest, ReportsUnboundPurchaseOrdersAndWrongStatuses) {
  // A rejected `po` binds no name; a wrong status is reported with the one the error had.
  const char* text =
      "product A policy=allow\n"
      "supplier acme\n"
      "po p1 acme : A*1 A*2 => error duplicate_sku\n"
      "send p1\n"
      "send id:1 => error unknown_purchase_order 409\n";
  std::vector<Failure> failures = RunScenario("inline.scn", text);
  ASSERT_EQ(failures.size(), 2u) << FormatFailures(failures);
  EXPECT_EQ(failures[0].line, 4);
  EXPECT_THAT(failures[0].message, HasSubstr("no purchase order is named 'p1'"));
  EXPECT_EQ(failures[1].line, 5);
  EXPECT_THAT(failures[1].message, HasSubstr("with status 409, got status 404"));
}

}  // namespace
}  // namespace belofte::scenario
