// random_shop.h — random command sequences for property tests.
//
// A Step is a handful of small random integers; Interpret turns it into a concrete command
// against the current state (picking an existing order, line or SKU by index), so sequences
// shrink well: rapidcheck shrinks the integers and the list, and every shrunk sequence is
// still meaningful. The universe is small on purpose (4 SKUs and 2 bundles of them, 2 locations,
// a few channels and external ids) so that queues, caps, collisions and idempotent repeats happen often.
// Kinds 114 and up change the notice settings, run the policy timers (letting days pass) and
// make the customer's choices (keep waiting, ship policy).
#pragma once

#include <rapidcheck.h>

#include <string>
#include <vector>

#include "engine/engine.h"

namespace belofte::testing {

struct Step {
  int kind = 0;
  int a = 0;
  int b = 0;
  int c = 0;
  int d = 0;
};

inline std::ostream& operator<<(std::ostream& os, const Step& s) {
  return os << "Step{" << s.kind << "," << s.a << "," << s.b << "," << s.c << "," << s.d << "}";
}

// Turns a step into a command against `engine`'s current state. `clock` advances per step.
engine::Command Interpret(const Step& step, const engine::Engine& engine, int64_t& clock);

// The shop every sequence starts from: products, a second location, opening stock.
std::vector<engine::Command> Opening();

}  // namespace belofte::testing

namespace rc {

template <>
struct Arbitrary<belofte::testing::Step> {
  static Gen<belofte::testing::Step> arbitrary() {
    return gen::build<belofte::testing::Step>(
        gen::set(&belofte::testing::Step::kind, gen::inRange(0, 125)),
        gen::set(&belofte::testing::Step::a, gen::inRange(0, 1000)),
        gen::set(&belofte::testing::Step::b, gen::inRange(0, 1000)),
        gen::set(&belofte::testing::Step::c, gen::inRange(0, 1000)),
        gen::set(&belofte::testing::Step::d, gen::inRange(0, 1000)));
  }
};

}  // namespace rc
