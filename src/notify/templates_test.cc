// Rendering of customer notices: both languages, every kind, dates in words, escaping, the
// status link, override directories with fallback to the built-in templates.
#include "notify/templates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "notify/notify_test_util.h"
#include "support/temp_dir.h"

namespace belofte::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using belofte::testing::SamplePayload;

RendererOptions Options(std::string dir = {}) {
  return RendererOptions{"https://winkel.demok.nl/", "Webshop De Mok", "demok.nl", std::move(dir)};
}

std::unique_ptr<Renderer> MakeRenderer(std::string dir = {}) {
  auto r = Renderer::Create(Options(std::move(dir)));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r.value()) : nullptr;
}

void WriteFile(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

TEST(NoticeLanguageTest, DutchOnlyForNl) {
  EXPECT_EQ(NoticeLanguage("nl"), "nl");
  EXPECT_EQ(NoticeLanguage("nl-NL"), "nl");
  EXPECT_EQ(NoticeLanguage("NL-be"), "nl");
  EXPECT_EQ(NoticeLanguage("en"), "en");
  EXPECT_EQ(NoticeLanguage("de"), "en");
  EXPECT_EQ(NoticeLanguage(""), "en");
  EXPECT_EQ(NoticeLanguage("nld"), "en");
}

TEST(DateInWordsTest, DutchAndEnglish) {
  EXPECT_EQ(*DateInWords("2026-12-03", "nl"), "donderdag 3 december 2026");
  EXPECT_EQ(*DateInWords("2026-12-03", "en"), "Thursday 3 December 2026");
  EXPECT_EQ(*DateInWords("2026-12-02", "nl"), "woensdag 2 december 2026");
  EXPECT_EQ(*DateInWords("2028-02-29", "en"), "Tuesday 29 February 2028");
  EXPECT_EQ(*DateInWords("2026-03-01", "nl"), "zondag 1 maart 2026");
  EXPECT_FALSE(DateInWords("2026-02-30", "nl").ok());
  EXPECT_FALSE(DateInWords("3 december", "nl").ok());
  EXPECT_FALSE(DateInWords("", "en").ok());
}

TEST(RendererTest, BackorderedInDutch) {
  auto r = MakeRenderer();
  auto m = r->Render(42, SamplePayload("backordered", "nl-NL").dump());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->to, "anna@example.nl");
  EXPECT_EQ(m->to_name, "Anna de Vries");
  EXPECT_EQ(m->language, "nl");
  EXPECT_EQ(m->message_id, "<belofte-notice-42@demok.nl>");
  EXPECT_EQ(m->subject, "Je bestelling 1001: een deel komt later");
  EXPECT_THAT(m->text, HasSubstr("Hallo Anna de Vries,"));
  EXPECT_THAT(m->text, HasSubstr("2 x Mok blauw (van de 3)"));
  EXPECT_THAT(m->text, HasSubstr("Waarschijnlijk dinsdag 1 december 2026, uiterlijk donderdag 3 december 2026"));
  EXPECT_THAT(m->text, HasSubstr("besteld bij onze leverancier"));
  EXPECT_THAT(m->text, HasSubstr("https://winkel.demok.nl/status/Zm9vYmFy"));
  EXPECT_THAT(m->text, HasSubstr("Webshop De Mok"));
  EXPECT_THAT(m->text, Not(HasSubstr("\n\n\n")));
  EXPECT_THAT(m->html, HasSubstr("<html lang=\"nl\">"));
  EXPECT_THAT(m->html, HasSubstr("uiterlijk <strong>donderdag 3 december 2026</strong>"));
  EXPECT_THAT(m->html, HasSubstr("<a href=\"https://winkel.demok.nl/status/Zm9vYmFy\">"));
}

