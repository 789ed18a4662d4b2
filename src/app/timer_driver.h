// timer_driver.h — TimerDriver: the clock at the edge for the shop's policy timers.
//
// The engine never reads a clock: its timers ("still waiting" notices, cancel offers and
// automatic cancellation past max_wait_days, compensation, release of unpaid allocations) fire
// when a RunTimers command tells it what time it is. This adapter submits one, stamped with the
// wall clock, every `interval` on a thread of its own — an ordinary command, evented and durable
// like any other, so replaying the log gives the same history.
// Thread safety: Start and Stop from one thread; Stop is prompt and idempotent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "app/shop_writer.h"

namespace belofte::app {

class TimerDriver {
 public:
  TimerDriver(ShopWriter& writer, std::function<Instant()> now, std::chrono::milliseconds interval);
  ~TimerDriver();  // Stop()
  TimerDriver(const TimerDriver&) = delete;
  TimerDriver& operator=(const TimerDriver&) = delete;

  // Runs the timers at once, then every interval.
  void Start();
  void Stop();

 private:
  void Run();

  ShopWriter& writer_;
  std::function<Instant()> now_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace belofte::app
