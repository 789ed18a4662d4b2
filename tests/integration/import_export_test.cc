// `belofte import` / `belofte export` (CSV) against real SQLite files: valid files of each kind,
// files with bad rows (reported by line, nothing of them stored), bad headers (exit 2, nothing
// stored), RFC 4180 quoting, export → import round trips, and the real binary's exit codes and
// its refusal while another writer holds the store.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "app/shop_writer.h"
#include "cli/cli.h"
#include "cli/import_export.h"
#include "engine/engine.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace belofte {
namespace {

using engine::Engine;

struct Ran {
  int code = -1;
  std::string out, err;
};

class ImportExportTest : public ::testing::Test {
 protected:
  std::string Db(const std::string& name = "shop.db") { return dir_.File(name); }

  // A store with the products the files refer to.
  void Seed(const std::string& db) {
    auto store = store::SqliteStore::Open(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    Engine engine;
    ASSERT_TRUE((*store)->Load(engine).ok());
    app::ShopWriter writer(engine, **store);
    for (const char* sku : {"KM-HAND-01", "BN-ETH-1KG", "FLT-V60-02"}) {
      Product p;
      p.sku = sku;
      p.name = std::string("Product ") + sku;
      p.price = Money(1000, "EUR");
      p.cost = Money(500, "EUR");
      auto r = writer.Execute(engine::UpsertProduct{p, *Instant::Parse("2026-11-23T08:00:00Z")});
      ASSERT_TRUE(r.ok()) << r.error().message;
    }
    writer.Stop();
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  Ran Import(const std::string& kind, const std::string& file, const std::string& db) {
    std::ostringstream out, err;
    int code = cli::Import(kind, file, db, out, err);
    return Ran{code, out.str(), err.str()};
  }

  Ran Export(const std::string& kind, const std::string& db) {
    std::ostringstream out, err;
    int code = cli::Export(kind, db, out, err);
    return Ran{code, out.str(), err.str()};
  }

  // The shop in the store, loaded read-only.
  void Load(const std::string& db, Engine& engine) {
    auto store = store::SqliteStore::Open(db, store::SqliteStore::Access::kReadOnly);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->Load(engine).ok());
  }

  testing::TempDir dir_;
};

constexpr const char* kSuppliers =
    "\xEF\xBB\xBF"
    "code,name,email,lead_time_days,min_order_value,currency\r\n"
    "bonenbrander,\"De Bonenbrander, \"\"vers\"\" gebrand\",inkoop@bonen.example,5,250.00,EUR\r\n"
    "hario-eu,Hario Europe,,21,,\r\n"
    "\n"
    "molenaar,\"Molenaar B.V.\",orders@molenaar.example,,99.5,USD\n";

TEST_F(ImportExportTest, ImportsSuppliersWithQuotedFields) {
  Seed(Db());
  Ran r = Import("suppliers", Write("s.csv", kSuppliers), Db());
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "3 accepted, 0 rejected\n");
  Engine e;
  Load(Db(), e);
  const auto& s = e.state().suppliers;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.at("bonenbrander").supplier.name, "De Bonenbrander, \"vers\" gebrand");
  EXPECT_EQ(s.at("bonenbrander").supplier.lead_time_days, 5);
  EXPECT_EQ(s.at("bonenbrander").supplier.min_order_value, Money(25000, "EUR"));
  EXPECT_EQ(s.at("hario-eu").supplier.email, "");
  EXPECT_FALSE(s.at("hario-eu").supplier.min_order_value.has_value());
  EXPECT_EQ(s.at("molenaar").supplier.name, "Molenaar B.V.");
  EXPECT_EQ(s.at("molenaar").supplier.lead_time_days, 14);  // the default
  EXPECT_EQ(s.at("molenaar").supplier.min_order_value, Money(9950, "USD"));

  Ran x = Export("suppliers", Db());
  EXPECT_EQ(x.code, 0);
  EXPECT_EQ(x.out,
            "code,name,email,lead_time_days,min_order_value,currency\n"
            "bonenbrander,\"De Bonenbrander, \"\"vers\"\" gebrand\",inkoop@bonen.example,5,250.00,EUR\n"
            "hario-eu,Hario Europe,,21,,\n"
            "molenaar,Molenaar B.V.,orders@molenaar.example,14,99.50,USD\n");
}

constexpr const char* kTerms =
    "sku,supplier,cost,moq,pack_size,lead_time_days,preferred,currency\n"  // any column order
    "KM-HAND-01,bonenbrander,41.00,2,2,,yes,EUR\n"
    "BN-ETH-1KG,bonenbrander,11.2,10,5,3,0,\n"
    "KM-HAND-01,hario-eu,39.99,1,1,30,false,EUR\n";

