// import_export.cc — `belofte import KIND FILE --db PATH` and `belofte export KIND --db PATH`.
//
// Import reads the whole file first (a malformed file or a bad header imports nothing, exit 2),
// then turns each row — for purchase orders each group of rows with one `reference` — into
// engine commands executed through the ShopWriter. A row's fields are checked here (required,
// numbers, money, dates, booleans) before any command runs; the engine checks the rest (known
// supplier and SKU, ranges) and rejects the command as a whole. A purchase-order group is
// checked completely (one supplier, one status, distinct SKUs, dates for a confirmation) before
// it is created, so the send and confirm that follow a successful create cannot be refused.
#include "cli/import_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <unordered_map>

#include "app/shop_writer.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "store/sqlite_store.h"

namespace belofte::cli {

const std::vector<std::string>& ImportExportKinds() {
  static const std::vector<std::string> kKinds = {"suppliers", "supplier-terms", "purchase-orders"};
  return kKinds;
}

Result<std::vector<CsvRecord>> ParseCsv(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  std::vector<CsvRecord> records;
  size_t i = 0;
  const size_t n = s.size();
  int64_t line = 1;
  while (i < n) {
    CsvRecord record;
    record.line = line;
    bool end_of_record = false;
    while (!end_of_record) {
      std::string field;
      if (i < n && s[i] == '"') {
        const int64_t opened = line;
        ++i;
        while (true) {
          if (i >= n) {
            return Error::Invalid("csv_malformed",
                                  fmt::format("line {}: a quoted field is never closed", opened));
          }
          if (s[i] == '"') {
            if (i + 1 < n && s[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (s[i] == '\n') ++line;
          field += s[i++];
        }
        if (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
          return Error::Invalid("csv_malformed", fmt::format("line {}: text after a closing quote", line));
        }
      } else {
        while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
          if (s[i] == '"') {
            return Error::Invalid("csv_malformed",
                                  fmt::format("line {}: a quote inside an unquoted field (quote the field)", line));
          }
          field += s[i++];
        }
      }
      record.fields.push_back(std::move(field));
      if (i >= n) {
        end_of_record = true;
      } else if (s[i] == ',') {
        ++i;
      } else {  // CR, LF or CRLF
        if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ++i;
        ++i;
        ++line;
        end_of_record = true;
      }
    }
    if (record.fields.size() == 1 && record.fields[0].empty()) continue;  // a blank line
    records.push_back(std::move(record));
  }
  return records;
}

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

namespace {

using namespace belofte::engine;

Instant WallClock() {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Instant::FromMicros(micros.count());
}

enum class Kind { kSuppliers, kTerms, kPurchaseOrders };

struct Format {
  std::vector<std::string> columns;   // in export order
  std::vector<std::string> required;  // must be in the header
};

const Format& FormatOf(Kind kind) {
  static const Format kSuppliers{{"code", "name", "email", "lead_time_days", "min_order_value", "currency"},
                                 {"code", "name"}};
  static const Format kTerms{
      {"supplier", "sku", "cost", "currency", "moq", "pack_size", "lead_time_days", "preferred"},
      {"supplier", "sku", "cost"}};
  static const Format kPurchaseOrders{{"reference", "supplier", "sku", "quantity", "expected_date", "status"},
                                      {"reference", "supplier", "sku", "quantity"}};
  switch (kind) {
    case Kind::kSuppliers: return kSuppliers;
    case Kind::kTerms: return kTerms;
    case Kind::kPurchaseOrders: return kPurchaseOrders;
  }
  return kSuppliers;
}

std::optional<Kind> ParseKind(std::string_view text) {
  if (text == "suppliers") return Kind::kSuppliers;
  if (text == "supplier-terms") return Kind::kTerms;
  if (text == "purchase-orders") return Kind::kPurchaseOrders;
  return std::nullopt;
}

struct Rejection {
  int64_t line = 0;
  std::string code;
  std::string message;
};

// A row-level problem found before any command runs.
struct RowError {
  std::string code;
  std::string message;
};

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// A data row with its columns by name.
class Row {
 public:
  Row(const CsvRecord& record, const std::unordered_map<std::string, size_t>& columns)
      : record_(record), columns_(columns) {}
  int64_t line() const { return record_.line; }
  std::string_view Get(const std::string& column) const {
    auto it = columns_.find(column);
    return it == columns_.end() ? std::string_view() : std::string_view(record_.fields[it->second]);
  }

 private:
  const CsvRecord& record_;
  const std::unordered_map<std::string, size_t>& columns_;
};

std::optional<RowError> Required(const Row& row, const std::string& column, std::string& into) {
  std::string_view v = row.Get(column);
  if (v.empty()) return RowError{"missing_field", column + " is required"};
  into = std::string(v);
  return std::nullopt;
}

std::optional<int64_t> Integer(std::string_view text) {
  int64_t v = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<RowError> LeadTime(const Row& row, std::optional<int32_t>& into) {
  std::string_view v = row.Get("lead_time_days");
  if (v.empty()) return std::nullopt;
  auto n = Integer(v);
  if (!n || *n < 0 || *n > kMaxLeadTimeDays) {
    return RowError{"invalid_lead_time",
                    fmt::format("lead_time_days must be a whole number of days from 0 to {}, not '{}'",
                                kMaxLeadTimeDays, v)};
  }
  into = static_cast<int32_t>(*n);
  return std::nullopt;
}

std::optional<RowError> Currency(const Row& row, std::string& into) {
  std::string_view v = row.Get("currency");
  into = v.empty() ? "EUR" : std::string(v);
  if (!Money::ValidCurrency(into)) {
    return RowError{"invalid_currency", fmt::format("currency must be three upper-case letters (EUR), not '{}'", v)};
  }
  return std::nullopt;
}

std::optional<RowError> Amount(const Row& row, const std::string& column, std::optional<int64_t>& into) {
  std::string_view v = row.Get(column);
  if (v.empty()) return std::nullopt;
  auto cents = Money::ParseCents(v);
  if (!cents || *cents < 0) {
    return RowError{"invalid_money",
                    fmt::format("{} must be a non-negative amount with at most two decimals (12.95), not '{}'", column,
                                v)};
  }
  into = *cents;
  return std::nullopt;
}

std::optional<RowError> Units(const Row& row, const std::string& column, int64_t fallback, Quantity& into) {
  std::string_view v = row.Get(column);
  if (v.empty()) {
    into = Quantity(fallback);
    return std::nullopt;
  }
  auto n = Integer(v);
  if (!n || *n <= 0) {
    return RowError{"invalid_quantity", fmt::format("{} must be a positive whole number, not '{}'", column, v)};
  }
  into = Quantity(*n);
  return std::nullopt;
}

std::optional<RowError> Boolean(const Row& row, const std::string& column, bool& into) {
  std::string lower(row.Get(column));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.empty() || lower == "false" || lower == "0" || lower == "no") {
    into = false;
  } else if (lower == "true" || lower == "1" || lower == "yes") {
    into = true;
  } else {
    return RowError{"invalid_boolean",
                    fmt::format("{} must be true/false, 1/0 or yes/no, not '{}'", column, row.Get(column))};
  }
  return std::nullopt;
}

std::optional<RowError> ParseSupplier(const Row& row, Supplier& s) {
  if (auto e = Required(row, "code", s.code)) return e;
  if (auto e = Required(row, "name", s.name)) return e;
  s.email = std::string(row.Get("email"));
  std::optional<int32_t> lead;
  if (auto e = LeadTime(row, lead)) return e;
  if (lead) s.lead_time_days = *lead;
  std::optional<int64_t> min_order;
  if (auto e = Amount(row, "min_order_value", min_order)) return e;
  std::string currency;
  if (auto e = Currency(row, currency)) return e;
  if (min_order) s.min_order_value = Money(*min_order, currency);
  return std::nullopt;
}

std::optional<RowError> ParseTerms(const Row& row, SupplierTerms& t) {
  if (auto e = Required(row, "supplier", t.supplier)) return e;
  if (auto e = Required(row, "sku", t.sku)) return e;
  std::optional<int64_t> cost;
  if (auto e = Amount(row, "cost", cost)) return e;
  if (!cost) return RowError{"missing_field", "cost is required"};
  std::string currency;
  if (auto e = Currency(row, currency)) return e;
  t.cost = Money(*cost, currency);
  if (auto e = Units(row, "moq", 1, t.moq)) return e;
  if (auto e = Units(row, "pack_size", 1, t.pack_size)) return e;
  if (auto e = LeadTime(row, t.lead_time_days)) return e;
  if (auto e = Boolean(row, "preferred", t.preferred)) return e;
  return std::nullopt;
}

struct PoRow {
  int64_t line = 0;
  std::string reference;
  std::string supplier;
  std::string sku;
  Quantity quantity;
  std::optional<Date> expected_date;
  PurchaseOrderStatus status = PurchaseOrderStatus::kDraft;
};

std::optional<RowError> ParsePoRow(const Row& row, PoRow& r) {
  r.line = row.line();
  if (auto e = Required(row, "reference", r.reference)) return e;
  if (auto e = Required(row, "supplier", r.supplier)) return e;
  if (auto e = Required(row, "sku", r.sku)) return e;
  if (row.Get("quantity").empty()) return RowError{"missing_field", "quantity is required"};
  if (auto e = Units(row, "quantity", 0, r.quantity)) return e;
  if (std::string_view d = row.Get("expected_date"); !d.empty()) {
    r.expected_date = Date::Parse(d);
    if (!r.expected_date) {
      return RowError{"invalid_date", fmt::format("expected_date must be a date YYYY-MM-DD, not '{}'", d)};
    }
  }
  if (std::string_view st = row.Get("status"); !st.empty()) {
    auto status = ParsePurchaseOrderStatus(st);
    if (!status) return RowError{"invalid_status", fmt::format("status must be draft, sent or confirmed, not '{}'", st)};
    if (*status != PurchaseOrderStatus::kDraft && *status != PurchaseOrderStatus::kSent &&
        *status != PurchaseOrderStatus::kConfirmed) {
      return RowError{"unsupported_status",
                      fmt::format("status '{}' cannot be imported; use draft, sent or confirmed", st)};
    }
    r.status = *status;
  }
  if (r.status == PurchaseOrderStatus::kConfirmed && !r.expected_date) {
    return RowError{"missing_field", "a confirmed purchase order needs the expected_date of every line"};
  }
  return std::nullopt;
}

// Draws "label [#####-----] done/total" on a terminal, at most ten times a second.
class Progress {
 public:
  Progress(std::ostream& err, bool enabled, std::string label, size_t total)
      : err_(err), enabled_(enabled && total > 0), label_(std::move(label)), total_(total) {}

  void Update(size_t done, bool force = false) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (!force && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    constexpr size_t kWidth = 30;
    const size_t filled = total_ ? done * kWidth / total_ : kWidth;
    err_ << "\r" << label_ << " [" << std::string(filled, '#') << std::string(kWidth - filled, '-') << "] " << done
         << "/" << total_ << std::flush;
  }
  void Finish() {
    if (!enabled_) return;
    Update(total_, /*force=*/true);
    err_ << "\n" << std::flush;
  }

 private:
  std::ostream& err_;
  bool enabled_;
  std::string label_;
  size_t total_;
  std::chrono::steady_clock::time_point last_;
  bool drawn_ = false;
};

// The index i of an engine error field "lines[i]..." — which line of a purchase order it names.
std::optional<size_t> LineIndex(const std::string& field) {
  if (field.rfind("lines[", 0) != 0) return std::nullopt;
  auto close = field.find(']');
  if (close == std::string::npos) return std::nullopt;
  auto n = Integer(std::string_view(field).substr(6, close - 6));
  if (!n || *n < 0) return std::nullopt;
  return static_cast<size_t>(*n);
}

class Importer {
 public:
  Importer(app::ShopWriter& writer, Progress& progress) : writer_(writer), progress_(progress) {}

  void Suppliers(const std::vector<CsvRecord>& records, const std::unordered_map<std::string, size_t>& columns) {
    for (size_t i = 1; i < records.size(); ++i) {
      Row row(records[i], columns);
      Supplier s;
      if (auto e = ParseSupplier(row, s)) {
        Reject(row.line(), e->code, e->message);
      } else {
        Run(row.line(), UpsertSupplier{std::move(s), WallClock()});
      }
      progress_.Update(++done_);
    }
  }

  void Terms(const std::vector<CsvRecord>& records, const std::unordered_map<std::string, size_t>& columns) {
    for (size_t i = 1; i < records.size(); ++i) {
      Row row(records[i], columns);
      SupplierTerms t;
      if (auto e = ParseTerms(row, t)) {
        Reject(row.line(), e->code, e->message);
      } else {
        Run(row.line(), UpsertSupplierTerms{std::move(t), WallClock()});
      }
      progress_.Update(++done_);
    }
  }

  void PurchaseOrders(const std::vector<CsvRecord>& records, const std::unordered_map<std::string, size_t>& columns) {
    // Rows by reference, in the order references first appear; a row whose reference cannot be
    // read is rejected on its own.
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::pair<PoRow, std::optional<RowError>>>> groups;
    for (size_t i = 1; i < records.size(); ++i) {
      Row row(records[i], columns);
      PoRow r;
      auto e = ParsePoRow(row, r);
      if (r.reference.empty()) {
        Reject(row.line(), e ? e->code : "missing_field", e ? e->message : "reference is required");
        progress_.Update(++done_);
        continue;
      }
      auto& group = groups[r.reference];
      if (group.empty()) order.push_back(r.reference);
      group.emplace_back(std::move(r), std::move(e));
    }
    for (const auto& reference : order) {
      const auto& group = groups[reference];
      Group(reference, group);
      done_ += group.size();
      progress_.Update(done_);
    }
  }

  int64_t accepted() const { return accepted_; }
  std::vector<Rejection>& rejections() { return rejections_; }

 private:
  void Reject(int64_t line, std::string code, std::string message) {
    rejections_.push_back(Rejection{line, std::move(code), std::move(message)});
  }

  void Run(int64_t line, Command command) {
    auto r = writer_.Execute(std::move(command));
    if (r.ok()) {
      ++accepted_;
    } else {
      Reject(line, r.error().code, r.error().message);
    }
  }

  // One purchase order: every row is accepted, or none is.
  void Group(const std::string& reference, const std::vector<std::pair<PoRow, std::optional<RowError>>>& rows) {
    // Per row: the row's own problem, if any. The other rows of a rejected group say why.
    std::vector<std::optional<RowError>> problems(rows.size());
    std::optional<RowError> group_problem;
    std::map<std::string, size_t> first_line_of_sku;
    const PoRow& first = rows.front().first;
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& [r, e] = rows[i];
      if (e) {
        problems[i] = e;
        continue;
      }
      if (r.supplier != first.supplier) {
        problems[i] = RowError{"mixed_supplier", fmt::format("purchase order '{}' has rows for supplier '{}' and '{}'",
                                                             reference, first.supplier, r.supplier)};
      } else if (r.status != first.status) {
        problems[i] = RowError{"mixed_status", fmt::format("purchase order '{}' has rows with status '{}' and '{}'",
                                                           reference, ToString(first.status), ToString(r.status))};
      } else if (auto [it, fresh] = first_line_of_sku.emplace(r.sku, r.line); !fresh) {
        problems[i] = RowError{"duplicate_sku", fmt::format("SKU '{}' is already on line {} of purchase order '{}'",
                                                            r.sku, it->second, reference)};
      }
    }
    if (std::none_of(problems.begin(), problems.end(), [](const auto& p) { return p.has_value(); })) {
      CreatePurchaseOrder create;
      create.supplier = first.supplier;
      create.at = WallClock();
      for (const auto& [r, e] : rows) create.lines.push_back(CreatePurchaseOrder::Line{r.sku, r.quantity, r.expected_date});
      auto created = writer_.Execute(create);
      if (!created.ok()) {
        const Error& err = created.error();
        auto index = LineIndex(err.field);
        if (index && *index < rows.size()) {
          problems[*index] = RowError{err.code, err.message};
        } else {
          group_problem = RowError{err.code, err.message};
        }
      } else {
        FinishGroup(reference, rows, created->purchase_order);
        return;
      }
    }
    // Rejected: nothing of it is in the store.
    std::optional<int64_t> culprit;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (problems[i] && !culprit) culprit = rows[i].first.line;
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      if (group_problem) {
        Reject(rows[i].first.line, group_problem->code, group_problem->message);
      } else if (problems[i]) {
        Reject(rows[i].first.line, problems[i]->code, problems[i]->message);
      } else {
        Reject(rows[i].first.line, "purchase_order_rejected",
               fmt::format("purchase order '{}' was not imported because line {} was rejected", reference, *culprit));
      }
    }
  }

  // Sends and confirms a created purchase order as its status asks. A fresh draft can always be
  // sent and a sent order confirmed for its own lines, so a failure here is reported, not expected.
  void FinishGroup(const std::string& reference, const std::vector<std::pair<PoRow, std::optional<RowError>>>& rows,
                   PurchaseOrderId id) {
    const PurchaseOrderStatus status = rows.front().first.status;
    std::optional<Error> failure;
    const char* step = "";
    if (status != PurchaseOrderStatus::kDraft) {
      step = "sent";
      auto sent = writer_.Execute(SendPurchaseOrder{id, WallClock()});
      if (!sent.ok()) failure = sent.error();
    }
    if (!failure && status == PurchaseOrderStatus::kConfirmed) {
      step = "confirmed";
      ConfirmPurchaseOrder confirm;
      confirm.purchase_order = id;
      confirm.at = WallClock();
      for (const auto& [r, e] : rows) confirm.lines.push_back(SkuDate{r.sku, *r.expected_date});
      auto confirmed = writer_.Execute(confirm);
      if (!confirmed.ok()) failure = confirmed.error();
    }
    for (const auto& [r, e] : rows) {
      if (failure) {
        Reject(r.line, failure->code,
               fmt::format("purchase order '{}' was created as id {} but could not be {}: {}", reference, id, step,
                           failure->message));
      } else {
        ++accepted_;
      }
    }
  }

  app::ShopWriter& writer_;
  Progress& progress_;
  size_t done_ = 0;
  int64_t accepted_ = 0;
  std::vector<Rejection> rejections_;
};

constexpr size_t kListedRejections = 50;

}  // namespace

int Import(const std::string& kind_name, const std::string& file, const std::string& db, std::ostream& out,
           std::ostream& err, bool progress) {
  auto kind = ParseKind(kind_name);
  if (!kind) {
    err << "belofte import: unknown kind '" << kind_name << "' (suppliers, supplier-terms or purchase-orders)\n";
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    err << "belofte import: cannot read " << file << "\n";
    return 2;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    err << "belofte import: cannot read " << file << "\n";
    return 2;
  }
  auto records = ParseCsv(buffer.str());
  if (!records.ok()) {
    err << "belofte import: " << file << " is not valid CSV: " << records.error().message << "; nothing imported\n";
    return 2;
  }
  if (records->empty()) {
    err << "belofte import: " << file << " is empty; it needs a header row\n";
    return 2;
  }
  // The header: known column names, each once, the required ones present.
  const Format& format = FormatOf(*kind);
  std::unordered_map<std::string, size_t> columns;
  const auto& header = records->front().fields;
  std::vector<std::string> problems;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string& name = header[i];
    if (std::find(format.columns.begin(), format.columns.end(), name) == format.columns.end()) {
      problems.push_back(fmt::format("unknown column '{}'", name));
    } else if (!columns.emplace(name, i).second) {
      problems.push_back(fmt::format("column '{}' appears twice", name));
    }
  }
  for (const auto& name : format.required) {
    if (!columns.count(name)) problems.push_back(fmt::format("required column '{}' is missing", name));
  }
  if (!problems.empty()) {
    err << "belofte import: bad header in " << file << ": ";
    for (size_t i = 0; i < problems.size(); ++i) err << (i ? "; " : "") << problems[i];
    err << fmt::format(". The columns of {} are: {}. Nothing imported.\n", kind_name, fmt::join(format.columns, ","));
    return 2;
  }

