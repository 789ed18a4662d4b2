// percent_encode.h — RFC 3986 percent-encoding of everything but the unreserved characters
// (letters, digits, - . _ ~): for a status token in a URL path, a user name in an SMTP URL.
// Base64url tokens pass unchanged. Thread safety: a pure function.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace belofte::notify {

inline std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace belofte::notify
