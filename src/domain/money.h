// money.h — Money: an amount in minor units (cents) with an ISO 4217 currency.
//
// Money is never a float. On the wire it is a decimal string ("12.95") with a currency
// ("EUR" by default). Amounts are kept with two decimals (cents); more decimals are rejected
// rather than rounded so a price is never silently changed. Thread safety: a value type.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace belofte {

class Money {
 public:
  Money() = default;
  Money(int64_t cents, std::string currency) : cents_(cents), currency_(std::move(currency)) {}

  int64_t cents() const { return cents_; }
  const std::string& currency() const { return currency_; }

  // "12.95" (always two decimals, "-" for negative amounts).
  std::string ToDecimalString() const;

  // Parses a decimal string with at most two decimals: "12", "12.9", "12.95", "-3.50".
  // Returns nullopt for anything else ("1e3", "12,95", "", "12.955", " 1").
  static std::optional<int64_t> ParseCents(std::string_view text);

  // True for three upper-case ASCII letters.
  static bool ValidCurrency(std::string_view code);

  bool operator==(const Money&) const = default;

 private:
  int64_t cents_ = 0;
  std::string currency_ = "EUR";
};

}  // namespace belofte
