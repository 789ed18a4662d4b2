#include "store/sqlite_token_store.h"

#include "store/sqlite_store.h"

namespace belofte::store {

namespace {

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

app::ApiToken FromRow(Statement& st) {
  return app::ApiToken{st.Int(0), st.Text(1), SplitScopes(st.Text(2)), st.Text(3), !st.IsNull(4)};
}

}  // namespace

Result<std::unique_ptr<SqliteTokenStore>> SqliteTokenStore::Open(const std::string& path) {
  auto db = Database::Open(path);
  if (!db.ok()) return db.take_error();
  bool current = false;
  if (auto v = (*db)->Prepare("SELECT max(version) FROM schema_migrations"); v.ok() && v->Step()) {
    current = v->Int(0) >= SqliteStore::SchemaVersion();
  }
  if (!current) {
    auto migrated = SqliteStore::Open(path);  // migrates; refused only while a server (already migrated) runs
    if (!migrated.ok()) return migrated.take_error();
  }
  std::unique_ptr<SqliteTokenStore> store(new SqliteTokenStore());
  store->db_ = std::move(db.value());
  return store;
}

Result<app::ApiToken> SqliteTokenStore::CreateToken(const std::string& name, const std::vector<std::string>& scopes,
                                                    const std::string& sha256_hex, const std::string& created_at) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare("INSERT INTO api_tokens(name, scopes, sha256, created_at) VALUES (?,?,?,?) RETURNING id");
  if (!st.ok()) return st.take_error();
  st->Bind(1, name).Bind(2, JoinScopes(scopes)).Bind(3, sha256_hex).Bind(4, created_at);
  if (!st->Step()) return st->status().ok() ? Error::Internal("token not created") : st->status().error();
  int64_t id = st->Int(0);
  while (st->Step()) {
  }
  BELOFTE_RETURN_IF_ERROR(st->status());
  return app::ApiToken{id, name, scopes, created_at, false};
}

Result<std::optional<app::ApiToken>> SqliteTokenStore::FindToken(const std::string& sha256_hex) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare("SELECT id, name, scopes, created_at, revoked_at FROM api_tokens WHERE sha256 = ?");
  if (!st.ok()) return st.take_error();
  st->Bind(1, sha256_hex);
  std::optional<app::ApiToken> found;
  if (st->Step()) found = FromRow(*st);
  BELOFTE_RETURN_IF_ERROR(st->status());
  return found;
}

Status SqliteTokenStore::RevokeToken(int64_t id, const std::string& revoked_at) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id");
  if (!st.ok()) return st.take_error();
  st->Bind(1, revoked_at).Bind(2, id);
  bool changed = st->Step();
  while (st->Step()) {
  }
  BELOFTE_RETURN_IF_ERROR(st->status());
  if (!changed) return Error::NotFound("unknown_token", "No active token with id " + std::to_string(id) + ".");
  return Ok();
}

Result<std::vector<app::ApiToken>> SqliteTokenStore::ListTokens() {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare("SELECT id, name, scopes, created_at, revoked_at FROM api_tokens ORDER BY id");
  if (!st.ok()) return st.take_error();
  std::vector<app::ApiToken> out;
  while (st->Step()) out.push_back(FromRow(*st));
  BELOFTE_RETURN_IF_ERROR(st->status());
  return out;
}

}  // namespace belofte::store
