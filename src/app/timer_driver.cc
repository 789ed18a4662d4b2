#include "app/timer_driver.h"

#include <spdlog/spdlog.h>

namespace belofte::app {

TimerDriver::TimerDriver(ShopWriter& writer, std::function<Instant()> now, std::chrono::milliseconds interval)
    : writer_(writer), now_(std::move(now)), interval_(interval) {}

TimerDriver::~TimerDriver() { Stop(); }

void TimerDriver::Start() { thread_ = std::thread([this] { Run(); }); }

void TimerDriver::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TimerDriver::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto done = writer_.Execute(engine::RunTimers{now_()});
    if (!done.ok()) spdlog::warn(R"({{"event":"timers_failed","error":"{}"}})", done.error().message);
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace belofte::app
