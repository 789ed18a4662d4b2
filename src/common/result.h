// result.h — Result<T>: a value or an Error, the way expected failures travel in belofte.
//
// Expected failures (bad input, a conflict with the shop's state, an unknown resource) are
// values, never exceptions; exceptions are for bugs and the unrecoverable (see STYLE.md).
// An Error carries a machine code, a human message, the offending field and structured data
// (for example the shortages of an order) so every adapter can render it without guessing.
//
// Thread safety: value types; no shared state.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace belofte {

// What kind of failure: adapters map it (HTTP: 400, 404, 409, 422, 413, 401, 403, 500).
enum class ErrorKind { kInvalid, kNotFound, kConflict, kUnprocessable, kTooLarge, kUnauthorized, kForbidden, kInternal };

// One unit of structured error data: "sku A1: requested 3, available 1".
struct Shortage {
  std::string sku;
  int64_t requested = 0;
  int64_t available = 0;
  bool operator==(const Shortage&) const = default;
};

struct Error {
  ErrorKind kind = ErrorKind::kInvalid;
  std::string code;     // machine-readable, snake_case: "insufficient_stock"
  std::string message;  // one English sentence for humans
  std::string field;    // the offending field ("lines[1].quantity"), empty if none
  std::vector<Shortage> shortages;
  std::vector<std::pair<std::string, std::string>> data;  // further key/value facts

  static Error Invalid(std::string code, std::string message, std::string field = {}) {
    return Error{ErrorKind::kInvalid, std::move(code), std::move(message), std::move(field), {}, {}};
  }
  static Error NotFound(std::string code, std::string message, std::string field = {}) {
    return Error{ErrorKind::kNotFound, std::move(code), std::move(message), std::move(field), {}, {}};
  }
  static Error Conflict(std::string code, std::string message, std::string field = {}) {
    return Error{ErrorKind::kConflict, std::move(code), std::move(message), std::move(field), {}, {}};
  }
  static Error Internal(std::string message) {
    return Error{ErrorKind::kInternal, "internal", std::move(message), {}, {}, {}};
  }
  Error&& With(std::string key, std::string value) && {
    data.emplace_back(std::move(key), std::move(value));
    return std::move(*this);
  }
};

// Result<T>: holds a T or an Error. Result<void> holds nothing or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}             // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}         // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

  // REQUIRES: !ok()
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(!ok()); return *error_; }
  Error&& take_error() { assert(!ok()); return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status Ok() { return {}; }

}  // namespace belofte

// Propagates an error from an expression returning Result/Status.
#define BELOFTE_RETURN_IF_ERROR(expr)                \
  do {                                               \
    auto belofte_status_ = (expr);                   \
    if (!belofte_status_.ok()) return belofte_status_.take_error(); \
  } while (0)