  auto store = store::SqliteStore::Open(db);
  if (!store.ok()) {
    err << "belofte import: " << store.error().message;
    if (store.error().code == "store_locked") {
      err << " Stop the server (belofte serve) first: import writes through the store's single writer.";
    }
    err << " Nothing imported.\n";
    return 2;
  }
  Engine engine;
  if (auto s = (*store)->Load(engine); !s.ok()) {
    err << "belofte import: " << s.error().message << "\n";
    return 2;
  }

  // Rows with the wrong number of fields are rejected before the rest.
  std::vector<CsvRecord> good{records->front()};
  std::vector<Rejection> bad;
  for (size_t i = 1; i < records->size(); ++i) {
    auto& record = (*records)[i];
    if (record.fields.size() != header.size()) {
      bad.push_back(Rejection{record.line, "wrong_field_count",
                              fmt::format("the row has {} fields, the header {}", record.fields.size(), header.size())});
    } else if (!std::all_of(record.fields.begin(), record.fields.end(), [](const auto& f) { return ValidUtf8(f); })) {
      bad.push_back(Rejection{record.line, "invalid_utf8", "the row is not valid UTF-8"});
    } else {
      good.push_back(std::move(record));
    }
  }

  const size_t total = records->size() - 1;
  Progress bar(err, progress, "importing " + kind_name, total);
  app::ShopWriter writer(engine, **store);
  Importer importer(writer, bar);
  bar.Update(bad.size(), true);
  switch (*kind) {
    case Kind::kSuppliers: importer.Suppliers(good, columns); break;
    case Kind::kTerms: importer.Terms(good, columns); break;
    case Kind::kPurchaseOrders: importer.PurchaseOrders(good, columns); break;
  }
  writer.Stop();
  bar.Finish();