TEST(RendererTest, BackorderedInEnglish) {
  auto r = MakeRenderer();
  auto m = r->Render(42, SamplePayload("backordered", "en-GB").dump());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->language, "en");
  EXPECT_EQ(m->subject, "Your order 1001: part of it will follow later");
  EXPECT_THAT(m->text, HasSubstr("Probably Tuesday 1 December 2026, at the latest Thursday 3 December 2026"));
  EXPECT_THAT(m->text, HasSubstr("we have ordered it from our supplier"));
  EXPECT_THAT(m->text, HasSubstr("https://winkel.demok.nl/status/Zm9vYmFy"));
  EXPECT_THAT(m->html, HasSubstr("<html lang=\"en\">"));
}

TEST(RendererTest, EveryKindRendersInBothLanguagesWithTheStatusLink) {
  auto r = MakeRenderer();
  for (const auto& kind : Renderer::Kinds()) {
    for (const char* lang : {"nl", "en"}) {
      auto m = r->Render(1, SamplePayload(kind, lang).dump());
      ASSERT_TRUE(m.ok()) << kind << "." << lang << ": " << m.error().message;
      EXPECT_FALSE(m->subject.empty()) << kind;
      EXPECT_EQ(m->subject.find('\n'), std::string::npos) << kind;
      EXPECT_THAT(m->text, HasSubstr("https://winkel.demok.nl/status/Zm9vYmFy")) << kind << "." << lang;
      EXPECT_THAT(m->html, HasSubstr("href=\"https://winkel.demok.nl/status/Zm9vYmFy\"")) << kind << "." << lang;
      EXPECT_THAT(m->text, HasSubstr("Mok blauw")) << kind << "." << lang;
      EXPECT_THAT(m->html, HasSubstr("</html>")) << kind << "." << lang;
    }
  }
  EXPECT_TRUE(r->Check().ok());
}

TEST(RendererTest, PromiseChangedShowsOldAndNewDate) {
  auto r = MakeRenderer();
  auto nl = r->Render(1, SamplePayload("promise_changed", "nl").dump());
  ASSERT_TRUE(nl.ok());
  EXPECT_THAT(nl->text, HasSubstr("Eerder noemden we zaterdag 28 november 2026."));
  EXPECT_THAT(nl->text, HasSubstr("uiterlijk donderdag 3 december 2026"));
  auto en = r->Render(1, SamplePayload("promise_changed", "en").dump());
  ASSERT_TRUE(en.ok());
  EXPECT_THAT(en->text, HasSubstr("We told you Saturday 28 November 2026 before."));
  EXPECT_THAT(en->text, HasSubstr("at the latest Thursday 3 December 2026"));
}

TEST(RendererTest, BasisInPlainWords) {
  auto r = MakeRenderer();
  const std::pair<const char*, const char*> cases[] = {
      {"in_stock", "we have it in stock"},
      {"purchase_order", "we have ordered it from our supplier"},
      {"lead_time", "our supplier's usual delivery time"},
      {"release_date", "has not been released yet"}};
  for (const auto& [basis, words] : cases) {
    auto p = SamplePayload("still_waiting", "en");
    p["lines"][0]["promise"]["basis"] = basis;
    auto m = r->Render(1, p.dump());
    ASSERT_TRUE(m.ok());
    EXPECT_THAT(m->text, HasSubstr(words)) << basis;
  }
  auto p = SamplePayload("still_waiting", "nl");
  p["lines"][0]["promise"]["basis"] = "release_date";
  EXPECT_THAT(r->Render(1, p.dump())->text, HasSubstr("verschijningsdatum"));
  p["lines"][0]["promise"]["basis"] = "lead_time";
  EXPECT_THAT(r->Render(1, p.dump())->text, HasSubstr("gebruikelijke levertijd"));
}

TEST(RendererTest, OneDateWhenProbableAndLatestAreTheSame) {
  auto r = MakeRenderer();
  auto p = SamplePayload("backordered", "en");
  p["lines"][0]["promise"]["p50"] = "2026-12-03";
  auto m = r->Render(1, p.dump());
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(m->text, HasSubstr("Expected: Thursday 3 December 2026"));
  EXPECT_THAT(m->text, Not(HasSubstr("Probably")));
}

