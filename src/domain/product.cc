#include "domain/product.h"

namespace belofte {

std::string_view ToString(BackorderPolicyKind kind) {
  switch (kind) {
    case BackorderPolicyKind::kDeny: return "deny";
    case BackorderPolicyKind::kAllow: return "allow";
    case BackorderPolicyKind::kPreorder: return "preorder";
  }
  return "deny";
}

std::optional<BackorderPolicyKind> ParseBackorderPolicyKind(std::string_view text) {
  if (text == "deny") return BackorderPolicyKind::kDeny;
  if (text == "allow") return BackorderPolicyKind::kAllow;
  if (text == "preorder") return BackorderPolicyKind::kPreorder;
  return std::nullopt;
}

std::optional<Quantity> BackorderPolicy::Headroom(Quantity already) const {
  if (kind == BackorderPolicyKind::kDeny) return kNoUnits;
  if (!max_units) return std::nullopt;
  return Max(kNoUnits, *max_units - already);
}

bool ValidSku(std::string_view sku) {
  if (sku.empty() || sku.size() > 64) return false;
  for (char c : sku) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool ValidCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace belofte
