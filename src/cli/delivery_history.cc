#include "cli/delivery_history.h"

#include <csv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>

namespace belofte::cli {

namespace {

using namespace scms_columns;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr size_t kChunkBytes = 1 << 16;
constexpr int kPivotYear = 70;  // two-digit years below it are 20yy, from it 19yy

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits "a<sep>b<sep>c" into exactly three parts.
bool Split3(std::string_view s, char sep, std::array<std::string_view, 3>& parts) {
  const size_t a = s.find(sep);
  if (a == std::string_view::npos) return false;
  const size_t b = s.find(sep, a + 1);
  if (b == std::string_view::npos || s.find(sep, b + 1) != std::string_view::npos) return false;
  parts = {s.substr(0, a), s.substr(a + 1, b - a - 1), s.substr(b + 1)};
  return true;
}

// An unsigned number of min_digits..max_digits digits.
std::optional<int> Number(std::string_view s, size_t min_digits, size_t max_digits) {
  if (s.size() < min_digits || s.size() > max_digits) return std::nullopt;
  int value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// A year of two digits (pivoted) or four.
std::optional<int> Year(std::string_view s) {
  auto y = Number(s, 2, 4);
  if (!y || s.size() == 3) return std::nullopt;
  if (s.size() == 2) return *y < kPivotYear ? 2000 + *y : 1900 + *y;
  return y;
}

std::optional<int> Month(std::string_view s) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() != 3) return std::nullopt;
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int m = 0; m < 12; ++m) {
    if (lower == kMonths[m]) return m + 1;
  }
  return std::nullopt;
}

// Validates the calendar through Date::Parse.
std::optional<Date> Ymd(std::optional<int> y, std::optional<int> m, std::optional<int> d) {
  if (!y || !m || !d || *y < 1970 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", *y, *m, *d);
  return Date::Parse(iso);
}

// Why a date field did not parse: its text when it is a label (no digit), else "unparseable".
std::string WhyNotADate(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return "empty";
  if (std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return "unparseable";
  return std::string(text);
}

std::optional<int64_t> Quantity(std::string_view text) {
  text = Trim(text);
  int64_t q = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), q);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return q;
}

