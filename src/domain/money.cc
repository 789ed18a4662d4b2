#include "domain/money.h"

#include <cstdlib>

namespace belofte {

namespace {
constexpr int64_t kMaxCents = 100'000'000'000'000;  // 10^12 currency units: far beyond any price
}

std::string Money::ToDecimalString() const {
  int64_t v = cents_;
  std::string sign;
  if (v < 0) {
    sign = "-";
    v = -v;
  }
  std::string frac = std::to_string(v % 100);
  if (frac.size() == 1) frac = "0" + frac;
  return sign + std::to_string(v / 100) + "." + frac;
}

std::optional<int64_t> Money::ParseCents(std::string_view text) {
  bool negative = false;
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  int64_t whole = 0;
  size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    whole = whole * 10 + (text[i] - '0');
    if (whole * 100 > kMaxCents) return std::nullopt;
    ++i;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  int64_t frac = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t frac_digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (++frac_digits > 2) return std::nullopt;
      frac = frac * 10 + (text[i] - '0');
      ++i;
    }
    if (frac_digits == 0) return std::nullopt;
    if (frac_digits == 1) frac *= 10;
  }
  if (i != text.size()) return std::nullopt;
  int64_t cents = whole * 100 + frac;
  return negative ? -cents : cents;
}

bool Money::ValidCurrency(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

}  // namespace belofte
