// delivery_history.h — reads the SCMS delivery history (USAID "Supply Chain Shipment Pricing Data", see
// ../shared/data/README.md) into delivery observations, for `belofte eval supplier-reliability` and `eval promises`.
//
// The CSV (RFC 4180, parsed by libcsv) is streamed; columns are found by their header names, so
// their order may differ and other columns are ignored. Required: `Vendor`,
// `Scheduled Delivery Date` (the promise), `Delivered to Client Date` (the arrival). Optional:
// `PO Sent to Vendor Date` (lead time), `Line Item Quantity` (ordered = received: the file has
// no partial receipts), `Shipment Mode` (a label for slicing reports; empty when absent). A row
// without a vendor, or without a usable scheduled or delivered date, is skipped and counted under
// its reason; a missing PO date keeps the row without a lead time and is counted under its text
// ("Date Not Captured", "N/A - From RDC", …).
// Thread safety: plain functions and values.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/time.h"
#include "planning/reliability.h"

namespace belofte::cli {

// The header names the reader looks columns up by (tests write files from these, not copies).
namespace scms_columns {
inline constexpr std::string_view kVendor = "Vendor";
inline constexpr std::string_view kScheduled = "Scheduled Delivery Date";
inline constexpr std::string_view kDelivered = "Delivered to Client Date";
inline constexpr std::string_view kPoSent = "PO Sent to Vendor Date";
inline constexpr std::string_view kQuantity = "Line Item Quantity";
inline constexpr std::string_view kShipmentMode = "Shipment Mode";
}  // namespace scms_columns

// A date in one of the file's forms:
//   "02-Jun-06"  dd-Mon-yy (the delivery columns);
//   "11/13/06"   m/d/yy (PQ and PO dates);
//   "2012-01-06" an ISO-looking but scrambled m/d/yy (PQ and PO dates): true year = DD,
//                month = YYYY − 2000, day = MM, so this is 2006-12-01.
// Two-digit years 00–69 are 2000–2069, 70–99 are 1970–1999; four-digit years are taken as they
// are. Leading and trailing blanks are ignored. Anything else, or an impossible day: nullopt.
std::optional<Date> ParseScmsDate(std::string_view text);

struct ScmsDelivery {
  int64_t row = 0;  // 1-based data row (the header is row 0)
  std::string vendor;
  // "Air", "Truck", … as written (trimmed); empty without the column.
  std::string shipment_mode;
  planning::DeliveryObservation observation;  // promised = scheduled, arrived = delivered
};

struct ScmsHistory {
  std::vector<ScmsDelivery> deliveries;  // in file order
  int64_t rows = 0;                      // data rows read
  // Why rows were left out ("Scheduled Delivery Date: Date Not Captured", …) → how many.
  std::map<std::string, int64_t> skipped_rows;
  // Why a kept row has no PO date (its text, or "unparseable: <text>") → how many.
  std::map<std::string, int64_t> missing_po_dates;
  int64_t unparseable_quantities = 0;  // kept with quantity 0 (left out of the fill rate)
};

// Reads a whole history. Fails on a missing required column or malformed CSV (unbalanced quotes).
Result<ScmsHistory> ReadScmsHistory(std::istream& in);
Result<ScmsHistory> ReadScmsHistory(const std::string& path);

}  // namespace belofte::cli
