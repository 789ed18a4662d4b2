// demo.cc — `belofte demo`: a believable day at a Dutch web shop, against a real store.
//
// "Koffie & Co" sells coffee gear on its own web shop and on bol. The demo seeds products
// (in stock, backorderable with a cap, deny, a pre-order), takes orders that allocate and
// backorder, shows a marketplace order that arrives late but waits by its placed_at, a payment
// that moves an order up the queue, a rejected order with its shortages, a receipt that fills
// the queue in priority order, a shipment and a cancellation that passes stock on, and a gift
// set (a bundle of beans and a milk jug) whose stock is derived from its components. Business
// times are fixed, so the output is the same on every run.
#include <fmt/format.h>

#include <ostream>
#include <set>

#include "api/auth.h"
#include "app/shop_writer.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "store/sqlite_store.h"

namespace belofte::cli {

namespace {

using namespace belofte::engine;

Instant At(const char* text) { return *Instant::Parse(text); }

Money Eur(const char* amount) { return Money(*Money::ParseCents(amount), "EUR"); }

Product MakeProduct(const char* sku, const char* name, const char* price, const char* cost, BackorderPolicyKind kind,
                    std::optional<int64_t> max_units = std::nullopt, std::optional<Date> release = std::nullopt,
                    std::optional<int32_t> max_wait_days = std::nullopt) {
  Product p;
  p.sku = sku;
  p.name = name;
  p.price = Eur(price);
  p.cost = Eur(cost);
  p.backorder.kind = kind;
  if (max_units) p.backorder.max_units = Quantity(*max_units);
  p.backorder.release_date = release;
  p.backorder.max_wait_days = max_wait_days;
  return p;
}

class DemoShop {
 public:
  DemoShop(app::ShopWriter& writer, store::SqliteStore& store, std::ostream& out)
      : writer_(writer), store_(store), out_(out) {}

  Result<Outcome> Do(Command c) { return writer_.Execute(std::move(c)); }

  // Seeding steps must succeed; a failure is a bug in the demo.
  void Seed(Command c) {
    auto r = Do(std::move(c));
    if (!r.ok()) out_ << "  seeding failed: " << r.error().message << "\n";
  }

  OrderId Order(const char* channel, const char* external_id, const char* placed_at, const char* email,
                const char* name, const char* language, Payment payment, ShipPolicy ship,
                std::vector<std::pair<const char*, int64_t>> lines) {
    PlaceOrder o;
    o.channel = channel;
    o.external_id = external_id;
    o.placed_at = At(placed_at);
    o.at = o.placed_at;
    o.customer = Customer{email, name, language};
    o.payment = payment;
    o.ship_policy = ship;
    o.status_token = api::NewStatusToken();
    for (const auto& [sku, qty] : lines) {
      const SkuState* s = writer_.Read([&](const Engine& e) { return e.state().FindSku(sku); });
      o.lines.push_back(PlaceOrder::Line{sku, Quantity(qty), s ? s->product.price : Money()});
    }
    auto r = Do(o);
    if (!r.ok()) {
      out_ << fmt::format("  order {}/{} REJECTED ({}): {}\n", channel, external_id, r.error().code, r.error().message);
      for (const auto& s : r.error().shortages) {
        out_ << fmt::format("    {}: requested {}, available {}\n", s.sku, s.requested, s.available);
      }
      return 0;
    }
    names_[r->order] = std::string(channel) + "/" + external_id;
    out_ << fmt::format("  order {:<14} {:<20} {:<7} -> {}\n", names_[r->order], name, ToString(payment),
                        Describe(r->order));
    return r->order;
  }

