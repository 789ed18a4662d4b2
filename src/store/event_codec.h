// event_codec.h — events to and from their stored JSON payloads.
//
// The `events` table keeps each event as (type, payload JSON). The payload is self-describing
// and stable: field names follow the API (sku, line_id, quantity ...), so the log is readable
// with SQLite's JSON functions. Encode writes the JSON directly (no DOM): compact, keys in byte
// order, strings escaped per RFC 8259 with UTF-8 passed through (a byte that is not well-formed
// UTF-8 becomes U+FFFD, so a payload is always valid JSON). Decode parses with nlohmann::json
// and rejects payloads it does not understand.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "engine/event.h"

namespace belofte::store {

std::string EncodeEventPayload(const engine::EventBody& body);
// Appends the payload to `*out`: lets a caller reuse one buffer for many events.
void AppendEventPayload(const engine::EventBody& body, std::string* out);
Result<engine::EventBody> DecodeEventPayload(std::string_view type, std::string_view payload);

}  // namespace belofte::store