TEST_F(ImportExportTest, ImportsTermsAndRoundTripsIntoANewStore) {
  Seed(Db());
  ASSERT_EQ(Import("suppliers", Write("s.csv", kSuppliers), Db()).code, 0);
  Ran r = Import("supplier-terms", Write("t.csv", kTerms), Db());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "3 accepted, 0 rejected\n");
  Engine e;
  Load(Db(), e);
  const SupplierTerms& t = e.state().suppliers.at("bonenbrander").terms.at("BN-ETH-1KG");
  EXPECT_EQ(t.cost, Money(1120, "EUR"));
  EXPECT_EQ(t.moq, Quantity(10));
  EXPECT_EQ(t.pack_size, Quantity(5));
  EXPECT_EQ(t.lead_time_days, 3);
  EXPECT_FALSE(t.preferred);
  EXPECT_TRUE(e.state().suppliers.at("bonenbrander").terms.at("KM-HAND-01").preferred);
  EXPECT_FALSE(e.state().suppliers.at("hario-eu").terms.at("KM-HAND-01").lead_time_days == std::nullopt);

  // export → import into a new store → export: the same files, the same state.
  Ran suppliers = Export("suppliers", Db());
  Ran terms = Export("supplier-terms", Db());
  ASSERT_EQ(suppliers.code, 0);
  ASSERT_EQ(terms.code, 0);
  Seed(Db("copy.db"));
  EXPECT_EQ(Import("suppliers", Write("s2.csv", suppliers.out), Db("copy.db")).code, 0);
  EXPECT_EQ(Import("supplier-terms", Write("t2.csv", terms.out), Db("copy.db")).code, 0);
  EXPECT_EQ(Export("suppliers", Db("copy.db")).out, suppliers.out);
  EXPECT_EQ(Export("supplier-terms", Db("copy.db")).out, terms.out);
  Engine copy;
  Load(Db("copy.db"), copy);
  for (const auto& [code, s] : e.state().suppliers) {
    EXPECT_EQ(copy.state().suppliers.at(code).supplier, s.supplier);
    EXPECT_EQ(copy.state().suppliers.at(code).terms, s.terms);
  }
}

TEST_F(ImportExportTest, ImportsPurchaseOrdersGroupedByReference) {
  Seed(Db());
  ASSERT_EQ(Import("suppliers", Write("s.csv", kSuppliers), Db()).code, 0);
  Ran r = Import("purchase-orders",
                 Write("po.csv",
                       "reference,supplier,sku,quantity,expected_date,status\n"
                       "PO-1,bonenbrander,KM-HAND-01,4,2026-12-01,confirmed\n"
                       "PO-2,hario-eu,FLT-V60-02,12,,sent\n"
                       "PO-1,bonenbrander,BN-ETH-1KG,20,2026-12-03,confirmed\n"  // not next to its group
                       "PO-3,molenaar,BN-ETH-1KG,1,2027-01-15,\n"),
                 Db());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "4 accepted, 0 rejected\n");
  Engine e;
  Load(Db(), e);
  const auto& pos = e.state().purchase_orders;
  ASSERT_EQ(pos.size(), 3u);
  const PurchaseOrder& po1 = pos.at(1);
  EXPECT_EQ(po1.supplier, "bonenbrander");
  EXPECT_EQ(po1.status, PurchaseOrderStatus::kConfirmed);
  ASSERT_EQ(po1.lines.size(), 2u);
  EXPECT_EQ(po1.FindLine("KM-HAND-01")->expected_date, *Date::Parse("2026-12-01"));
  EXPECT_EQ(po1.FindLine("BN-ETH-1KG")->quantity, Quantity(20));
  EXPECT_EQ(po1.FindLine("BN-ETH-1KG")->expected_date, *Date::Parse("2026-12-03"));
  EXPECT_EQ(pos.at(2).status, PurchaseOrderStatus::kSent);
  EXPECT_EQ(pos.at(3).status, PurchaseOrderStatus::kDraft);

  Ran x = Export("purchase-orders", Db());
  EXPECT_EQ(x.code, 0);
  std::istringstream lines(x.out);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  EXPECT_EQ(header, "reference,supplier,sku,quantity,expected_date,status");
  EXPECT_EQ(first, "1,bonenbrander,KM-HAND-01,4,2026-12-01,confirmed");
  // Exported purchase orders import again (as new purchase orders with the same lines).
  Seed(Db("copy.db"));
  ASSERT_EQ(Import("suppliers", Write("s2.csv", Export("suppliers", Db()).out), Db("copy.db")).code, 0);
  EXPECT_EQ(Import("purchase-orders", Write("po2.csv", x.out), Db("copy.db")).out, "4 accepted, 0 rejected\n");
  EXPECT_EQ(Export("purchase-orders", Db("copy.db")).out, x.out);
}

