#include "engine/queue_priority.h"

namespace belofte::engine {

QueueRank PaidThenOldestRule::Rank(const Order& order, const OrderLine& /*line*/) const {
  return QueueRank{order.payment == Payment::kPaid ? 0 : 1, order.placed_at.micros()};
}

QueueRank ChannelRankRule::Rank(const Order& order, const OrderLine& /*line*/) const {
  constexpr int64_t kUnlisted = 1'000'000;
  auto it = ranks_.find(order.channel);
  int64_t channel_rank = it == ranks_.end() ? kUnlisted : it->second;
  return QueueRank{channel_rank * 2 + (order.payment == Payment::kPaid ? 0 : 1), order.placed_at.micros()};
}

QueueKey MakeQueueKey(const QueuePriorityRule& rule, const Order& order, const OrderLine& line) {
  return QueueKey{-int64_t{line.priority}, rule.Rank(order, line), order.id, line.id};
}

std::unique_ptr<QueuePriorityRule> DefaultQueuePriorityRule() { return std::make_unique<PaidThenOldestRule>(); }

}  // namespace belofte::engine
