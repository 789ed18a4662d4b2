#include "domain/customer_words.h"

#include <chrono>

namespace belofte {

bool ReadsDutch(std::string_view language) {
  const auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
  return language.size() >= 2 && lower(language[0]) == 'n' && lower(language[1]) == 'l' &&
         (language.size() == 2 || language[2] == '-' || language[2] == '_');
}

std::string DateInWords(Date date, bool dutch) {
  static const char* kDaysNl[] = {"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"};
  static const char* kDaysEn[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  static const char* kMonthsNl[] = {"januari", "februari", "maart",     "april",   "mei",      "juni",
                                    "juli",    "augustus", "september", "oktober", "november", "december"};
  static const char* kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                                    "July",    "August",   "September", "October", "November", "December"};
  const std::chrono::sys_days days{std::chrono::days{date.days()}};
  const std::chrono::year_month_day ymd{days};
  const unsigned wd = std::chrono::weekday{days}.c_encoding();
  const unsigned m = static_cast<unsigned>(ymd.month());
  return std::string(dutch ? kDaysNl[wd] : kDaysEn[wd]) + " " + std::to_string(static_cast<unsigned>(ymd.day())) +
         " " + (dutch ? kMonthsNl[m - 1] : kMonthsEn[m - 1]) + " " + std::to_string(static_cast<int>(ymd.year()));
}

const char* BasisInWords(PromiseBasis basis, bool dutch) {
  switch (basis) {
    case PromiseBasis::kInStock: return dutch ? "we hebben het op voorraad" : "we have it in stock";
    case PromiseBasis::kPurchaseOrder:
      return dutch ? "we hebben het besteld bij onze leverancier; de datum volgt hun levering"
                   : "we have ordered it from our supplier; the date follows their delivery";
    case PromiseBasis::kLeadTime:
      return dutch ? "we moeten het nog bestellen; de datum gaat uit van de gebruikelijke levertijd van onze leverancier"
                   : "we still have to order it; the date is based on our supplier's usual delivery time";
    case PromiseBasis::kReleaseDate:
      return dutch ? "het product is nog niet verschenen; de datum gaat uit van de verschijningsdatum"
                   : "the product has not been released yet; the date is based on its release date";
  }
  return "";
}

}  // namespace belofte
