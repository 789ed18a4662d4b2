// auth.h — bearer tokens: making them, hashing them, and deciding what a request may do.
//
// API tokens are "blft_" + 43 characters of URL-safe base64 (256 random bits); customer status
// tokens are 22 characters (128 random bits). Only SHA-256 hashes are stored. The Authenticator
// checks a request's token against BELOFTE_ADMIN_TOKEN (held hashed in memory) and the token
// store, caching answers for a few seconds so a revocation takes effect quickly without a
// database read per request.
// Thread safety: free functions are thread-safe; Authenticator is thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/token_store.h"
#include "common/result.h"

namespace belofte::api {

inline constexpr std::string_view kScopes[] = {"admin", "orders:write", "stock:write", "read"};

std::string NewApiToken();     // blft_ + 256 random bits, URL-safe base64 without padding
std::string NewStatusToken();  // 128 random bits, URL-safe base64 without padding
std::string Sha256Hex(std::string_view text);

// Parses "a,b,c"; every scope must be one of kScopes.
Result<std::vector<std::string>> ParseScopes(std::string_view text);

struct Principal {
  std::string name;
  std::vector<std::string> scopes;
  bool Allows(std::string_view scope) const;  // admin allows everything; any scope allows read
};

class Authenticator {
 public:
  // `admin_token` (may be empty) is accepted with scope admin; `tokens` may be null.
  Authenticator(std::string admin_token, app::TokenStore* tokens);

  // The principal of an `Authorization` header value, or an Error kUnauthorized.
  Result<Principal> Authenticate(std::string_view authorization_header);

 private:
  struct Cached {
    std::optional<Principal> principal;
    std::chrono::steady_clock::time_point until;
  };
  std::string admin_hash_;
  app::TokenStore* tokens_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // GUARDED_BY(mu_): sha256 -> answer
};

}  // namespace belofte::api