TEST_F(ImportExportTest, BadRowsAreReportedByLineAndLeaveNothing) {
  Seed(Db());
  Ran s = Import("suppliers",
                 Write("s.csv",
                       "code,name,lead_time_days,min_order_value\n"
                       "good-one,Good One,3,10\n"
                       "bad-money,Bad Money,3,12.955\n"
                       "bad-lead,Bad Lead,soon,\n"
                       "Bad Code,Bad Code,,\n"
                       "short,Short\n"
                       "nl,\"Two\nlines\",,\n"  // a quoted line break: one row over lines 7-8
                       "after-nl,After,,\n"),
                 Db());
  EXPECT_EQ(s.code, 1);
  EXPECT_NE(s.out.find("2 accepted, 5 rejected\n"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("line 3: invalid_money: "), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("line 4: invalid_lead_time: "), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("line 5: invalid_code: "), std::string::npos) << s.out;  // the engine's check
  EXPECT_NE(s.out.find("line 6: wrong_field_count: "), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("line 7: invalid_name: "), std::string::npos) << s.out;  // no control characters

  Ran t = Import("supplier-terms",
                 Write("t.csv",
                       "supplier,sku,cost\n"
                       "good-one,KM-HAND-01,41.00\n"
                       "nobody,KM-HAND-01,41.00\n"
                       "good-one,NO-SUCH-SKU,1.00\n"
                       "good-one,BN-ETH-1KG,12,95\n"),
                 Db());
  EXPECT_EQ(t.code, 1);
  EXPECT_NE(t.out.find("1 accepted, 3 rejected\n"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("line 3: unknown_supplier: "), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("line 4: unknown_sku: "), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("line 5: wrong_field_count: "), std::string::npos) << t.out;

  Ran p = Import("purchase-orders",
                 Write("po.csv",
                       "reference,supplier,sku,quantity,expected_date,status\n"
                       "A,good-one,KM-HAND-01,5,2026-12-01,sent\n"
                       "B,good-one,KM-HAND-01,-3,,\n"
                       "C,good-one,KM-HAND-01,2,,confirmed\n"
                       "C,good-one,NO-SUCH-SKU,1,2026-12-02,confirmed\n"
                       "D,good-one,BN-ETH-1KG,1,2026-02-30,\n"
                       "E,nobody,BN-ETH-1KG,1,,\n"
                       "F,good-one,FLT-V60-02,1,2026-12-05,confirmed\n"
                       "F,good-one,BN-ETH-1KG,2,2026-12-06,confirmed\n"
                       "F,good-one,KM-HAND-01,2,2026-12-07,confirmed\n"
                       "G,good-one,FLT-V60-02,1,,\n"
                       "G,good-one,BN-ETH-1KG,x,,\n"),
                 Db());
  EXPECT_EQ(p.code, 1);
  EXPECT_NE(p.out.find("4 accepted, 7 rejected\n"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("line 3: invalid_quantity: "), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("line 4: missing_field: "), std::string::npos) << p.out;  // confirmed without a date
  EXPECT_NE(p.out.find("line 5: purchase_order_rejected: "), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("line 6: invalid_date: "), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("line 7: unknown_supplier: "), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("line 11: purchase_order_rejected: "), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("line 12: invalid_quantity: "), std::string::npos) << p.out;

  // A group the engine refuses (an unknown SKU on its second line) leaves nothing either.
  Ran q = Import("purchase-orders",
                 Write("po2.csv",
                       "reference,supplier,sku,quantity,expected_date,status\n"
                       "H,good-one,KM-HAND-01,2,2026-12-01,confirmed\n"
                       "H,good-one,NO-SUCH-SKU,1,2026-12-02,confirmed\n"),
                 Db());
  EXPECT_EQ(q.code, 1);
  EXPECT_EQ(q.out,
            "0 accepted, 2 rejected\n"
            "line 2: purchase_order_rejected: purchase order 'H' was not imported because line 3 was rejected\n"
            "line 3: unknown_sku: No product with SKU 'NO-SUCH-SKU'.\n");

  Engine e;
  Load(Db(), e);
  ASSERT_EQ(e.state().suppliers.size(), 2u);  // good-one, after-nl
  const auto& good = e.state().suppliers.at("good-one");
  EXPECT_EQ(good.terms.size(), 1u);
  ASSERT_EQ(e.state().purchase_orders.size(), 2u);  // A and F
  EXPECT_EQ(e.state().purchase_orders.at(1).lines.size(), 1u);
  EXPECT_EQ(e.state().purchase_orders.at(1).status, PurchaseOrderStatus::kSent);
  EXPECT_EQ(e.state().purchase_orders.at(2).lines.size(), 3u);
  EXPECT_EQ(e.state().purchase_orders.at(2).status, PurchaseOrderStatus::kConfirmed);
}

TEST_F(ImportExportTest, ListsAtMostFiftyRejections) {
  Seed(Db());
  std::string text = "code,name,min_order_value\n";
  for (int i = 0; i < 60; ++i) text += "s" + std::to_string(i) + ",S,bad\n";
  Ran r = Import("suppliers", Write("s.csv", text), Db());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("0 accepted, 60 rejected\n"), std::string::npos);
  EXPECT_NE(r.out.find("line 51: invalid_money"), std::string::npos);
  EXPECT_EQ(r.out.find("line 52: "), std::string::npos);
  EXPECT_NE(r.out.find("... and 10 more\n"), std::string::npos);
}

TEST_F(ImportExportTest, BadHeaderOrMalformedFileImportsNothing) {
  Seed(Db());
  Ran unknown = Import("suppliers", Write("u.csv", "code,name,phone\nok,Ok,123\n"), Db());
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown column 'phone'"), std::string::npos) << unknown.err;
  Ran missing = Import("supplier-terms", Write("m.csv", "supplier,sku\nx,KM-HAND-01\n"), Db());
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("required column 'cost' is missing"), std::string::npos) << missing.err;
  Ran twice = Import("suppliers", Write("t.csv", "code,name,name\nok,Ok,Ok\n"), Db());
  EXPECT_EQ(twice.code, 2);
  Ran malformed = Import("suppliers", Write("q.csv", "code,name\nok,Ok\nbad,\"never closed\n"), Db());
  EXPECT_EQ(malformed.code, 2);
  EXPECT_NE(malformed.err.find("line 3"), std::string::npos) << malformed.err;
  Ran empty = Import("suppliers", Write("e.csv", ""), Db());
  EXPECT_EQ(empty.code, 2);
  Ran absent = Import("suppliers", dir_.File("absent.csv"), Db());
  EXPECT_EQ(absent.code, 2);
  Engine e;
  Load(Db(), e);
  EXPECT_TRUE(e.state().suppliers.empty());
}

TEST(CsvTest, ParsesAndQuotesRfc4180) {
  auto r = cli::ParseCsv("a,\"b,\"\"c\"\"\",\r\n\"x\ny\",z,\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].fields, (std::vector<std::string>{"a", "b,\"c\"", ""}));
  EXPECT_EQ((*r)[1].line, 2);
  EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"x\ny", "z", ""}));
  EXPECT_FALSE(cli::ParseCsv("a,b\"c\n").ok());
  EXPECT_FALSE(cli::ParseCsv("\"a\"b\n").ok());
  EXPECT_EQ(cli::CsvField("plain"), "plain");
  EXPECT_EQ(cli::CsvField("a,\"b\""), "\"a,\"\"b\"\"\"");
}