TEST(RendererTest, ShippedPartialOrFull) {
  auto r = MakeRenderer();
  auto p = SamplePayload("shipped", "nl");
  p["lines"][0]["promise"] = nullptr;
  p["partial"] = true;
  auto partial = r->Render(1, p.dump());
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->subject, "Een deel van je bestelling 1001 is onderweg");
  EXPECT_THAT(partial->text, HasSubstr("De rest volgt"));
  EXPECT_THAT(partial->text, Not(HasSubstr("uiterlijk")));
  p["partial"] = false;
  p["language"] = "en";
  auto full = r->Render(1, p.dump());
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->subject, "Your order 1001 is on its way");
  EXPECT_THAT(full->text, HasSubstr("That is everything"));
  EXPECT_THAT(full->text, Not(HasSubstr("The rest follows")));
}

TEST(RendererTest, CancelOfferAndCancelledSayWhy) {
  auto r = MakeRenderer();
  auto p = SamplePayload("cancel_offer", "nl");
  p["reason"] = "second_slip";
  auto offer = r->Render(1, p.dump());
  ASSERT_TRUE(offer.ok());
  EXPECT_THAT(offer->text, HasSubstr("De leverdatum is voor de tweede keer verschoven."));
  EXPECT_THAT(offer->text, HasSubstr("annuleren op de statuspagina"));
  p = SamplePayload("cancelled", "en");
  p["reason"] = "customer";
  p["lines"][0]["promise"] = nullptr;
  auto cancelled = r->Render(1, p.dump());
  ASSERT_TRUE(cancelled.ok());
  EXPECT_THAT(cancelled->text, HasSubstr("You cancelled this yourself on the status page."));
  EXPECT_THAT(cancelled->text, Not(HasSubstr("We are sorry")));
  p["reason"] = "max_wait";
  EXPECT_THAT(r->Render(1, p.dump())->text, HasSubstr("longer than the waiting time"));
}

TEST(RendererTest, CompensationVoucherPercentOrBoth) {
  auto r = MakeRenderer();
  auto p = SamplePayload("compensation", "en");
  p["voucher_code"] = "SORRY-5";
  auto code = r->Render(1, p.dump());
  ASSERT_TRUE(code.ok());
  EXPECT_THAT(code->text, HasSubstr("the discount code SORRY-5."));
  EXPECT_THAT(code->html, HasSubstr("<strong>SORRY-5</strong>"));
  p["percent"] = 10;
  EXPECT_THAT(r->Render(1, p.dump())->text, HasSubstr("the discount code SORRY-5 for 10% off."));
  p["voucher_code"] = "";
  p["language"] = "nl";
  EXPECT_THAT(r->Render(1, p.dump())->text, HasSubstr("krijg je van ons 10% korting."));
}

TEST(RendererTest, HtmlEscapesValuesAndTextDoesNot) {
  auto r = MakeRenderer();
  auto p = SamplePayload("backordered", "en");
  p["name"] = "Tom & \"Jerry\" <script>";
  p["lines"][0]["name"] = "Mok <b>blauw</b> & wit";
  p["status_token"] = "a b\"c<";
  auto m = r->Render(1, p.dump());
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(m->html, HasSubstr("Tom &amp; &quot;Jerry&quot; &lt;script&gt;"));
  EXPECT_THAT(m->html, HasSubstr("Mok &lt;b&gt;blauw&lt;/b&gt; &amp; wit"));
  EXPECT_THAT(m->html, Not(HasSubstr("<script>")));
  EXPECT_THAT(m->html, HasSubstr("href=\"https://winkel.demok.nl/status/a%20b%22c%3C\""));
  EXPECT_THAT(m->text, HasSubstr("Hello Tom & \"Jerry\" <script>,"));
  EXPECT_THAT(m->text, HasSubstr("Mok <b>blauw</b> & wit"));
}

