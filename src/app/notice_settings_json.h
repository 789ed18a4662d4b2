// notice_settings_json.h — the shop's notice settings as JSON: the shape of
// `GET /api/v1/settings/notifications` and of the `notice_settings_changed` event's payload.
// (The API reads a PUT with its strict JsonReader, naming the field at fault; the store decodes its
// own payloads with NoticeSettingsFromJson.) Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/notice_state.h"

namespace belofte::app {

nlohmann::json NoticeSettingsJson(const engine::NoticeSettings& settings);
// REQUIRES: JSON written by NoticeSettingsJson; throws std::exception otherwise.
engine::NoticeSettings NoticeSettingsFromJson(const nlohmann::json& j);
// "22:00" -> 1320; nullopt unless HH:MM within a day.
std::optional<int32_t> ParseMinuteOfDay(std::string_view text);
std::string MinuteOfDay(int32_t minutes);

}  // namespace belofte::app
