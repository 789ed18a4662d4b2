// problem.h — errors as RFC 9457 problem details (application/problem+json).
//
// Every error answer carries `type` ("urn:belofte:problem:<code>"), `title`, `status`,
// `detail`, the machine `code`, the offending `field` when there is one, `shortages` when
// stock is short, and the error's further data as string members.
// Thread safety: pure functions.
#pragma once

#include <string>

#include "common/result.h"

namespace belofte::api {

int HttpStatus(ErrorKind kind);
// The reason phrase of an HTTP status ("Not Found").
const char* ReasonPhrase(int status);
// The HTTP status of an error answer (its kind's, or 405/415/503 for those transport codes).
int StatusOf(const Error& error);
std::string ProblemJson(const Error& error);

inline constexpr char kProblemContentType[] = "application/problem+json";
inline constexpr char kJsonContentType[] = "application/json";

}  // namespace belofte::api