// libcsv calls back per field and per end of row; this collects rows and turns them into
// deliveries as they complete, so the file is never held in memory.
class Reader {
 public:
  Reader() { csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI); }
  ~Reader() { csv_free(&parser_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  Result<ScmsHistory> Read(std::istream& in) {
    std::vector<char> buffer(kChunkBytes);
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const size_t got = static_cast<size_t>(in.gcount());
      if (got == 0) break;
      if (csv_parse(&parser_, buffer.data(), got, &Reader::OnField, &Reader::OnRow, this) != got) return CsvError();
      if (error_) return *error_;
    }
    if (in.bad()) return Error::Invalid("scms_unreadable", "could not read the SCMS file");
    if (csv_fini(&parser_, &Reader::OnField, &Reader::OnRow, this) != 0) return CsvError();
    if (error_) return *error_;
    if (!header_done_) return Error::Invalid("scms_empty", "the SCMS file has no header row");
    return std::move(history_);
  }

 private:
  static void OnField(void* data, size_t length, void* self) {
    auto& fields = static_cast<Reader*>(self)->fields_;
    if (length == 0) {
      fields.emplace_back();
    } else {
      fields.emplace_back(static_cast<const char*>(data), length);
    }
  }
  static void OnRow(int /*terminator*/, void* self) {
    auto* reader = static_cast<Reader*>(self);
    if (!reader->error_) reader->Row();
    reader->fields_.clear();
  }

  Error CsvError() {
    return Error::Invalid("scms_malformed", "the SCMS file is not valid CSV after data row " +
                                                std::to_string(history_.rows) + ": " +
                                                csv_strerror(csv_error(&parser_)));
  }

  void Row() {
    if (!header_done_) {
      Header();
      return;
    }
    ++history_.rows;
    if (fields_.size() != header_size_) {
      Skip("wrong number of fields");
      return;
    }
    ScmsDelivery d;
    d.row = history_.rows;
    d.vendor = std::string(Trim(fields_[vendor_]));
    if (d.vendor.empty()) {
      Skip(std::string(kVendor) + ": empty");
      return;
    }
    const auto scheduled = ParseScmsDate(fields_[scheduled_]);
    if (!scheduled) {
      Skip(std::string(kScheduled) + ": " + WhyNotADate(fields_[scheduled_]));
      return;
    }
    const auto delivered = ParseScmsDate(fields_[delivered_]);
    if (!delivered) {
      Skip(std::string(kDelivered) + ": " + WhyNotADate(fields_[delivered_]));
      return;
    }
    d.observation.promised = *scheduled;
    d.observation.arrived = *delivered;
    if (po_sent_) {
      d.observation.ordered = ParseScmsDate(fields_[*po_sent_]);
      if (!d.observation.ordered) ++history_.missing_po_dates[WhyNotADate(fields_[*po_sent_])];
    } else {
      ++history_.missing_po_dates["no column " + std::string(kPoSent)];
    }
    if (quantity_) {
      const auto q = Quantity(fields_[*quantity_]);
      if (!q) ++history_.unparseable_quantities;
      d.observation.ordered_quantity = d.observation.received_quantity = q.value_or(0);
    }
    if (shipment_mode_) d.shipment_mode = std::string(Trim(fields_[*shipment_mode_]));
    history_.deliveries.push_back(std::move(d));
  }

  void Skip(const std::string& why) { ++history_.skipped_rows[why]; }

  void Header() {
    header_done_ = true;
    header_size_ = fields_.size();
    if (!fields_.empty() && fields_[0].starts_with(kUtf8Bom)) fields_[0].erase(0, kUtf8Bom.size());
    auto find = [this](std::string_view name) -> std::optional<size_t> {
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (Trim(fields_[i]) == name) return i;
      }
      return std::nullopt;
    };
    const auto vendor = find(kVendor), scheduled = find(kScheduled), delivered = find(kDelivered);
    const std::pair<std::optional<size_t>, std::string_view> required[] = {
        {vendor, kVendor}, {scheduled, kScheduled}, {delivered, kDelivered}};
    for (const auto& [column, name] : required) {
      if (!column) {
        error_ = Error::Invalid("scms_missing_column", "the SCMS file has no column \"" + std::string(name) + "\"");
        return;
      }
    }
    vendor_ = *vendor;
    scheduled_ = *scheduled;
    delivered_ = *delivered;
    po_sent_ = find(kPoSent);
    quantity_ = find(kQuantity);
    shipment_mode_ = find(kShipmentMode);
  }

  csv_parser parser_{};
  std::vector<std::string> fields_;
  bool header_done_ = false;
  size_t header_size_ = 0;
  size_t vendor_ = 0, scheduled_ = 0, delivered_ = 0;
  std::optional<size_t> po_sent_, quantity_, shipment_mode_;
  std::optional<Error> error_;
  ScmsHistory history_;
};

}  // namespace

std::optional<Date> ParseScmsDate(std::string_view text) {
  text = Trim(text);
  std::array<std::string_view, 3> p;
  if (Split3(text, '-', p)) {
    if (p[0].size() == 4) {
      // Scrambled m/d/yy shown as YYYY-MM-DD: 2000 + month, day, two-digit year.
      const int month = Number(p[0], 4, 4).value_or(0) - 2000;  // out of range fails in Ymd
      return p[2].size() == 2 ? Ymd(Year(p[2]), month, Number(p[1], 2, 2)) : std::nullopt;
    }
    return Ymd(Year(p[2]), Month(p[1]), Number(p[0], 1, 2));  // dd-Mon-yy
  }
  if (Split3(text, '/', p)) return Ymd(Year(p[2]), Number(p[0], 1, 2), Number(p[1], 1, 2));  // m/d/yy
  return std::nullopt;
}

Result<ScmsHistory> ReadScmsHistory(std::istream& in) { return Reader().Read(in); }

Result<ScmsHistory> ReadScmsHistory(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("scms_not_found", "cannot open " + path);
  return ReadScmsHistory(in);
}

}  // namespace belofte::cli
