// token_store.h — TokenStore: the port for the HTTP API's bearer tokens.
//
// Tokens are never stored, only their SHA-256; a token shown once at creation cannot be
// recovered, only revoked. Scopes: admin, orders:write, stock:write, read.
// Thread safety: implementations are safe to call from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace belofte::app {

struct ApiToken {
  int64_t id = 0;
  std::string name;
  std::vector<std::string> scopes;
  std::string created_at;
  bool revoked = false;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual Result<ApiToken> CreateToken(const std::string& name, const std::vector<std::string>& scopes,
                                       const std::string& sha256_hex, const std::string& created_at) = 0;
  virtual Result<std::optional<ApiToken>> FindToken(const std::string& sha256_hex) = 0;
  virtual Status RevokeToken(int64_t id, const std::string& revoked_at) = 0;
  virtual Result<std::vector<ApiToken>> ListTokens() = 0;
};

}  // namespace belofte::app
