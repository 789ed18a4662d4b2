// scms_csv.h — synthetic delivery histories for the eval tests, written by the tests themselves.
//
// The header holds only the columns the reader looks up by name (src/cli/delivery_history.cc)
// plus two it ignores, in an order of our own: the reader finds columns by their names, so a file
// of the same format with more columns in another order reads the same. No row, header or value
// of the real data file is copied here.
#pragma once

#include <string>

#include "domain/time.h"

namespace belofte::testing {

inline constexpr const char* kScmsHeader =
    "ID,Vendor,Shipment Mode,PO Sent to Vendor Date,Scheduled Delivery Date,Delivered to Client Date,"
    "Item Description,Line Item Quantity";

// One row. `vendor` and `description` are written as given (quote them for commas or newlines);
// dates are the file's text forms ("02-Jun-06", "3/1/07", "Date Not Captured", ...).
struct ScmsRow {
  int id = 0;
  std::string vendor;
  std::string mode = "Air";
  std::string po_sent;
  std::string scheduled;
  std::string delivered;
  std::string description = "Widget";
  int quantity = 25;
};

inline std::string ScmsLine(const ScmsRow& r, const char* eol = "\n") {
  return std::to_string(r.id) + "," + r.vendor + "," + r.mode + "," + r.po_sent + "," + r.scheduled + "," +
         r.delivered + "," + r.description + "," + std::to_string(r.quantity) + eol;
}

// "02-Jun-06" (the delivery columns' form).
inline std::string Dmy(Date d) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string iso = d.ToString();  // YYYY-MM-DD
  return iso.substr(8, 2) + "-" + kMonths[std::stoi(iso.substr(5, 2)) - 1] + "-" + iso.substr(2, 2);
}

}  // namespace belofte::testing