  std::string Describe(OrderId id) {
    auto order = FindOrder(id);
    if (!order) return "?";
    std::string parts;
    auto describe = [&parts](int64_t quantity, const std::string& sku, const LineSplit& split) {
      if (!parts.empty()) parts += ", ";
      parts += fmt::format("{}×{}", quantity, sku);
      if (split.allocated.positive()) parts += fmt::format(" alloc {}", split.allocated.units());
      if (split.backordered.positive()) parts += fmt::format(" wait {}", split.backordered.units());
      if (split.shipped.positive()) parts += fmt::format(" shipped {}", split.shipped.units());
      if (split.cancelled.positive()) parts += fmt::format(" cancelled {}", split.cancelled.units());
    };
    std::set<LineId> bundles_shown;
    for (const auto& l : order->lines) {
      if (!l.is_component()) {
        describe(l.quantity.units(), l.sku, LineSplit{l.allocated(), l.backordered, l.shipped, l.cancelled});
      } else if (const BundleLine* b = order->FindBundle(l.bundle_line); b && bundles_shown.insert(b->id).second) {
        describe(b->quantity.units(), b->sku, BundleSplit(*order, *b));  // a bundle line, in place of its components
      }
    }
    return fmt::format("[{}] {}", ToString(DeriveStatus(*order)), parts);
  }

  std::optional<belofte::Order> FindOrder(OrderId id) {
    auto live = writer_.Read([&](const Engine& e) -> std::optional<belofte::Order> {
      const belofte::Order* o = e.state().FindOrder(id);
      return o ? std::optional<belofte::Order>(*o) : std::nullopt;
    });
    if (live) return live;
    auto stored = store_.FindOrder(id);  // closed orders live in the store only
    return stored.ok() ? *stored : std::nullopt;
  }

  void Stock() {
    out_ << fmt::format("  {:<12} {:<40} {:>8} {:>9} {:>6} {:>11}  {}\n", "SKU", "product", "on hand", "allocated",
                        "free", "backordered", "policy");
    writer_.Read([&](const Engine& e) {
      std::vector<const SkuState*> skus;
      for (const auto& [code, s] : e.state().skus) skus.push_back(&s);
      std::sort(skus.begin(), skus.end(), [](auto* a, auto* b) { return a->product.sku < b->product.sku; });
      for (const SkuState* s : skus) {
        const auto& b = s->product.backorder;
        std::string policy(ToString(b.kind));
        if (b.max_units) policy += fmt::format(" (max {})", b.max_units->units());
        if (b.release_date) policy += " (release " + b.release_date->ToString() + ")";
        if (s->product.is_bundle()) {
          BundleStock d = DeriveBundleStock(e.state(), *s);
          out_ << fmt::format("  {:<12} {:<40} {:>8} {:>9} {:>6} {:>11}  {} (bundle: derived)\n", s->product.sku,
                              s->product.name, d.on_hand.units(), d.allocated.units(), d.available.units(),
                              d.backordered.units(), policy);
          continue;
        }
        out_ << fmt::format("  {:<12} {:<40} {:>8} {:>9} {:>6} {:>11}  {}\n", s->product.sku, s->product.name,
                            s->on_hand().units(), s->allocated().units(), s->free().units(), s->own_backordered().units(),
                            policy);
      }
      return 0;
    });
  }

  void Queue(const char* sku) {
    auto entries = writer_.Read([&](const Engine& e) { return e.Queue(sku); });
    out_ << fmt::format("  queue {}:{}\n", sku, entries.empty() ? " (empty)" : "");
    for (const auto& q : entries) {
      out_ << fmt::format("    {}. {:<14} line {:<3} {} unit(s) waiting since {} ({}){}\n", q.position, names_[q.order],
                          q.line, q.quantity.units(), q.waiting_since.ToString(), ToString(q.payment), Promised(q.line));
    }
  }

  // ", ships by P50 .. P90 (basis)" for a promised line.
  std::string Promised(LineId line) {
    return writer_.Read([&](const Engine& e) -> std::string {
      auto it = e.state().promises.find(line);
      if (it == e.state().promises.end()) return "";
      const Promise& p = it->second.current;
      std::string basis(ToString(p.basis));
      if (p.basis == PromiseBasis::kPurchaseOrder) basis += " " + std::to_string(p.purchase_order);
      return fmt::format(", ships {} .. {} ({})", p.p50.ToString(), p.p90.ToString(), basis);
    });
  }

