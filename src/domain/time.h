// time.h — Instant (a point in time, UTC, microseconds) and Date (a calendar day).
//
// The core never reads a clock: every command carries its Instant. These are plain values
// with parsing and formatting of the wire forms, RFC 3339 instants ("2026-03-01T09:30:00Z",
// offsets and fractions accepted) and ISO dates ("2026-03-01"). Thread safety: value types.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace belofte {

class Date;

class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant FromMicros(int64_t micros) { return Instant(micros); }
  static constexpr Instant FromSeconds(int64_t seconds) { return Instant(seconds * 1'000'000); }

  constexpr int64_t micros() const { return micros_; }
  Date date() const;  // the UTC calendar day

  constexpr Instant PlusSeconds(int64_t s) const { return Instant(micros_ + s * 1'000'000); }
  constexpr Instant PlusDays(int64_t d) const { return PlusSeconds(d * 86'400); }

  // "2026-03-01T09:30:00Z"; with ".123456" before the Z when not on a whole second.
  std::string ToString() const;
  // RFC 3339: date, 'T' (or 't' or ' '), time, optional fraction, 'Z' or ±hh:mm.
  static std::optional<Instant> Parse(std::string_view text);

  friend constexpr auto operator<=>(Instant, Instant) = default;

 private:
  constexpr explicit Instant(int64_t micros) : micros_(micros) {}
  int64_t micros_ = 0;
};

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days_since_epoch) { return Date(days_since_epoch); }
  // REQUIRES: a valid calendar day.
  static Date FromYmd(int year, int month, int day);

  constexpr int32_t days() const { return days_; }
  constexpr Date PlusDays(int32_t d) const { return Date(days_ + d); }
  int weekday() const;  // 0 = Monday ... 6 = Sunday
  Instant start() const { return Instant::FromSeconds(int64_t{days_} * 86'400); }

  std::string ToString() const;  // "2026-03-01"
  static std::optional<Date> Parse(std::string_view text);

  friend constexpr auto operator<=>(Date, Date) = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

}  // namespace belofte
