// location.h — a stock location (magazijn). `main` exists in every shop from the start.
// Thread safety: value types.
#pragma once

#include <string>

#include "domain/order.h"

namespace belofte {

constexpr char kMainLocation[] = "main";

struct Location {
  LocationIndex index = 0;
  std::string code;
  std::string name;
  bool operator==(const Location&) const = default;
};

}  // namespace belofte
