#include "api/json_reader.h"

#include <algorithm>

#include "domain/quantity.h"

namespace belofte::api {

namespace {

constexpr int kMaxDepth = 32;

const char* TypeName(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "object";
    case nlohmann::json::value_t::array: return "array";
    case nlohmann::json::value_t::string: return "string";
    case nlohmann::json::value_t::boolean: return "boolean";
    case nlohmann::json::value_t::number_float: return "number with a fraction";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "integer";
    default: return "value";
  }
}

Error WrongType(const std::string& field, const char* expected, const nlohmann::json& got) {
  return Error::Invalid("wrong_type", "'" + field + "' must be " + expected + ", not " + TypeName(got) + ".", field)
      .With("expected", expected);
}

}  // namespace

Result<nlohmann::json> ParseBody(std::string_view body) {
  int depth = 0;
  bool too_deep = false;
  auto limit = [&](int d, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) {
      depth = d;
      if (d > kMaxDepth) too_deep = true;
    }
    return !too_deep;
  };
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), limit, /*allow_exceptions=*/false);
  if (too_deep) return Error::Invalid("malformed_json", "The request body nests deeper than 32 levels.");
  if (j.is_discarded()) return Error::Invalid("malformed_json", "The request body is not valid JSON.");
  if (!j.is_object()) return WrongType("(body)", "a JSON object", j);
  (void)depth;
  return j;
}

JsonReader::JsonReader(const nlohmann::json& object, std::string path, std::optional<Error>* error)
    : object_(object), path_(std::move(path)), error_(error) {}

std::string JsonReader::PathOf(const char* name) const { return path_.empty() ? name : path_ + "." + name; }

void JsonReader::Fail(Error e) {
  if (!error_->has_value()) *error_ = std::move(e);
}

bool JsonReader::Has(const char* name) const {
  auto it = object_.find(name);
  return it != object_.end() && !it->is_null();
}