  auto& rejections = importer.rejections();
  rejections.insert(rejections.end(), bad.begin(), bad.end());
  std::stable_sort(rejections.begin(), rejections.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  out << importer.accepted() << " accepted, " << rejections.size() << " rejected\n";
  for (size_t i = 0; i < rejections.size() && i < kListedRejections; ++i) {
    out << "line " << rejections[i].line << ": " << rejections[i].code << ": " << rejections[i].message << "\n";
  }
  if (rejections.size() > kListedRejections) out << "... and " << rejections.size() - kListedRejections << " more\n";
  return rejections.empty() ? 0 : 1;
}

int Export(const std::string& kind_name, const std::string& db, std::ostream& out, std::ostream& err) {
  auto kind = ParseKind(kind_name);
  if (!kind) {
    err << "belofte export: unknown kind '" << kind_name << "' (suppliers, supplier-terms or purchase-orders)\n";
    return 2;
  }
  auto store = store::SqliteStore::Open(db, store::SqliteStore::Access::kReadOnly);
  if (!store.ok()) {
    err << "belofte export: " << store.error().message << "\n";
    return 1;
  }
  Engine engine;
  if (auto s = (*store)->Load(engine); !s.ok()) {
    err << "belofte export: " << s.error().message << "\n";
    return 1;
  }
  const ShopState& state = engine.state();
  auto row = [&](std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (auto f : fields) {
      if (!first) out << ',';
      out << CsvField(f);
      first = false;
    }
    out << '\n';
  };
  out << fmt::format("{}\n", fmt::join(FormatOf(*kind).columns, ","));
  switch (*kind) {
    case Kind::kSuppliers:
      for (const auto& [code, s] : state.suppliers) {
        const Supplier& sup = s.supplier;
        const auto& mov = sup.min_order_value;
        row({sup.code, sup.name, sup.email, std::to_string(sup.lead_time_days), mov ? mov->ToDecimalString() : "",
             mov ? mov->currency() : ""});
      }
      break;
    case Kind::kTerms:
      for (const auto& [code, s] : state.suppliers) {
        for (const auto& [sku, t] : s.terms) {
          row({t.supplier, t.sku, t.cost.ToDecimalString(), t.cost.currency(), std::to_string(t.moq.units()),
               std::to_string(t.pack_size.units()), t.lead_time_days ? std::to_string(*t.lead_time_days) : "",
               t.preferred ? "true" : "false"});
        }
      }
      break;
    case Kind::kPurchaseOrders:
      for (const auto& [id, po] : state.purchase_orders) {
        for (const auto& l : po.lines) {
          row({std::to_string(po.id), po.supplier, l.sku, std::to_string(l.quantity.units()),
               l.expected_date.ToString(), ToString(po.status)});
        }
      }
      break;
  }
  out.flush();
  return out ? 0 : 1;
}

}  // namespace belofte::cli