TEST(RendererTest, NonAsciiTextSurvives) {
  auto r = MakeRenderer();
  auto p = SamplePayload("backordered", "nl");
  p["name"] = "Zoë Müller";
  p["lines"][0]["name"] = "Café-kop één";
  auto m = r->Render(1, p.dump());
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(m->text, HasSubstr("Hallo Zoë Müller,"));
  EXPECT_THAT(m->html, HasSubstr("Café-kop één"));
}

TEST(RendererTest, BadPayloadsAreErrors) {
  auto r = MakeRenderer();
  EXPECT_FALSE(r->Render(1, "not json").ok());
  auto p = SamplePayload();
  p["kind"] = "birthday";
  auto unknown = r->Render(1, p.dump());
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("unknown kind 'birthday'"));
  p = SamplePayload();
  p.erase("status_token");
  EXPECT_FALSE(r->Render(1, p.dump()).ok());
  p = SamplePayload();
  p["lines"][0]["promise"]["p90"] = "soon";
  EXPECT_THAT(r->Render(1, p.dump()).error().message, HasSubstr("'soon' is not a date"));
}

TEST(RendererTest, OverrideDirectoryReplacesSomeTemplatesAndFallsBackForTheRest) {
  belofte::testing::TempDir dir;
  WriteFile(dir.path() / "backordered.nl.subject.mustache", "Bestelling {{order_ref}} van {{shop_name}}: later\n");
  WriteFile(dir.path() / "footer.nl.txt.mustache", "Status: {{status_url}}\nGroet, het Mok-team\n");
  WriteFile(dir.path() / "README.txt", "not a template");
  auto r = MakeRenderer(dir.path().string());
  auto m = r->Render(1, SamplePayload("backordered", "nl").dump());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->subject, "Bestelling 1001 van Webshop De Mok: later");
  EXPECT_THAT(m->text, HasSubstr("Groet, het Mok-team"));
  EXPECT_THAT(m->text, HasSubstr("Status: https://winkel.demok.nl/status/Zm9vYmFy"));
  EXPECT_THAT(m->text, HasSubstr("uiterlijk donderdag 3 december 2026"));  // built-in body
  EXPECT_THAT(m->html, HasSubstr("Hartelijke groet"));                   // built-in HTML footer
  auto en = r->Render(1, SamplePayload("backordered", "en").dump());    // English untouched
  ASSERT_TRUE(en.ok());
  EXPECT_EQ(en->subject, "Your order 1001: part of it will follow later");
}

TEST(RendererTest, BrokenOverrideIsAnErrorOfTheNoticeNamingTheTemplate) {
  belofte::testing::TempDir dir;
  WriteFile(dir.path() / "backordered.en.txt.mustache", "Hello {{#lines}}{{name}}\n");  // unclosed section
  auto r = MakeRenderer(dir.path().string());
  auto m = r->Render(1, SamplePayload("backordered", "en").dump());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "template_error");
  EXPECT_THAT(m.error().message, HasSubstr("backordered.en.txt"));
  EXPECT_TRUE(r->Render(1, SamplePayload("backordered", "nl").dump()).ok());  // the others still render
  EXPECT_FALSE(r->Check().ok());
}

TEST(RendererTest, BrokenOverridePartialIsAnError) {
  belofte::testing::TempDir dir;
  WriteFile(dir.path() / "line_list.nl.html.mustache", "{{#lines}}<li>{{name}}</li>{{/line}}");
  auto r = MakeRenderer(dir.path().string());
  auto m = r->Render(1, SamplePayload("ready", "nl").dump());
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.error().message, HasSubstr("ready.nl.html"));
}

TEST(RendererTest, UnknownOverrideFileOrMissingDirectoryIsRejected) {
  belofte::testing::TempDir dir;
  WriteFile(dir.path() / "backorderd.nl.txt.mustache", "typo");
  auto r = Renderer::Create(Options(dir.path().string()));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("backorderd.nl.txt.mustache"));
  EXPECT_FALSE(Renderer::Create(Options((dir.path() / "nope").string())).ok());
  EXPECT_FALSE(Renderer::Create(RendererOptions{"", "Shop", "demok.nl", ""}).ok());
}

}  // namespace
}  // namespace belofte::notify
