// scms_csv.h — synthetic delivery histories for the eval tests, written by the tests themselves.
//
// The header is built from the reader's own column names (cli::scms_columns) plus two columns of
// our own that it ignores ("Row", "Note"), in an order of our own: the reader finds columns by
// name, so this proves it also skips unknown columns and does not depend on their order. Nothing
// of the evaluation data is held here.
#pragma once

#include <string>

#include "cli/delivery_history.h"
#include "domain/time.h"

namespace belofte::testing {

inline std::string ScmsHeader() {
  using namespace cli::scms_columns;
  std::string header = "Row";
  for (std::string_view column : {kVendor, kShipmentMode, kPoSent, kScheduled, kDelivered}) {
    (header += ',') += column;
  }
  return (header += ",Note,") += kQuantity;
}

// One row. `vendor` and `note` are written as given (quote them for commas or newlines);
// dates are the file's text forms ("02-Jun-06", "3/1/07", "Date Not Captured", ...).
struct ScmsRow {
  int id = 0;
  std::string vendor;
  std::string mode = "Air";
  std::string po_sent;
  std::string scheduled;
  std::string delivered;
  std::string note = "Widget";
  int quantity = 25;
};

inline std::string ScmsLine(const ScmsRow& r, const char* eol = "\n") {
  return std::to_string(r.id) + "," + r.vendor + "," + r.mode + "," + r.po_sent + "," + r.scheduled + "," +
         r.delivered + "," + r.note + "," + std::to_string(r.quantity) + eol;
}

// "02-Jun-06" (the delivery columns' form).
inline std::string Dmy(Date d) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string iso = d.ToString();  // YYYY-MM-DD
  return iso.substr(8, 2) + "-" + kMonths[std::stoi(iso.substr(5, 2)) - 1] + "-" + iso.substr(2, 2);
}

}  // namespace belofte::testing
