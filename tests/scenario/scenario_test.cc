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

// Paths of the scenario files relative to BELOFTE_SCENARIO_DIR, sorted.
std::vector<std::string> FindScenarioFiles() {
  std::vector<std::string> files;
  const fs::path root(BELOFTE_SCENARIO_DIR);
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

TEST(ScenarioFilesTest, AreFound) { EXPECT_GE(FindScenarioFiles().size(), 36u) << "in " << BELOFTE_SCENARIO_DIR; }

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

}  // namespace
}  // namespace belofte::scenario
