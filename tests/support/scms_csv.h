// scms_csv.h — writing synthetic delivery histories in the SCMS file's format for the eval tests
// (never rows of the real file): its header, and its dd-Mon-yy date form.
#pragma once

#include <string>

#include "domain/time.h"

namespace belofte::testing {

inline constexpr const char* kScmsHeader =
    "ID,Project Code,PQ #,PO / SO #,ASN/DN #,Country,Managed By,Fulfill Via,Vendor INCO Term,Shipment Mode,"
    "PQ First Sent to Client Date,PO Sent to Vendor Date,Scheduled Delivery Date,Delivered to Client Date,"
    "Delivery Recorded Date,Product Group,Sub Classification,Vendor,Item Description,Molecule/Test Type,Brand,"
    "Dosage,Dosage Form,Unit of Measure (Per Pack),Line Item Quantity,Line Item Value,Pack Price,Unit Price,"
    "Manufacturing Site,First Line Designation,Weight (Kilograms),Freight Cost (USD),Line Item Insurance (USD)";

// "02-Jun-06" (the delivery columns' form).
inline std::string Dmy(Date d) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string iso = d.ToString();  // YYYY-MM-DD
  return iso.substr(8, 2) + "-" + kMonths[std::stoi(iso.substr(5, 2)) - 1] + "-" + iso.substr(2, 2);
}

}  // namespace belofte::testing
