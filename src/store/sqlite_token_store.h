// sqlite_token_store.h — SqliteTokenStore: API tokens in the shop's SQLite file.
//
// Tokens are operational settings, not shop state: they are written outside the shop's event
// log and without the writer's lock, so `belofte token create` works while the server runs
// (SQLite serialises the writes). Opening migrates a store that is not yet current.
// Thread safety: all methods are thread-safe (one connection behind a mutex).
#pragma once

#include <memory>
#include <mutex>

#include "app/token_store.h"
#include "store/sqlite.h"

namespace belofte::store {

class SqliteTokenStore final : public app::TokenStore {
 public:
  static Result<std::unique_ptr<SqliteTokenStore>> Open(const std::string& path);

  Result<app::ApiToken> CreateToken(const std::string& name, const std::vector<std::string>& scopes,
                                    const std::string& sha256_hex, const std::string& created_at) override;
  Result<std::optional<app::ApiToken>> FindToken(const std::string& sha256_hex) override;
  Status RevokeToken(int64_t id, const std::string& revoked_at) override;
  Result<std::vector<app::ApiToken>> ListTokens() override;

 private:
  std::mutex mu_;
  std::unique_ptr<Database> db_;  // GUARDED_BY(mu_)
};

}  // namespace belofte::store
