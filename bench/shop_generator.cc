#include "bench/shop_generator.h"

#include <algorithm>
#include <cmath>

#include "domain/location.h"

namespace belofte::bench {

using namespace belofte::engine;

namespace {

// Draw helpers with fixed algorithms (the std distributions differ between libraries).
__extension__ typedef unsigned __int128 U128;

uint64_t Below(std::mt19937_64& rng, uint64_t n) {  // uniform in [0, n), n > 0 (Lemire, no rejection)
  return static_cast<uint64_t>((static_cast<U128>(rng()) * n) >> 64);
}
double Unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }  // [0, 1)
bool Chance(std::mt19937_64& rng, double p) { return Unit(rng) < p; }

template <typename T>
void Shuffle(std::vector<T>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(rng, i)]);
}

template <size_t N>
const char* Pick(std::mt19937_64& rng, const char* const (&items)[N]) {
  return items[Below(rng, N)];
}

constexpr const char* kNouns[] = {
    "Koffiemolen", "Theepot", "Fietslamp", "Regenjas", "Slaapzak", "Snijplank", "Wandelschoen", "Bureaulamp",
    "Kinderfiets", "Tuinstoel", "Speelgoedauto", "Legpuzzel", "Waterfles", "Rugzak", "Kookpan", "Handdoek",
    "Dekbedovertrek", "Spijkerbroek", "Sjaal", "Paraplu", "Koptelefoon", "Oplaadkabel USB-C", "Fietsbel",
    "Kaarsenhouder", "Bloempot", "Vloerkleed", "Sierkussen", "Stroopwafelblik", "Melkopschuimer", "Schaatsen",
    "Fietstas", "Broodtrommel", "Koekenpan", "Thermoskan", "Espressokopjes", "Bordspel", "Yogamat", "Hondenmand",
    "Wandklok", "Tafellamp"};
constexpr const char* kMaterials[] = {"RVS", "keramiek", "eikenhout", "bamboe", "katoen", "wol", "gerecycled",
                                      "waterdicht", "opvouwbaar", "LED", "biologisch", "XL", "mini", "classic",
                                      "pro", "glas", "leer", "linnen"};
constexpr const char* kVariants[] = {"zwart", "wit", "oker", "donkerblauw", "mosgroen", "grijs", "rood",
                                     "naturel", "maat S", "maat M", "maat L", "1 liter", "set van 2", "500 g",
                                     "28 cm", "antraciet", "oranje"};
constexpr const char* kFirstNames[] = {
    "Sanne", "Daan", "Emma", "Lucas", "Julia", "Sem", "Tess", "Finn", "Fleur", "Noah", "Lotte", "Bram",
    "Anouk", "Jesse", "Sophie", "Thijs", "Lieke", "Ruben", "Iris", "Milan", "Fatima", "Mohammed", "Yara",
    "Ayoub", "Priya", "Jeroen", "Kees", "Annelies", "Willem", "Marloes", "Pieter", "Ingrid", "Hanneke", "Joost"};
constexpr const char* kLastNames[] = {
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
    "Smits", "El Amrani", "Yilmaz", "Nguyen", "van Dijk", "Janssen", "Willems", "Kok", "Postma"};
constexpr const char* kMailDomains[] = {"example.nl", "example.com", "example.be", "example.org"};

std::string Token(std::mt19937_64& rng) {  // 128 bits as 22 characters of base64url, no padding
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const uint64_t bits[2] = {rng(), rng()};
  std::string out;
  out.reserve(22);
  for (int i = 0; i < 22; ++i) {
    const int at = i * 6;  // bit offset into the 128 bits (the last character holds 2 bits)
    uint64_t v = bits[at / 64] >> (at % 64);
    if (at % 64 > 58 && at / 64 == 0) v |= bits[1] << (64 - at % 64);
    out += kAlphabet[v & 63];
  }
  return out;
}

