// shop_generator.h — a deterministic, Dutch-webshop-like shop for the benchmarks.
//
// Contract
//   * Deterministic: the same ShopOptions (seed included) give the same stream of commands on
//     every run. Randomness is std::mt19937_64 with its own draw helpers (not the
//     std::*_distribution classes, whose algorithms differ between standard libraries).
//   * The stream, read with Next(), comes in three phases (see phase()):
//       kCatalogue     one UpsertProduct per SKU ("SKU-000123"; price and cost in EUR;
//                      policy mostly `allow`, some `deny`, some `allow` with a max_units cap)
//       kOpeningStock  one ReceiveStock at `main` per SKU that has opening stock
//       kOrders        PlaceOrder commands with placed_at strictly increasing through one year
//                      from options.start (channels webshop / bol / amazon-nl), 1-4 lines each,
//                      exactly options.open_lines lines in all, each order with a status token
//                      (128 bits, URL-safe, from the generator); with later_payments, SetPayment
//                      commands for some unpaid orders follow a little later in the stream.
//   * Executed in order against a fresh engine every command is accepted, and afterwards:
//       - every order line is still open (nothing ships or is cancelled);
//       - exactly figures().backordered_skus SKUs have waiting lines. That is
//         round(backorder_share x skus), limited to open_lines / 4 so that small order books
//         are not all backorders (then figures() says so); those SKUs are `allow`, receive less
//         opening stock than their demand and have a cap (if any) above what can wait;
//       - every other SKU has opening stock >= its demand (so `deny` never rejects).
//     The same holds for ANY arrival order of the PlaceOrder commands (concurrent clients):
//     caps and stock are sized on total demand. Only SetPayment depends on order: it names
//     the order id the engine assigns when the PlaceOrder commands run in stream order on a
//     shop whose next order id is options.first_order_id (1 for a fresh shop). Set
//     later_payments = false when orders arrive in another order.
//   * Memory: the plan is compact (about 13 bytes per SKU and 5 per line); commands are built
//     on demand by Next(), so a million-line shop never sits in memory as commands.
// Thread safety: none; one generator per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/command.h"

namespace belofte::bench {

struct ShopOptions {
  uint64_t seed = 20260301;
  size_t skus = 10'000;
  size_t open_lines = 10'000;
  double backorder_share = 0.2;  // share of SKUs that end with waiting lines
  // P(an order has 1, 2, 3, 4 lines).
  std::array<double, 4> lines_per_order = {0.55, 0.25, 0.12, 0.08};
  double deny_share = 0.10;    // of the SKUs that are not meant to wait: backorders denied
  double capped_share = 0.10;  // of the `allow` SKUs: a max_units cap
  double unpaid_share = 0.15;  // web-shop orders placed unpaid (bank transfer, pay later)
  bool later_payments = true;  // ~60% of unpaid orders are paid 1-200 orders later
  bool status_tokens = true;   // each order carries a 22-character URL-safe status token, as the
                               // API adapter makes them (here from the seeded generator)
  OrderId first_order_id = 1;  // the id the engine gives the first PlaceOrder
  Instant start = Date::FromYmd(2025, 1, 1).start();  // orders are placed over the next `days` days
  int64_t days = 365;  // 1: a burst (a sale day): waiting lines are not re-promised as days pass
};

// What the plan holds, for reports and checks.
struct ShopFigures {
  size_t skus = 0;
  size_t backordered_skus = 0;  // SKUs that end with waiting lines
  size_t deny_skus = 0;
  size_t capped_skus = 0;
  size_t skus_with_stock = 0;   // ReceiveStock commands
  size_t orders = 0;
  size_t open_lines = 0;
  size_t later_payments = 0;    // SetPayment commands
  int64_t units_ordered = 0;
  int64_t units_in_stock = 0;   // opening stock
  int64_t units_waiting = 0;    // backordered units at the end
  size_t commands() const { return skus + skus_with_stock + orders + later_payments; }
};

class ShopGenerator {
 public:
  enum class Phase { kCatalogue, kOpeningStock, kOrders, kDone };

  explicit ShopGenerator(ShopOptions options);

  // The next command of the stream, or nullopt at the end.
  std::optional<engine::Command> Next();
  // The phase of the command Next() returns next.
  Phase phase() const { return phase_; }

  const ShopFigures& figures() const { return figures_; }
  const ShopOptions& options() const { return options_; }

  // "SKU-000123": zero-padded to 6 digits, or more for catalogues beyond a million.
  std::string SkuCode(size_t index) const;
  Money Price(size_t index) const { return Money(price_cents_[index], "EUR"); }

 private:
  void Plan();
  engine::Command MakeProduct(size_t sku);
  engine::Command MakeOrder();
  Customer MakeCustomer();

  ShopOptions options_;
  ShopFigures figures_;
  std::mt19937_64 rng_;
  size_t sku_width_ = 6;

  // Plan, per SKU.
  std::vector<uint32_t> price_cents_;
  std::vector<uint32_t> stock_;
  std::vector<int32_t> cap_;  // -1: no cap
  std::vector<uint8_t> policy_;  // 0 allow, 1 deny
  // Plan, per line (in stream order) and per order.
  std::vector<uint32_t> line_sku_;
  std::vector<uint8_t> line_qty_;
  std::vector<uint8_t> order_lines_;

  // Stream position.
  Phase phase_ = Phase::kCatalogue;
  size_t next_sku_ = 0;
  size_t next_order_ = 0;
  size_t next_line_ = 0;
  int64_t step_us_ = 0;
  Instant last_placed_;
  // (due after this many orders, order id) of payments still to come; smallest first.
  std::priority_queue<std::pair<size_t, OrderId>, std::vector<std::pair<size_t, OrderId>>, std::greater<>>
      payments_;
};

}  // namespace belofte::bench