Ran Binary(const std::string& args) {
  std::string cmd = std::string(BELOFTE_BINARY) + " " + args;
  Ran r;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST_F(ImportExportTest, BinaryImportsExportsAndRefusesWhileAnotherWriterHoldsTheStore) {
  Seed(Db());
  std::string file = Write("s.csv", "code,name\nacme,Acme\n");
  Ran ok = Binary("import suppliers " + file + " --db " + Db() + " 2>&1");
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_EQ(ok.out, "1 accepted, 0 rejected\n");  // stderr is not a terminal: no progress bar
  Ran x = Binary("export suppliers --db " + Db());
  EXPECT_EQ(x.code, 0);
  EXPECT_EQ(x.out, "code,name,email,lead_time_days,min_order_value,currency\nacme,Acme,,14,,\n");
  Ran kind = Binary("export customers --db " + Db() + " 2>&1");
  EXPECT_NE(kind.code, 0);

  auto writer = store::SqliteStore::Open(Db());  // as a running server would
  ASSERT_TRUE(writer.ok());
  Ran locked = Binary("import suppliers " + file + " --db " + Db() + " 2>&1");
  EXPECT_EQ(locked.code, 2);
  EXPECT_NE(locked.out.find("Stop the server"), std::string::npos) << locked.out;
  Ran exported = Binary("export suppliers --db " + Db());  // export only reads
  EXPECT_EQ(exported.code, 0);
}

}  // namespace
}  // namespace belofte
