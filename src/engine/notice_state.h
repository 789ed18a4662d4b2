// notice_state.h — what the engine keeps about keeping customers informed: the shop's notice
// settings and, per order that waited, what it was told and when (docs/notices.md). The notices
// themselves are events (NoticeQueued); delivery is the notify adapter's job. Thread safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/order.h"
#include "domain/time.h"

namespace belofte::engine {

enum class NoticeKind {
  kOrderConfirmed,
  kBackordered,
  kPromiseChanged,
  kReady,
  kShipped,
  kStillWaiting,
  kCancelOffer,
  kCancelled,
  kCompensation,
};
inline constexpr int kNoticeKinds = 9;

std::string_view ToString(NoticeKind kind);
std::optional<NoticeKind> ParseNoticeKind(std::string_view text);

// What a policy timer does to a waiting line: nothing, offer the customer to cancel, or cancel.
enum class OverdueAction { kNone, kOffer, kCancel };
std::string_view ToString(OverdueAction action);
std::optional<OverdueAction> ParseOverdueAction(std::string_view text);

// Per shop. Defaults: every notice on except order_confirmed (the channel confirms orders);
// "still waiting" after 14 days without news; overdue lines (max_wait_days, second slip) get an
// offer to cancel; no unpaid release, no compensation, no quiet hours; all self-service on.
struct NoticeSettings {
  uint32_t enabled = 0x1FF & ~1u;  // bit per NoticeKind
  int32_t still_waiting_days = 14;     // 0: never
  OverdueAction max_wait_action = OverdueAction::kOffer;
  OverdueAction second_slip_action = OverdueAction::kOffer;
  int32_t unpaid_release_hours = 0;    // 0: allocations of unpaid orders are kept
  int32_t compensation_after_days = 0; // 0: no compensation; else when a promise is this late
  std::string voucher_code;            // compensation: a code, a percentage, or both
  int32_t compensation_percent = 0;
  // Quiet hours (delivery waits while they last), minutes after local midnight, in time_zone.
  bool quiet_hours = false;
  int32_t quiet_start_minute = 22 * 60;
  int32_t quiet_end_minute = 8 * 60;
  std::string time_zone = "Europe/Amsterdam";
  // What customers may do on their status page.
  bool self_cancel = true;
  bool self_ship_available = true;
  bool self_keep_waiting = true;

  bool On(NoticeKind kind) const { return (enabled >> static_cast<int>(kind)) & 1u; }
  void Set(NoticeKind kind, bool on) {
    const uint32_t bit = 1u << static_cast<int>(kind);
    enabled = on ? (enabled | bit) : (enabled & ~bit);
  }
  bool operator==(const NoticeSettings&) const = default;
};

// Per live order that is followed (it waited, or every order is followed because order_confirmed
// is on): what the customer has been told.
struct OrderNotices {
  Instant last_news;             // the last notice queued (the "still waiting" timer runs from it)
  Date promised_by;              // the latest P90 of the first backorder notice (compensation runs from it)
  bool compensated = false;
  bool wait_accepted = false;    // the customer chose to keep waiting: no more offers or auto-cancels
  std::vector<LineId> offered;   // lines offered cancellation (once each)
  bool operator==(const OrderNotices&) const = default;
};

}  // namespace belofte::engine
