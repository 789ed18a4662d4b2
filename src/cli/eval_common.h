// eval_common.h — small helpers shared by the `belofte eval …` commands (eval.cc,
// eval_promises.cc): day differences, shares and percentages, fitting names into a column.
// Thread safety: plain functions.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "domain/time.h"
#include "planning/reliability.h"

namespace belofte::cli {

// to − from in whole days, clamped to ±planning::kMaxAbsDays so garbage dates cannot overflow.
inline int32_t DaysBetween(Date from, Date to) {
  return static_cast<int32_t>(
      std::clamp<int64_t>(int64_t{to.days()} - from.days(), -planning::kMaxAbsDays, planning::kMaxAbsDays));
}

// sum / n, 0 when n is 0.
inline double Mean(double sum, int64_t n) { return n > 0 ? sum / static_cast<double>(n) : 0.0; }
inline double Mean(int64_t sum, int64_t n) { return Mean(static_cast<double>(sum), n); }

// "80.5%".
inline std::string Percent(double share) { return fmt::format("{:.1f}%", 100.0 * share); }

// Cuts a name to `width` bytes on a UTF-8 character boundary, marking the cut with "~".
inline std::string Fit(const std::string& name, size_t width) {
  if (name.size() <= width) return name;
  size_t cut = width - 1;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + "~";
}

}  // namespace belofte::cli
