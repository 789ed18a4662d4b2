#include "domain/time.h"

#include <cstdio>

namespace belofte {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
constexpr int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t y;
  unsigned m;
  unsigned d;
};

constexpr Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at text[pos...]; advances pos.
bool Digits(std::string_view text, size_t& pos, size_t n, int64_t& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Parses "YYYY-MM-DD" at pos; validates the calendar.
bool ParseYmd(std::string_view text, size_t& pos, int64_t& days) {
  int64_t y, m, d;
  if (!Digits(text, pos, 4, y) || !Expect(text, pos, '-') || !Digits(text, pos, 2, m) ||
      !Expect(text, pos, '-') || !Digits(text, pos, 2, d)) {
    return false;
  }
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  if (d > DaysInMonth(y, static_cast<unsigned>(m))) return false;
  days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

constexpr int64_t kMicrosPerDay = 86'400'000'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Writes `value` as exactly `width` decimal digits, zero-padded. REQUIRES: it fits.
void PutDigits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// "YYYY-MM-DD" into out[0..10). REQUIRES: 0 <= year <= 9999.
void PutYmd(char* out, const Civil& c) {
  PutDigits(out, static_cast<unsigned>(c.y), 4);
  out[4] = '-';
  PutDigits(out + 5, c.m, 2);
  out[7] = '-';
  PutDigits(out + 8, c.d, 2);
}

// Years outside 0000-9999 (never parsed, but representable) keep the printf forms: a sign, or
// more than four digits. ToString takes these only for them.
std::string FormatYmdSlow(const Civil& c) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

std::string FormatInstantSlow(const Civil& c, int64_t micros_of_day) {
  const int64_t secs = micros_of_day / 1'000'000, frac = micros_of_day % 1'000'000;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(c.y), c.m, c.d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  std::string out = buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
  return out + "Z";
}

}  // namespace

Date Instant::date() const { return Date::FromDays(static_cast<int32_t>(FloorDiv(micros_, kMicrosPerDay))); }

std::string Instant::ToString() const {
  int64_t days = FloorDiv(micros_, kMicrosPerDay);
  int64_t rem = micros_ - days * kMicrosPerDay;
  Civil c = CivilFromDays(days);
  if (c.y < 0 || c.y > 9999) return FormatInstantSlow(c, rem);
  const auto secs = static_cast<unsigned>(rem / 1'000'000);
  const auto frac = static_cast<unsigned>(rem % 1'000'000);
  char buf[27];  // "YYYY-MM-DDTHH:MM:SS.ffffffZ"
  PutYmd(buf, c);
  buf[10] = 'T';
  PutDigits(buf + 11, secs / 3600, 2);
  buf[13] = ':';
  PutDigits(buf + 14, secs / 60 % 60, 2);
  buf[16] = ':';
  PutDigits(buf + 17, secs % 60, 2);
  size_t n = 19;
  if (frac != 0) {
    buf[n++] = '.';
    PutDigits(buf + n, frac, 6);
    n += 6;
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

std::optional<Instant> Instant::Parse(std::string_view text) {
  size_t pos = 0;
  int64_t days;
  if (!ParseYmd(text, pos, days)) return std::nullopt;
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) return std::nullopt;
  ++pos;
  int64_t hh, mm, ss;
  if (!Digits(text, pos, 2, hh) || !Expect(text, pos, ':') || !Digits(text, pos, 2, mm) ||
      !Expect(text, pos, ':') || !Digits(text, pos, 2, ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  if (ss == 60) ss = 59;  // leap second: clamp rather than reject
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t n = 0;
    int64_t scale = 100'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (n < 6) micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++n;
    }
    if (n == 0 || n > 9) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (pos >= text.size()) return std::nullopt;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int64_t oh, om;
    if (!Digits(text, pos, 2, oh) || !Expect(text, pos, ':') || !Digits(text, pos, 2, om)) return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  int64_t seconds = days * 86'400 + hh * 3600 + mm * 60 + ss - offset_seconds;
  return Instant::FromMicros(seconds * 1'000'000 + micros);
}

Date Date::FromYmd(int year, int month, int day) {
  return Date(static_cast<int32_t>(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))));
}

int Date::weekday() const {
  // 1970-01-01 was a Thursday (3 when Monday = 0).
  int64_t w = (int64_t{days_} + 3) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

std::string Date::ToString() const {
  Civil c = CivilFromDays(days_);
  if (c.y < 0 || c.y > 9999) return FormatYmdSlow(c);
  char buf[10];
  PutYmd(buf, c);
  return std::string(buf, sizeof buf);
}

std::optional<Date> Date::Parse(std::string_view text) {
  size_t pos = 0;
  int64_t days;
  if (!ParseYmd(text, pos, days) || pos != text.size()) return std::nullopt;
  return Date(static_cast<int32_t>(days));
}

}  // namespace belofte
