// token.cc — `belofte token create|revoke|list`: the HTTP API's bearer tokens.
#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "api/auth.h"
#include "cli/cli.h"
#include "store/sqlite_token_store.h"

namespace belofte::cli {

namespace {

std::string NowText() {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Instant::FromSeconds(micros.count() / 1'000'000).ToString();
}

}  // namespace

int TokenCreate(const std::string& db, const std::string& name, const std::string& scopes, std::ostream& out,
                std::ostream& err) {
  auto parsed = api::ParseScopes(scopes);
  if (!parsed.ok()) {
    err << "belofte token create: " << parsed.error().message << "\n";
    return 2;
  }
  auto store = store::SqliteTokenStore::Open(db);
  if (!store.ok()) {
    err << "belofte token create: " << store.error().message << "\n";
    return 1;
  }
  std::string token = api::NewApiToken();
  auto created = (*store)->CreateToken(name, *parsed, api::Sha256Hex(token), NowText());
  if (!created.ok()) {
    err << "belofte token create: " << created.error().message << "\n";
    return 1;
  }
  out << token << "\n";
  err << fmt::format("Created token {} ('{}', scopes {}). It is shown only now; store it safely.\n", created->id,
                     name, scopes);
  return 0;
}

int TokenRevoke(const std::string& db, int64_t id, std::ostream& out, std::ostream& err) {
  auto store = store::SqliteTokenStore::Open(db);
  if (!store.ok()) {
    err << "belofte token revoke: " << store.error().message << "\n";
    return 1;
  }
  if (auto s = (*store)->RevokeToken(id, NowText()); !s.ok()) {
    err << "belofte token revoke: " << s.error().message << "\n";
    return 1;
  }
  out << "Revoked token " << id << ". A running server refuses it within 5 seconds.\n";
  return 0;
}

int TokenList(const std::string& db, std::ostream& out, std::ostream& err) {
  auto store = store::SqliteTokenStore::Open(db);
  if (!store.ok()) {
    err << "belofte token list: " << store.error().message << "\n";
    return 1;
  }
  auto tokens = (*store)->ListTokens();
  if (!tokens.ok()) {
    err << "belofte token list: " << tokens.error().message << "\n";
    return 1;
  }
  out << fmt::format("{:>4}  {:<24} {:<36} {:<22} {}\n", "id", "name", "scopes", "created", "state");
  for (const auto& t : *tokens) {
    std::string scopes;
    for (const auto& s : t.scopes) scopes += (scopes.empty() ? "" : ",") + s;
    out << fmt::format("{:>4}  {:<24} {:<36} {:<22} {}\n", t.id, t.name, scopes, t.created_at,
                       t.revoked ? "revoked" : "active");
  }
  return 0;
}

}  // namespace belofte::cli
