#include "app/notice_settings_json.h"

#include <cstdio>
#include <stdexcept>

namespace belofte::app {

using nlohmann::json;
using engine::NoticeKind;

std::string MinuteOfDay(int32_t minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60 % 100, minutes % 60);
  return buf;
}

std::optional<int32_t> ParseMinuteOfDay(std::string_view t) {
  const auto digit = [&](size_t i) { return t[i] >= '0' && t[i] <= '9'; };
  if (t.size() != 5 || t[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) return std::nullopt;
  const int h = (t[0] - '0') * 10 + (t[1] - '0');
  const int m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

json NoticeSettingsJson(const engine::NoticeSettings& s) {
  json enabled = json::array();
  for (int k = 0; k < engine::kNoticeKinds; ++k) {
    if (s.On(static_cast<NoticeKind>(k))) enabled.push_back(ToString(static_cast<NoticeKind>(k)));
  }
  return json{{"enabled", enabled},
              {"still_waiting_days", s.still_waiting_days},
              {"max_wait_action", ToString(s.max_wait_action)},
              {"second_slip_action", ToString(s.second_slip_action)},
              {"unpaid_release_hours", s.unpaid_release_hours},
              {"compensation",
               {{"after_days", s.compensation_after_days},
                {"voucher_code", s.voucher_code},
                {"percent", s.compensation_percent}}},
              {"quiet_hours",
               {{"enabled", s.quiet_hours},
                {"start", MinuteOfDay(s.quiet_start_minute)},
                {"end", MinuteOfDay(s.quiet_end_minute)},
                {"time_zone", s.time_zone}}},
              {"self_service",
               {{"cancel", s.self_cancel},
                {"ship_available", s.self_ship_available},
                {"keep_waiting", s.self_keep_waiting}}}};
}

engine::NoticeSettings NoticeSettingsFromJson(const json& j) {
  engine::NoticeSettings s;
  s.enabled = 0;
  for (const auto& k : j.at("enabled")) {
    auto kind = engine::ParseNoticeKind(k.get<std::string>());
    if (!kind) throw std::invalid_argument("unknown notice kind");
    s.Set(*kind, true);
  }
  s.still_waiting_days = j.at("still_waiting_days").get<int32_t>();
  s.max_wait_action = engine::ParseOverdueAction(j.at("max_wait_action").get<std::string>()).value();
  s.second_slip_action = engine::ParseOverdueAction(j.at("second_slip_action").get<std::string>()).value();
  s.unpaid_release_hours = j.at("unpaid_release_hours").get<int32_t>();
  const json& c = j.at("compensation");
  s.compensation_after_days = c.at("after_days").get<int32_t>();
  s.voucher_code = c.at("voucher_code").get<std::string>();
  s.compensation_percent = c.at("percent").get<int32_t>();
  const json& q = j.at("quiet_hours");
  s.quiet_hours = q.at("enabled").get<bool>();
  s.quiet_start_minute = ParseMinuteOfDay(q.at("start").get<std::string>()).value();
  s.quiet_end_minute = ParseMinuteOfDay(q.at("end").get<std::string>()).value();
  s.time_zone = q.at("time_zone").get<std::string>();
  const json& ss = j.at("self_service");
  s.self_cancel = ss.at("cancel").get<bool>();
  s.self_ship_available = ss.at("ship_available").get<bool>();
  s.self_keep_waiting = ss.at("keep_waiting").get<bool>();
  return s;
}

}  // namespace belofte::app
