// import_export.h — `belofte import KIND FILE` / `belofte export KIND` (CSV) for KIND =
// suppliers, supplier-terms, purchase-orders. Formats and behaviour: docs/import-export.md.
//
// The CSV reader here is a small RFC 4180 parser that keeps the line number on which each
// record starts, so rejected rows can be reported by line.
// Thread safety: plain functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace belofte::cli {

// The kinds import and export accept.
const std::vector<std::string>& ImportExportKinds();

struct CsvRecord {
  int64_t line = 0;  // 1-based line of the file on which the record starts
  std::vector<std::string> fields;
};

// Parses a whole CSV text (RFC 4180: fields separated by commas, optionally in double quotes,
// "" for a quote inside quotes; LF or CRLF line ends; a leading UTF-8 BOM is skipped). Blank
// lines are skipped. Fails on an unterminated quote or a quote inside an unquoted field.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text);

// One field, quoted when it holds a comma, quote, CR or LF.
std::string CsvField(std::string_view value);

}  // namespace belofte::cli
