// event_codec.h — events to and from their stored JSON payloads.
//
// The `events` table keeps each event as (type, payload JSON). The payload is self-describing
// and stable: field names follow the API (sku, line_id, quantity ...), so the log is readable
// with SQLite's JSON functions. Decode rejects payloads it does not understand.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "engine/event.h"

namespace belofte::store {

std::string EncodeEventPayload(const engine::EventBody& body);
Result<engine::EventBody> DecodeEventPayload(std::string_view type, std::string_view payload);

}  // namespace belofte::store
