// The `belofte` binary end to end: version, init, demo, check — and check must fail, with a
// report naming the invariant, when the store is tampered with.
#include <sqlite3.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "support/temp_dir.h"

namespace belofte {
namespace {

struct Ran {
  int code = -1;
  std::string output;
};

Ran Belofte(const std::string& args) {
  Ran r;
  std::string cmd = std::string(BELOFTE_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) r.output += buf;
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void Sql(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
}

TEST(Cli, PrintsItsVersion) {
  Ran r = Belofte("version");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("belofte "), std::string::npos);
}

TEST(Cli, InitCreatesAStoreThatChecksClean) {
  testing::TempDir dir;
  std::string db = dir.File("new.db");
  EXPECT_EQ(Belofte("init --db " + db).code, 0);
  Ran check = Belofte("check --db " + db);
  EXPECT_EQ(check.code, 0) << check.output;
}

TEST(Cli, TheDemoRunsTheStoryAndLeavesAStoreThatChecksClean) {
  testing::TempDir dir;
  std::string db = dir.File("demo.db");
  Ran demo = Belofte("demo --db " + db);
  ASSERT_EQ(demo.code, 0) << demo.output;
  // The story a shop owner should see: a rejected deny order with its shortage, a receipt
  // that fills the queue in priority order, and the orders' states at the end of the day.
  EXPECT_NE(demo.output.find("REJECTED (insufficient_stock)"), std::string::npos);
  EXPECT_NE(demo.output.find("MLK-KAN-06: requested 6, available 5"), std::string::npos);
  EXPECT_NE(demo.output.find("filled 1 unit(s) of KM-HAND-01 for webshop/1003"), std::string::npos);
  EXPECT_NE(demo.output.find("REJECTED (ship_complete_waiting)"), std::string::npos);
  EXPECT_NE(demo.output.find("webshop/1004   [backordered]"), std::string::npos);
  // The gift set is a bundle: its order line ships whole sets, its stock is derived.
  EXPECT_NE(demo.output.find("webshop/1005   [shipped] 2×CADEAU-01 shipped 2"), std::string::npos);
  EXPECT_NE(demo.output.find("(bundle: derived)"), std::string::npos);
  Ran check = Belofte("check --db " + db);
  EXPECT_EQ(check.code, 0) << check.output;
  EXPECT_NE(check.output.find("every invariant holds"), std::string::npos);
  // A second demo into the same store is refused: it never mixes into a live shop.
  EXPECT_EQ(Belofte("demo --db " + db).code, 1);
}

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("demo.db");
    ASSERT_EQ(Belofte("demo --db " + db_).code, 0);
  }
  Ran Check() { return Belofte("check --db " + db_); }
  testing::TempDir dir_;
  std::string db_;
};

TEST_F(TamperTest, OnHandThatDisagreesWithTheLedgerFails) {
  Sql(db_, "UPDATE stock_levels SET on_hand = on_hand + 1 WHERE sku = 'BN-ETH-1KG' AND location = 'main'");
  Ran r = Check();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("invariant 1: on_hand equals the sum of the ledger"), std::string::npos) << r.output;
}

TEST_F(TamperTest, BackordersUnderDenyFail) {
  Sql(db_, "UPDATE products SET backorder_policy = 'deny' WHERE sku = 'ESP-DUO'");
  Ran r = Check();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("invariant 3"), std::string::npos) << r.output;
}

TEST_F(TamperTest, AllocationBeyondOnHandFails) {
  Sql(db_, "UPDATE stock_levels SET allocated = on_hand + 5 WHERE sku = 'FLT-V60-02'");
  Ran r = Check();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("allocated <= on_hand"), std::string::npos) << r.output;
}

TEST_F(TamperTest, RowsThatDisagreeWithTheEventLogFail) {
  Sql(db_, "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events WHERE type = 'line_shipped')");
  Ran r = Check();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("event log"), std::string::npos) << r.output;
}

TEST_F(TamperTest, FreeStockWhileAQueueWaitsFails) {
  Sql(db_, "INSERT INTO stock_movements(id, sku, location, kind, quantity, reason, reference, at, event_seq) "
           "VALUES (9999, 'ESP-DUO', 'main', 'adjustment', 1, 'sneaky', '', '2026-11-23T17:00:00Z', 0);"
           "INSERT INTO stock_levels(sku, location, on_hand, allocated) VALUES ('ESP-DUO', 'main', 1, 0) "
           "ON CONFLICT DO UPDATE SET on_hand = 1");
  Ran r = Check();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("invariant 4"), std::string::npos) << r.output;
}

TEST(Cli, ServeRefusesABadSmtpSettingOrTemplateDirectoryBeforeServing) {
  testing::TempDir dir;
  const std::string db = dir.File("shop.db");
  Ran bad_url = Belofte("serve --db " + db + " --listen 127.0.0.1:1 --smtp-url ftp://mail.example.nl --mail-from shop@example.nl");
  EXPECT_EQ(bad_url.code, 2) << bad_url.output;
  EXPECT_NE(bad_url.output.find("smtp"), std::string::npos) << bad_url.output;
  Ran bad_from = Belofte("serve --db " + db + " --listen 127.0.0.1:1 --smtp-url smtp://127.0.0.1:2525 --mail-from 'not an address'");
  EXPECT_EQ(bad_from.code, 2) << bad_from.output;
  // An override named for no template (a typo) is refused at start, not when a customer waits.
  const std::string templates = dir.File("templates");
  std::filesystem::create_directory(templates);
  std::FILE* f = std::fopen((templates + "/backorderd.nl.subject.mustache").c_str(), "w");
  std::fputs("Typo", f);
  std::fclose(f);
  Ran bad_template = Belofte("serve --db " + db + " --listen 127.0.0.1:1 --smtp-url smtp://127.0.0.1:2525 " +
                             "--mail-from shop@example.nl --templates " + templates);
  EXPECT_EQ(bad_template.code, 2) << bad_template.output;
  EXPECT_NE(bad_template.output.find("backorderd"), std::string::npos) << bad_template.output;
}

TEST(Cli, CheckOnAMissingStoreFails) {
  testing::TempDir dir;
  EXPECT_NE(Belofte("check --db " + dir.File("nope.db")).code, 0);
}

}  // namespace
}  // namespace belofte