std::string Slug(const char* text) {  // "van den Berg" -> "vandenberg"
  std::string out;
  for (const char* p = text; *p; ++p) {
    char c = *p;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

}  // namespace

ShopGenerator::ShopGenerator(ShopOptions options) : options_(std::move(options)), rng_(options_.seed) {
  for (size_t n = options_.skus; n >= 1'000'000; n /= 10) ++sku_width_;
  Plan();
  // Skip empty phases so phase() is right from the start.
  if (options_.skus == 0) phase_ = Phase::kOpeningStock;
  if (phase_ == Phase::kOpeningStock) {
    while (next_sku_ < options_.skus && stock_[next_sku_] == 0) ++next_sku_;
    if (next_sku_ == options_.skus) phase_ = order_lines_.empty() ? Phase::kDone : Phase::kOrders;
  }
}

std::string ShopGenerator::SkuCode(size_t index) const {
  std::string digits = std::to_string(index);
  if (digits.size() < sku_width_) digits.insert(0, sku_width_ - digits.size(), '0');
  return "SKU-" + digits;
}

void ShopGenerator::Plan() {
  const size_t n = options_.skus;
  const size_t lines = n == 0 ? 0 : options_.open_lines;
  figures_.skus = n;
  figures_.open_lines = lines;

  price_cents_.resize(n);
  for (size_t s = 0; s < n; ++s) {
    // Log-uniform between EUR 2.95 and 499, ending in .95 or .99.
    double euros = std::exp(std::log(2.95) + Unit(rng_) * (std::log(499.0) - std::log(2.95)));
    int64_t whole = std::max<int64_t>(1, std::llround(euros));
    price_cents_[s] = static_cast<uint32_t>(whole * 100 - (Chance(rng_, 0.5) ? 5 : 1));
  }

  // Which SKUs end with waiting lines: a random subset, at most a quarter of the lines' count.
  size_t backordered = static_cast<size_t>(std::llround(options_.backorder_share * static_cast<double>(n)));
  backordered = std::min(backordered, lines / 4);
  figures_.backordered_skus = backordered;
  std::vector<uint32_t> perm(n);
  for (size_t s = 0; s < n; ++s) perm[s] = static_cast<uint32_t>(s);
  Shuffle(perm, rng_);
  std::vector<bool> waits(n, false);
  for (size_t i = 0; i < backordered; ++i) waits[perm[i]] = true;

  // Lines: one for every SKU meant to wait, the rest by popularity (a power law over a
  // random ranking: the top SKU of 10k gets ~0.3% of the lines, of 1M ~0.1%).
  line_sku_.reserve(lines);
  for (size_t i = 0; i < backordered; ++i) line_sku_.push_back(perm[i]);
  Shuffle(perm, rng_);  // now: popularity rank -> SKU
  const double a = 0.1, c = 50.0;  // density ~ (rank + c)^-(1 - a)
  const double lo = std::pow(c, a), hi = std::pow(static_cast<double>(n) + c, a);
  while (line_sku_.size() < lines) {
    double rank = std::pow(lo + Unit(rng_) * (hi - lo), 1.0 / a) - c;
    size_t r = std::min(n - 1, static_cast<size_t>(std::max(0.0, rank)));
    line_sku_.push_back(perm[r]);
  }
  perm = {};
  Shuffle(line_sku_, rng_);

  line_qty_.resize(lines);
  std::vector<uint32_t> demand(n, 0);
  for (size_t i = 0; i < lines; ++i) {
    uint64_t u = Below(rng_, 100);
    uint8_t q = u < 75 ? 1 : u < 92 ? 2 : u < 97 ? 3 : static_cast<uint8_t>(4 + Below(rng_, 3));
    line_qty_[i] = q;
    demand[line_sku_[i]] += q;
    figures_.units_ordered += q;
  }

  for (size_t left = lines; left > 0;) {
    double u = Unit(rng_), acc = 0;
    size_t k = 4;
    for (size_t i = 0; i < 4; ++i) {
      acc += options_.lines_per_order[i];
      if (u < acc) {
        k = i + 1;
        break;
      }
    }
    k = std::min(k, left);
    order_lines_.push_back(static_cast<uint8_t>(k));
    left -= k;
  }
  figures_.orders = order_lines_.size();
  if (!order_lines_.empty()) {
    step_us_ = std::max<int64_t>(1, options_.days) * 86'400'000'000 / static_cast<int64_t>(order_lines_.size());
  }

  stock_.resize(n);
  cap_.assign(n, -1);
  policy_.assign(n, 0);
  for (size_t s = 0; s < n; ++s) {
    const uint32_t d = demand[s];
    if (waits[s]) {
      // Less than the demand arrives: up to half of it, never all.
      uint32_t st = static_cast<uint32_t>(static_cast<double>(d) * 0.5 * Unit(rng_));
      stock_[s] = std::min(st, d - 1);
      figures_.units_waiting += d - stock_[s];
    } else if (d > 0) {
      stock_[s] = d + static_cast<uint32_t>(Below(rng_, 25));
    } else {
      stock_[s] = Chance(rng_, 0.8) ? static_cast<uint32_t>(1 + Below(rng_, 50)) : 0;
    }
    if (!waits[s] && Chance(rng_, options_.deny_share)) {
      policy_[s] = 1;
      ++figures_.deny_skus;
    } else if (Chance(rng_, options_.capped_share)) {
      cap_[s] = waits[s] ? static_cast<int32_t>(d - stock_[s] + Below(rng_, 11)) : static_cast<int32_t>(5 + Below(rng_, 96));
      ++figures_.capped_skus;
    }
    if (stock_[s] > 0) ++figures_.skus_with_stock;
    figures_.units_in_stock += stock_[s];
  }
}

Command ShopGenerator::MakeProduct(size_t s) {
  Product p;
  p.sku = SkuCode(s);
  p.name = std::string(Pick(rng_, kNouns)) + " " + Pick(rng_, kMaterials) + " " + Pick(rng_, kVariants);
  p.price = Money(price_cents_[s], "EUR");
  p.cost = Money(static_cast<int64_t>(price_cents_[s]) * (35 + static_cast<int64_t>(Below(rng_, 31))) / 100, "EUR");
  p.backorder.kind = policy_[s] == 1 ? BackorderPolicyKind::kDeny : BackorderPolicyKind::kAllow;
  if (cap_[s] >= 0) p.backorder.max_units = Quantity(cap_[s]);
  return UpsertProduct{std::move(p), options_.start.PlusDays(-2)};
}

Customer ShopGenerator::MakeCustomer() {
  const char* first = Pick(rng_, kFirstNames);
  const char* last = Pick(rng_, kLastNames);
  Customer c;
  c.name = std::string(first) + " " + last;
  c.email = Slug(first) + "." + Slug(last) + std::to_string(Below(rng_, 1000)) + "@" + Pick(rng_, kMailDomains);
  c.language = Chance(rng_, 0.1) ? "en" : "nl";
  return c;
}

Command ShopGenerator::MakeOrder() {
  const size_t k = next_order_;
  PlaceOrder o;
  uint64_t channel = Below(rng_, 100);
  Instant placed = Instant::FromMicros(options_.start.micros() + static_cast<int64_t>(k) * step_us_ +
                                       static_cast<int64_t>(Below(rng_, static_cast<uint64_t>(step_us_ / 2 + 1))));
  o.placed_at = placed;
  o.customer = MakeCustomer();
  if (options_.status_tokens) o.status_token = Token(rng_);
  o.ship_policy = Chance(rng_, 0.2) ? ShipPolicy::kShipComplete : ShipPolicy::kShipAvailable;
  if (channel < 70) {
    o.channel = "webshop";
    o.external_id = "WS-" + std::to_string(100'000 + k);
    o.at = placed;
    o.payment = Chance(rng_, options_.unpaid_share) ? Payment::kUnpaid : Payment::kPaid;
  } else {
    bool bol = channel < 92;
    o.channel = bol ? "bol" : "amazon-nl";
    o.external_id = (bol ? "B-" : "AMZ-") + std::to_string(7'000'000 + k);
    o.at = placed.PlusSeconds(60 + static_cast<int64_t>(Below(rng_, 1741)));  // marketplaces deliver late
    o.payment = Payment::kPaid;  // the marketplace collected it
  }
  const size_t count = order_lines_[k];
  o.lines.reserve(count);
  for (size_t i = 0; i < count; ++i, ++next_line_) {
    const uint32_t s = line_sku_[next_line_];
    int64_t cents = price_cents_[s];
    if (Chance(rng_, 0.1)) cents = cents * 9 / 10;  // a promotion
    o.lines.push_back(PlaceOrder::Line{SkuCode(s), Quantity(line_qty_[next_line_]), Money(cents, "EUR")});
  }
  if (o.payment == Payment::kUnpaid && options_.later_payments && Chance(rng_, 0.6)) {
    payments_.emplace(k + 1 + Below(rng_, 200), options_.first_order_id + k);
    ++figures_.later_payments;
  }
  last_placed_ = placed;
  ++next_order_;
  return o;
}

std::optional<Command> ShopGenerator::Next() {
  std::optional<Command> out;
  switch (phase_) {
    case Phase::kCatalogue:
      out = MakeProduct(next_sku_++);
      if (next_sku_ == options_.skus) {
        next_sku_ = 0;
        phase_ = Phase::kOpeningStock;
      }
      break;
    case Phase::kOpeningStock:
      out = ReceiveStock{SkuCode(next_sku_), kMainLocation, Quantity(stock_[next_sku_]), "opening stock",
                         options_.start.PlusDays(-1)};
      ++next_sku_;
      break;
    case Phase::kOrders:
      if (!payments_.empty() && (payments_.top().first <= next_order_ || next_order_ == order_lines_.size())) {
        out = SetPayment{payments_.top().second, Payment::kPaid, last_placed_.PlusSeconds(1)};
        payments_.pop();
      } else {
        out = MakeOrder();
      }
      break;
    case Phase::kDone:
      return std::nullopt;
  }
  // Advance to the phase of the next command.
  if (phase_ == Phase::kOpeningStock) {
    while (next_sku_ < options_.skus && stock_[next_sku_] == 0) ++next_sku_;
    if (next_sku_ == options_.skus) phase_ = Phase::kOrders;
  }
  if (phase_ == Phase::kOrders && next_order_ == order_lines_.size() && payments_.empty()) phase_ = Phase::kDone;
  return out;
}

}  // namespace belofte::bench
