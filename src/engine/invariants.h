// invariants.h — the invariants of DESIGN.md, checked against the engine's state.
//
// CheckInvariants returns one readable line per violation (empty: all hold). It checks what
// the in-memory state can show: invariant 1's allocation half (0 <= allocated <= on_hand, and
// allocated equals the lines' allocations), 2 (every line balanced), 3 (caps, deny), 4 (no free
// stock while a queue waits) and the consistency of queues and indexes. The ledger half of 1
// (on_hand == sum of movements) and 6 are checked against the store by `belofte check`.
// DiffStates compares two states for replay tests and `check`.
// Thread safety: pure functions over a state the caller keeps still.
#pragma once

#include <string>
#include <vector>

#include "engine/shop_state.h"

namespace belofte::engine {

std::vector<std::string> CheckInvariants(const ShopState& state, const QueuePriorityRule& rule);

// Describes the first differences between two states (empty: they are the same). Line lists
// kept for lazy pruning and evicted orders are not compared; everything a user can see is.
std::string DiffStates(const ShopState& a, const ShopState& b);

}  // namespace belofte::engine
