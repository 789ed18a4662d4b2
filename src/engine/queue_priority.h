// queue_priority.h — the rule that orders a SKU's backorder queue.
//
// A QueuePriorityRule ranks a waiting line; the queue sorts by (manual override, the rule's
// rank, order id, line id), so every order is total and deterministic. The rule is a strategy
// chosen at the composition root (STYLE 7): the default puts paid before unpaid, then oldest
// first; ChannelRankRule puts preferred channels first. A rule must depend only on the order
// and line it is given, so the queue can be rebuilt from state at any time.
// Thread safety: rules are immutable after construction and may be shared across threads.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "domain/order.h"

namespace belofte::engine {

struct QueueRank {
  int64_t tier = 0;  // smaller goes first
  int64_t age = 0;   // smaller goes first (placed_at in micros for "oldest first")
  friend auto operator<=>(const QueueRank&, const QueueRank&) = default;
};

class QueuePriorityRule {
 public:
  virtual ~QueuePriorityRule() = default;
  virtual QueueRank Rank(const Order& order, const OrderLine& line) const = 0;
  virtual std::string name() const = 0;
};

// Paid before unpaid, then oldest placed_at first (DESIGN: the default).
class PaidThenOldestRule final : public QueuePriorityRule {
 public:
  QueueRank Rank(const Order& order, const OrderLine& line) const override;
  std::string name() const override { return "paid_then_oldest"; }
};

// Channels by configured rank (lower first, unlisted last), then paid before unpaid, then oldest.
class ChannelRankRule final : public QueuePriorityRule {
 public:
  explicit ChannelRankRule(std::map<std::string, int32_t> channel_ranks) : ranks_(std::move(channel_ranks)) {}
  QueueRank Rank(const Order& order, const OrderLine& line) const override;
  std::string name() const override { return "channel_rank"; }

 private:
  std::map<std::string, int32_t> ranks_;
};

// The key a waiting line is stored under in its SKU's queue.
struct QueueKey {
  int64_t manual = 0;  // -priority: a higher manual priority sorts first
  QueueRank rank;
  OrderId order = 0;
  LineId line = 0;
  friend auto operator<=>(const QueueKey&, const QueueKey&) = default;
};

QueueKey MakeQueueKey(const QueuePriorityRule& rule, const Order& order, const OrderLine& line);

std::unique_ptr<QueuePriorityRule> DefaultQueuePriorityRule();

}  // namespace belofte::engine