const nlohmann::json* JsonReader::Field(const char* name, bool required) {
  read_.insert(name);
  if (failed()) return nullptr;
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) Fail(Error::Invalid("missing_field", "'" + PathOf(name) + "' is required.", PathOf(name)));
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonReader::String(const char* name, bool required, size_t max_length) {
  const nlohmann::json* f = Field(name, required);
  if (!f) return std::nullopt;
  if (!f->is_string()) {
    Fail(WrongType(PathOf(name), "a string", *f));
    return std::nullopt;
  }
  const auto& s = f->get_ref<const std::string&>();
  if (s.size() > max_length) {
    Fail(Error::Invalid("too_long", "'" + PathOf(name) + "' is longer than " + std::to_string(max_length) +
                                        " characters.", PathOf(name)));
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> JsonReader::Int(const char* name, bool required) {
  const nlohmann::json* f = Field(name, required);
  if (!f) return std::nullopt;
  if (f->is_number_integer()) return f->get<int64_t>();
  if (f->is_number_unsigned() && f->get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) return f->get<int64_t>();
  Fail(WrongType(PathOf(name), "an integer", *f));
  return std::nullopt;
}

std::optional<int64_t> JsonReader::PositiveQuantity(const char* name, bool required) {
  auto v = Int(name, required);
  if (!v) return std::nullopt;
  if (*v <= 0 || *v > kMaxQuantityUnits) {
    Fail(Error::Invalid("invalid_quantity", "'" + PathOf(name) + "' must be a positive integer (at most " +
                                                std::to_string(kMaxQuantityUnits) + ").", PathOf(name))
             .With("value", std::to_string(*v)));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> JsonReader::Bool(const char* name, bool required) {
  const nlohmann::json* f = Field(name, required);
  if (!f) return std::nullopt;
  if (!f->is_boolean()) {
    Fail(WrongType(PathOf(name), "true or false", *f));
    return std::nullopt;
  }
  return f->get<bool>();
}

std::optional<int64_t> JsonReader::MoneyCents(const char* name, bool required) {
  const nlohmann::json* f = Field(name, required);
  if (!f) return std::nullopt;
  if (!f->is_string()) {
    Fail(WrongType(PathOf(name), "a decimal string such as \"12.95\"", *f));
    return std::nullopt;
  }
  auto cents = Money::ParseCents(f->get_ref<const std::string&>());
  if (!cents) {
    Fail(Error::Invalid("invalid_money", "'" + PathOf(name) + "' must be a decimal string with at most two decimals.",
                        PathOf(name))
             .With("value", f->get<std::string>().substr(0, 64)));
  }
  return cents;
}

std::optional<Instant> JsonReader::InstantField(const char* name, bool required) {
  auto s = String(name, required, 64);
  if (!s) return std::nullopt;
  auto t = Instant::Parse(*s);
  if (!t) {
    Fail(Error::Invalid("invalid_instant", "'" + PathOf(name) + "' must be an RFC 3339 instant such as "
                                           "\"2026-03-01T09:30:00Z\".", PathOf(name))
             .With("value", *s));
  }
  return t;
}

std::optional<Date> JsonReader::DateField(const char* name, bool required) {
  auto s = String(name, required, 32);
  if (!s) return std::nullopt;
  auto d = Date::Parse(*s);
  if (!d) {
    Fail(Error::Invalid("invalid_date", "'" + PathOf(name) + "' must be a date such as \"2026-03-01\".", PathOf(name))
             .With("value", *s));
  }
  return d;
}

std::optional<std::string> JsonReader::Enum(const char* name, std::initializer_list<std::string_view> allowed,
                                            bool required) {
  auto s = String(name, required, 64);
  if (!s) return std::nullopt;
  std::string list;
  for (auto a : allowed) {
    if (a == *s) return s;
    list += list.empty() ? "" : ", ";
    list += a;
  }
  Fail(Error::Invalid("invalid_value", "'" + PathOf(name) + "' must be one of: " + list + ".", PathOf(name))
           .With("value", s->substr(0, 64))
           .With("allowed", list));
  return std::nullopt;
}

bool JsonReader::Object(const char* name, const std::function<void(JsonReader&)>& read, bool required) {
  const nlohmann::json* f = Field(name, required);
  if (!f) return false;
  if (!f->is_object()) {
    Fail(WrongType(PathOf(name), "an object", *f));
    return false;
  }
  JsonReader inner(*f, PathOf(name), error_);
  read(inner);
  inner.Finish();
  return !failed();
}

std::optional<std::vector<std::string>> JsonReader::EnumArray(const char* name,
                                                             std::initializer_list<std::string_view> allowed,
                                                             bool required) {
  const nlohmann::json* f = Field(name, required);
  if (!f) return std::nullopt;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  if (!f->is_array()) {
    Fail(WrongType(PathOf(name), "an array of strings", *f));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < f->size(); ++i) {
    const std::string path = PathOf(name) + "[" + std::to_string(i) + "]";
    const nlohmann::json& item = (*f)[i];
    const bool known = item.is_string() && std::find(allowed.begin(), allowed.end(), item.get<std::string>()) != allowed.end();
    if (!known) {
      Fail(Error::Invalid("invalid_value", "'" + path + "' must be one of: " + list + ".", path));
      return std::nullopt;
    }
    if (std::find(out.begin(), out.end(), item.get<std::string>()) == out.end()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<std::vector<Date>> JsonReader::DateArray(const char* name, bool required, size_t max_items) {
  const nlohmann::json* f = Field(name, required);
  if (!f) return std::nullopt;
  if (!f->is_array()) {
    Fail(WrongType(PathOf(name), "an array of dates", *f));
    return std::nullopt;
  }
  if (f->size() > max_items) {
    Fail(Error::Invalid("too_many_items", "'" + PathOf(name) + "' holds more than " + std::to_string(max_items) +
                                              " items.", PathOf(name)));
    return std::nullopt;
  }
  std::vector<Date> out;
  for (size_t i = 0; i < f->size(); ++i) {
    const std::string path = PathOf(name) + "[" + std::to_string(i) + "]";
    const nlohmann::json& item = (*f)[i];
    std::optional<Date> d = item.is_string() ? Date::Parse(item.get<std::string>()) : std::nullopt;
    if (!d) {
      Fail(Error::Invalid("invalid_date", "'" + path + "' must be a date YYYY-MM-DD.", path));
      return std::nullopt;
    }
    out.push_back(*d);
  }
  return out;
}

bool JsonReader::Array(const char* name, const std::function<void(JsonReader&, size_t)>& read, bool required,
                       size_t max_items) {
  const nlohmann::json* f = Field(name, required);
  if (!f) return false;
  if (!f->is_array()) {
    Fail(WrongType(PathOf(name), "an array", *f));
    return false;
  }
  if (f->size() > max_items) {
    Fail(Error::Invalid("too_many_items", "'" + PathOf(name) + "' holds more than " + std::to_string(max_items) +
                                              " items.", PathOf(name)));
    return false;
  }
  for (size_t i = 0; i < f->size() && !failed(); ++i) {
    std::string path = PathOf(name) + "[" + std::to_string(i) + "]";
    const nlohmann::json& item = (*f)[i];
    if (!item.is_object()) {
      Fail(WrongType(path, "an object", item));
      break;
    }
    JsonReader inner(item, path, error_);
    read(inner, i);
    inner.Finish();
  }
  return !failed();
}

void JsonReader::Invalid(const char* name, std::string code, std::string message) {
  Fail(Error::Invalid(std::move(code), std::move(message), PathOf(name)));
}

void JsonReader::Finish() {
  if (failed()) return;
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (!read_.count(it.key())) {
      Fail(Error::Invalid("unknown_field", "'" + PathOf(it.key().c_str()) + "' is not a field of this request.",
                          PathOf(it.key().c_str())));
      return;
    }
  }
}

}  // namespace belofte::api
