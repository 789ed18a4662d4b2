#include "domain/money.h"

#include <gtest/gtest.h>

namespace belofte {
namespace {

TEST(Money, ParsesDecimalStrings) {
  EXPECT_EQ(Money::ParseCents("12.95"), 1295);
  EXPECT_EQ(Money::ParseCents("12.9"), 1290);
  EXPECT_EQ(Money::ParseCents("12"), 1200);
  EXPECT_EQ(Money::ParseCents("0.05"), 5);
  EXPECT_EQ(Money::ParseCents("-3.50"), -350);
  EXPECT_EQ(Money::ParseCents("1249.00"), 124900);
}

TEST(Money, RejectsAnythingThatIsNotAPlainDecimal) {
  for (const char* bad : {"", "-", ".5", "12.", "12.955", "12,95", "1e3", " 1", "1 ", "+1", "0x10", "NaN", "12.9a",
                          "99999999999999999999"}) {
    EXPECT_FALSE(Money::ParseCents(bad).has_value()) << bad;
  }
}

TEST(Money, FormatsWithTwoDecimals) {
  EXPECT_EQ(Money(1295, "EUR").ToDecimalString(), "12.95");
  EXPECT_EQ(Money(5, "EUR").ToDecimalString(), "0.05");
  EXPECT_EQ(Money(-350, "EUR").ToDecimalString(), "-3.50");
  EXPECT_EQ(Money(0, "EUR").ToDecimalString(), "0.00");
}

TEST(Money, RoundTripsEveryCentValueInARange) {
  for (int64_t c = -1000; c <= 100000; c += 7) {
    EXPECT_EQ(Money::ParseCents(Money(c, "EUR").ToDecimalString()), c);
  }
}

TEST(Money, ValidatesCurrencyCodes) {
  EXPECT_TRUE(Money::ValidCurrency("EUR"));
  EXPECT_TRUE(Money::ValidCurrency("USD"));
  EXPECT_FALSE(Money::ValidCurrency("eur"));
  EXPECT_FALSE(Money::ValidCurrency("EU"));
  EXPECT_FALSE(Money::ValidCurrency("EURO"));
}

}  // namespace
}  // namespace belofte
