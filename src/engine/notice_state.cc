#include "engine/notice_state.h"

#include <array>

namespace belofte::engine {

namespace {

constexpr std::array<std::string_view, kNoticeKinds> kKindNames = {
    "order_confirmed", "backordered", "promise_changed", "ready",       "shipped",
    "still_waiting",   "cancel_offer", "cancelled",      "compensation"};
constexpr std::array<std::string_view, 3> kActionNames = {"none", "offer", "cancel"};

}  // namespace

std::string_view ToString(NoticeKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

std::optional<NoticeKind> ParseNoticeKind(std::string_view text) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<NoticeKind>(i);
  }
  return std::nullopt;
}

std::string_view ToString(OverdueAction action) { return kActionNames[static_cast<size_t>(action)]; }

std::optional<OverdueAction> ParseOverdueAction(std::string_view text) {
  for (size_t i = 0; i < kActionNames.size(); ++i) {
    if (kActionNames[i] == text) return static_cast<OverdueAction>(i);
  }
  return std::nullopt;
}

}  // namespace belofte::engine
