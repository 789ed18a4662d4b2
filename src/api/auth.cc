#include "api/auth.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace belofte::api {

namespace {

constexpr auto kCacheFor = std::chrono::seconds(5);
constexpr size_t kMaxCache = 10'000;

std::string RandomUrlSafe(size_t bytes) {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "belofte: libsodium failed to initialise\n");
    std::abort();
  }
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

Error Unauthorized(std::string message) {
  return Error{ErrorKind::kUnauthorized, "unauthorized", std::move(message), "Authorization", {}, {}};
}

}  // namespace

std::string NewApiToken() { return "blft_" + RandomUrlSafe(32); }
std::string NewStatusToken() { return RandomUrlSafe(16); }

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

Result<std::vector<std::string>> ParseScopes(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view scope = text.substr(start, comma - start);
    bool known = false;
    for (auto s : kScopes) known |= s == scope;
    if (!known) {
      return Error::Invalid("invalid_scope", "Unknown scope '" + std::string(scope) +
                                                 "'; scopes are admin, orders:write, stock:write, read.",
                            "scopes");
    }
    out.emplace_back(scope);
    start = comma + 1;
  }
  return out;
}

bool Principal::Allows(std::string_view scope) const {
  for (const auto& s : scopes) {
    if (s == "admin" || s == scope) return true;
  }
  return scope == "read" && !scopes.empty();
}

Authenticator::Authenticator(std::string admin_token, app::TokenStore* tokens)
    : admin_hash_(admin_token.empty() ? "" : Sha256Hex(admin_token)), tokens_(tokens) {}

Result<Principal> Authenticator::Authenticate(std::string_view header) {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty()) return Unauthorized("A bearer token is required: Authorization: Bearer <token>.");
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
    return Unauthorized("The Authorization header must be 'Bearer <token>'.");
  }
  std::string_view token = header.substr(kBearer.size());
  if (token.size() > 256) return Unauthorized("The token is not valid.");
  std::string hash = Sha256Hex(token);
  if (!admin_hash_.empty() && sodium_memcmp(hash.data(), admin_hash_.data(), hash.size()) == 0) {
    return Principal{"BELOFTE_ADMIN_TOKEN", {"admin"}};
  }
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(hash); it != cache_.end() && it->second.until > now) {
      if (it->second.principal) return *it->second.principal;
      return Unauthorized("The token is not valid.");
    }
  }
  std::optional<Principal> principal;
  if (tokens_) {
    auto found = tokens_->FindToken(hash);
    if (!found.ok()) return found.take_error();
    if (*found && !(*found)->revoked) principal = Principal{(*found)->name, (*found)->scopes};
  }
  {
    std::lock_guard lock(mu_);
    if (cache_.size() >= kMaxCache) cache_.clear();
    cache_[hash] = Cached{principal, now + kCacheFor};
  }
  if (!principal) return Unauthorized("The token is not valid.");
  return *principal;
}

}  // namespace belofte::api