  void Report(const Result<Outcome>& r, const char* what) {
    if (!r.ok()) {
      out_ << fmt::format("  {}: REJECTED ({}): {}\n", what, r.error().code, r.error().message);
      return;
    }
    out_ << fmt::format("  {}: ok\n", what);
    for (const auto& f : r->filled) {
      out_ << fmt::format("    filled {} unit(s) of {} for {} (line {})\n", f.quantity.units(), f.sku, names_[f.order],
                          f.line);
    }
    for (OrderId id : r->ready_orders) out_ << fmt::format("    now ready to ship: {}\n", names_[id]);
  }

  LineId FirstLine(OrderId id) {
    auto o = FindOrder(id);
    return o ? o->lines.front().id : 0;
  }

  std::map<OrderId, std::string> names_;

 private:
  app::ShopWriter& writer_;
  store::SqliteStore& store_;
  std::ostream& out_;
};

}  // namespace

void RunDemoStory(app::ShopWriter& writer, store::SqliteStore& store, std::ostream& out) {
  DemoShop shop(writer, store, out);
  const Instant morning = At("2026-11-23T08:00:00Z");

  out << "1. Catalogue and stock\n";
  shop.Seed(UpsertLocation{"winkel", "Winkel Amsterdam", morning});
  for (const Product& p : {
           MakeProduct("KM-HAND-01", "Handkoffiemolen RVS", "89.95", "41.00", BackorderPolicyKind::kAllow, 20),
           MakeProduct("BN-ETH-1KG", "Koffiebonen Ethiopië Yirgacheffe 1 kg", "24.50", "11.20",
                       BackorderPolicyKind::kDeny),
           MakeProduct("FLT-V60-02", "Filterhouder V60 keramiek", "22.95", "8.10", BackorderPolicyKind::kAllow),
           MakeProduct("MLK-KAN-06", "Melkkan RVS 600 ml", "14.95", "5.25", BackorderPolicyKind::kDeny),
           MakeProduct("ESP-DUO", "Espressomachine Duo Boiler", "1249.00", "780.00", BackorderPolicyKind::kPreorder,
                       std::nullopt, Date::FromYmd(2026, 12, 15), 60),
       }) {
    shop.Seed(UpsertProduct{p, morning});
  }
  // A gift set: no stock of its own, made of two bags of beans and a milk jug.
  Product gift = MakeProduct("CADEAU-01", "Cadeauset Ethiopië & melkkan", "59.95", "27.65", BackorderPolicyKind::kDeny);
  gift.components = {Component{"BN-ETH-1KG", Quantity(2)}, Component{"MLK-KAN-06", Quantity(1)}};
  shop.Seed(UpsertProduct{gift, morning});
  shop.Seed(ReceiveStock{"KM-HAND-01", "main", Quantity(2), "opening stock", morning});
  shop.Seed(ReceiveStock{"BN-ETH-1KG", "main", Quantity(40), "opening stock", morning});
  shop.Seed(ReceiveStock{"BN-ETH-1KG", "winkel", Quantity(6), "opening stock", morning});
  shop.Seed(ReceiveStock{"MLK-KAN-06", "main", Quantity(5), "opening stock", morning});
  shop.Stock();

  out << "\n2. Orders come in\n";
  OrderId sanne = shop.Order("webshop", "1001", "2026-11-23T08:12:00Z", "sanne.devries@example.nl", "Sanne de Vries",
                             "nl", Payment::kPaid, ShipPolicy::kShipAvailable, {{"KM-HAND-01", 1}, {"BN-ETH-1KG", 2}});
  OrderId jeroen = shop.Order("bol", "B-771203", "2026-11-23T08:40:00Z", "jeroen.bakker@example.nl", "Jeroen Bakker",
                              "nl", Payment::kPaid, ShipPolicy::kShipAvailable, {{"KM-HAND-01", 2}});
  OrderId fatima = shop.Order("webshop", "1002", "2026-11-23T09:05:00Z", "fatima.elamrani@example.nl",
                              "Fatima El Amrani", "nl", Payment::kUnpaid, ShipPolicy::kShipComplete,
                              {{"KM-HAND-01", 1}, {"FLT-V60-02", 1}});
  OrderId emma = shop.Order("webshop", "1003", "2026-11-23T09:20:00Z", "emma.clarke@example.com", "Emma Clarke", "en",
                            Payment::kPaid, ShipPolicy::kShipAvailable, {{"KM-HAND-01", 1}});
  // A marketplace order placed earlier that reaches belofte late: it waits by its placed_at.
  OrderId pieter = shop.Order("bol", "B-771190", "2026-11-23T08:30:00Z", "pieter.jansen@example.nl", "Pieter Jansen",
                              "nl", Payment::kPaid, ShipPolicy::kShipAvailable, {{"FLT-V60-02", 2}});
  OrderId lotte = shop.Order("webshop", "1004", "2026-11-23T09:45:00Z", "lotte.visser@example.nl", "Lotte Visser",
                             "nl", Payment::kPaid, ShipPolicy::kShipAvailable, {{"ESP-DUO", 1}});
  shop.Order("bol", "B-771255", "2026-11-23T10:02:00Z", "kees.smit@example.nl", "Kees Smit", "nl", Payment::kPaid,
             ShipPolicy::kShipAvailable, {{"MLK-KAN-06", 6}});
  shop.Order("webshop", "1002", "2026-11-23T09:05:00Z", "fatima.elamrani@example.nl", "Fatima El Amrani", "nl",
             Payment::kUnpaid, ShipPolicy::kShipComplete, {{"KM-HAND-01", 1}, {"FLT-V60-02", 1}});
  out << "  (the last one was delivered twice by the web shop: still one order)\n";
  shop.Queue("KM-HAND-01");
  shop.Queue("FLT-V60-02");

  out << "\n3. Fatima pays; paid orders wait ahead of unpaid ones\n";
  shop.Report(shop.Do(SetPayment{fatima, Payment::kPaid, At("2026-11-23T11:00:00Z")}), "payment webshop/1002");
  shop.Queue("KM-HAND-01");

  out << "\n4. Customer service moves Emma's line to the front (she was promised it last week)\n";
  shop.Report(shop.Do(SetLinePriority{shop.FirstLine(emma), 10, At("2026-11-23T11:30:00Z")}), "priority webshop/1003");
  shop.Queue("KM-HAND-01");

  out << "\n5. Fatima's order ships complete: it cannot leave while a line waits\n";
  shop.Report(shop.Do(ShipOrder{fatima, "main", {}, At("2026-11-23T12:00:00Z")}), "ship webshop/1002");

  out << "\n6. The supplier delivers 3 hand grinders and 3 V60 holders\n";
  shop.Report(shop.Do(ReceiveStock{"KM-HAND-01", "main", Quantity(3), "PO 2026-041", At("2026-11-23T14:00:00Z")}),
              "receipt KM-HAND-01 × 3");
  shop.Report(shop.Do(ReceiveStock{"FLT-V60-02", "main", Quantity(3), "PO 2026-042", At("2026-11-23T14:05:00Z")}),
              "receipt FLT-V60-02 × 3");
  shop.Queue("KM-HAND-01");
  shop.Queue("FLT-V60-02");

  out << "\n7. The warehouse ships; a customer cancels and the stock goes back on the shelf\n";
  shop.Report(shop.Do(ShipOrder{sanne, "main", {}, At("2026-11-23T15:00:00Z")}), "ship webshop/1001");
  shop.Report(shop.Do(ShipOrder{fatima, "main", {}, At("2026-11-23T15:05:00Z")}), "ship webshop/1002");
  shop.Report(shop.Do(ShipOrder{emma, "main", {}, At("2026-11-23T15:10:00Z")}), "ship webshop/1003");
  shop.Report(shop.Do(CancelOrder{jeroen, {}, "klant annuleert", At("2026-11-23T16:00:00Z")}), "cancel bol/B-771203");

  out << "\n7b. A gift set: a bundle of 2 bags of beans and a milk jug, stock derived from its components\n";
  OrderId noor = shop.Order("webshop", "1005", "2026-11-23T16:30:00Z", "noor.bos@example.nl", "Noor Bos", "nl",
                            Payment::kPaid, ShipPolicy::kShipAvailable, {{"CADEAU-01", 2}});
  shop.Order("webshop", "1006", "2026-11-23T16:40:00Z", "daan.mulder@example.nl", "Daan Mulder", "nl", Payment::kPaid,
             ShipPolicy::kShipAvailable, {{"CADEAU-01", 4}});
  shop.Report(shop.Do(ShipOrder{noor, "main", {}, At("2026-11-23T17:00:00Z")}), "ship webshop/1005");

  out << "\n8. Promises: a supplier, a purchase order, and customers who wait for it\n";
  shop.Seed(UpsertSupplier{Supplier{"koffiegroothandel", "Koffiegroothandel Utrecht", "inkoop@koffiegroothandel.example",
                                    7, std::nullopt},
                           At("2026-11-23T17:10:00Z")});
  shop.Seed(UpsertSupplierTerms{SupplierTerms{"koffiegroothandel", "KM-HAND-01", Money(4100, "EUR"),
                                              Quantity(1), Quantity(1), 7, true},
                                At("2026-11-23T17:10:00Z")});
  shop.Order("webshop", "1007", "2026-11-23T17:20:00Z", "bram.hendriks@example.nl", "Bram Hendriks", "nl",
             Payment::kPaid, ShipPolicy::kShipAvailable, {{"KM-HAND-01", 3}});
  shop.Order("webshop", "1008", "2026-11-23T17:25:00Z", "sophie.deboer@example.nl", "Sophie de Boer", "nl",
             Payment::kPaid, ShipPolicy::kShipAvailable, {{"KM-HAND-01", 2}});
  auto po = shop.Do(CreatePurchaseOrder{"koffiegroothandel", {{"KM-HAND-01", Quantity(2), Date::FromYmd(2026, 11, 30)}},
                                        At("2026-11-23T17:30:00Z")});
  if (po.ok()) {
    shop.Report(shop.Do(SendPurchaseOrder{po->purchase_order, At("2026-11-23T17:30:00Z")}),
                "purchase order KM-HAND-01 × 2 sent, expected 2026-11-30");
  }
  shop.Queue("KM-HAND-01");
  if (po.ok()) {
    out << "  the supplier moves the delivery a week: the promise behind it moves (promise_changed)\n";
    shop.Report(shop.Do(MovePurchaseOrderDate{po->purchase_order, Date::FromYmd(2026, 12, 7), {},
                                              At("2026-11-24T09:00:00Z")}),
                "expected date 2026-12-07");
    shop.Queue("KM-HAND-01");
  }

  out << "\n9. End of the day\n";
  shop.Stock();
  out << "\n";
  for (OrderId id : {sanne, jeroen, fatima, emma, pieter, lotte, noor}) {
    out << fmt::format("  {:<14} {}\n", shop.names_[id], shop.Describe(id));
  }
}

int Demo(const std::string& db, std::ostream& out, std::ostream& err) {
  auto store = store::SqliteStore::Open(db);
  if (!store.ok()) {
    err << "belofte demo: " << store.error().message << "\n";
    return 1;
  }
  Engine engine;
  if (auto s = (*store)->Load(engine); !s.ok()) {
    err << "belofte demo: " << s.error().message << "\n";
    return 1;
  }
  if (!engine.state().skus.empty()) {
    err << "belofte demo: " << db << " already holds a shop; give a new file with --db\n";
    return 1;
  }
  app::ShopWriter writer(engine, **store);
  out << "Koffie & Co — a Monday of backorders (store: " << db << ")\n\n";
  RunDemoStory(writer, **store, out);
  writer.Stop();
  auto stats = writer.stats();
  out << fmt::format("\n{} commands ({} rejected) in {} durable transactions. Inspect the store with: belofte check "
                     "--db {}\n",
                     stats.commands, stats.rejected, stats.batches, db);
  return 0;
}

}  // namespace belofte::cli
