// customer_words.h — the words customers read, shared by the e-mails (notify/templates.cc) and
// the status page (api/status_page.cc): whether a customer reads Dutch, a date in words, and the
// basis of a promise in plain words, in Dutch and English. Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "domain/promise.h"
#include "domain/time.h"

namespace belofte {

// True for "nl", "nl-NL", "NL_be" ...; every other language reads English.
bool ReadsDutch(std::string_view language);

// "donderdag 3 december 2026" / "Thursday 3 December 2026".
std::string DateInWords(Date date, bool dutch);

// Why the date is what it is: in stock, ordered from the supplier, not yet ordered, not released.
const char* BasisInWords(PromiseBasis basis, bool dutch);

}  // namespace belofte
