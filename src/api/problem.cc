#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace belofte::api {

int HttpStatus(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid: return 400;
    case ErrorKind::kUnauthorized: return 401;
    case ErrorKind::kForbidden: return 403;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kTooLarge: return 413;
    case ErrorKind::kUnprocessable: return 422;
    case ErrorKind::kInternal: return 500;
  }
  return 500;
}

namespace {

}  // namespace

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
  }
}

int StatusOf(const Error& e) {
  if (e.code == "method_not_allowed") return 405;
  if (e.code == "shutting_down") return 503;
  if (e.code == "unsupported_media_type") return 415;
  return HttpStatus(e.kind);
}

std::string ProblemJson(const Error& e) {
  int status = StatusOf(e);
  nlohmann::json j{{"type", "urn:belofte:problem:" + e.code},
                   {"title", ReasonPhrase(status)},
                   {"status", status},
                   {"detail", e.message},
                   {"code", e.code}};
  if (!e.field.empty()) j["field"] = e.field;
  if (!e.shortages.empty()) {
    nlohmann::json s = nlohmann::json::array();
    for (const auto& x : e.shortages) s.push_back({{"sku", x.sku}, {"requested", x.requested}, {"available", x.available}});
    j["shortages"] = s;
  }
  for (const auto& [k, v] : e.data) {
    if (!j.contains(k)) j[k] = v;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace belofte::api
