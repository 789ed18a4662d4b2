// quantity.h — Quantity: a whole number of stock units.
//
// Stock is counted, never measured: a Quantity is an integer with arithmetic and ordering,
// kept as its own type so that units are never confused with ids, prices or positions.
// Negative values are legal for deltas (a ledger movement out); the engine keeps the sign
// rules (allocated >= 0 and so on). Thread safety: a value type.
#pragma once

#include <algorithm>
#include <compare>
#include <cstdint>

namespace belofte {

class Quantity {
 public:
  constexpr Quantity() = default;
  constexpr explicit Quantity(int64_t units) : units_(units) {}

  constexpr int64_t units() const { return units_; }
  constexpr bool zero() const { return units_ == 0; }
  constexpr bool positive() const { return units_ > 0; }
  constexpr bool negative() const { return units_ < 0; }

  constexpr Quantity operator-() const { return Quantity(-units_); }
  constexpr Quantity& operator+=(Quantity o) { units_ += o.units_; return *this; }
  constexpr Quantity& operator-=(Quantity o) { units_ -= o.units_; return *this; }
  friend constexpr Quantity operator+(Quantity a, Quantity b) { return Quantity(a.units_ + b.units_); }
  friend constexpr Quantity operator-(Quantity a, Quantity b) { return Quantity(a.units_ - b.units_); }
  friend constexpr Quantity operator*(Quantity a, int64_t k) { return Quantity(a.units_ * k); }
  friend constexpr auto operator<=>(Quantity, Quantity) = default;

 private:
  int64_t units_ = 0;
};

constexpr Quantity kNoUnits{0};

constexpr Quantity Min(Quantity a, Quantity b) { return a < b ? a : b; }
constexpr Quantity Max(Quantity a, Quantity b) { return a < b ? b : a; }

// The largest quantity accepted on input: keeps every sum far from int64 overflow.
constexpr int64_t kMaxQuantityUnits = 1'000'000'000;

}  // namespace belofte
