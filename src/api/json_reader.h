// json_reader.h — JsonReader: strict, field-by-field reading of a JSON request body.
//
// Every field a handler reads is named; anything else in the object is an error
// (`unknown_field`), as are wrong types (`wrong_type`), missing required fields
// (`missing_field`) and values outside their domain (a specific code: `invalid_quantity`,
// `invalid_money`, `invalid_instant`, `invalid_date`, `invalid_value`). The first error wins
// and names the field by its path ("lines[2].quantity"); later reads return nullopt. This is
// the layer the fuzz target drives: it must never crash, whatever the bytes.
// Thread safety: a reader belongs to one request.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>
#include <string_view>

#include "common/result.h"
#include "domain/money.h"
#include "domain/time.h"

namespace belofte::api {

// Parses a request body. Malformed JSON -> `malformed_json`; anything but an object ->
// `wrong_type`. Nesting deeper than 32 levels is refused (no stack exhaustion).
Result<nlohmann::json> ParseBody(std::string_view body);

class JsonReader {
 public:
  // REQUIRES: `object` is a JSON object that outlives the reader.
  JsonReader(const nlohmann::json& object, std::string path, std::optional<Error>* error);

  bool Has(const char* name) const;
  // Each returns the value, or nullopt when absent (or null, unless noted) or on error.
  std::optional<std::string> String(const char* name, bool required = false, size_t max_length = 500);
  std::optional<int64_t> Int(const char* name, bool required = false);
  // A positive integer up to kMaxQuantityUnits (`invalid_quantity` otherwise).
  std::optional<int64_t> PositiveQuantity(const char* name, bool required = false);
  std::optional<bool> Bool(const char* name, bool required = false);
  // A decimal string with at most two decimals ("12.95"); `invalid_money` otherwise.
  std::optional<int64_t> MoneyCents(const char* name, bool required = false);
  std::optional<Instant> InstantField(const char* name, bool required = false);
  std::optional<Date> DateField(const char* name, bool required = false);
  // One of `allowed`; `invalid_value` (with the allowed values) otherwise.
  std::optional<std::string> Enum(const char* name, std::initializer_list<std::string_view> allowed,
                                  bool required = false);
  // A nested object: `read` runs with a reader for it.
  bool Object(const char* name, const std::function<void(JsonReader&)>& read, bool required = false);
  // An array of objects: `read` runs for each element with its index.
  bool Array(const char* name, const std::function<void(JsonReader&, size_t)>& read, bool required = false,
             size_t max_items = 1000);

  // An array of dates ("YYYY-MM-DD"); `invalid_date` names the bad element.
  std::optional<std::vector<Date>> DateArray(const char* name, bool required = false, size_t max_items = 1000);

  // An array of values each one of `allowed` (no duplicates kept); `invalid_value` names the bad element.
  std::optional<std::vector<std::string>> EnumArray(const char* name, std::initializer_list<std::string_view> allowed,
                                                    bool required = false);

  // Fails on `name` with a specific code, for checks beyond the reader's own.
  void Invalid(const char* name, std::string code, std::string message);

  // Fails with `unknown_field` when the object holds a field no one read. Call last.
  void Finish();

  bool failed() const { return error_->has_value(); }

 private:
  const nlohmann::json* Field(const char* name, bool required);
  void Fail(Error e);
  std::string PathOf(const char* name) const;

  const nlohmann::json& object_;
  std::string path_;
  std::optional<Error>* error_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace belofte::api
