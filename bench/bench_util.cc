#include "bench/bench_util.h"

#include <malloc.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace belofte::bench {

namespace {

int64_t StatusField(const char* field) {  // "VmRSS:  1234 kB" -> bytes
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0) return std::atoll(line.c_str() + n) * 1024;
  }
  return 0;
}

}  // namespace

int64_t RssBytes() { return StatusField("VmRSS:"); }
int64_t PeakRssBytes() { return StatusField("VmHWM:"); }

bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

IoBytes ProcessIo() {
  std::ifstream in("/proc/self/io");
  std::string key;
  int64_t value = 0;
  IoBytes io;
  while (in >> key >> value) {
    if (key == "rchar:") io.read = value;
    if (key == "wchar:") io.written = value;
  }
  return io;
}

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double ThreadsCpuSeconds(const std::string& name) {
  namespace fs = std::filesystem;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  double total = 0;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/self/task", ec)) {
    std::string comm;
    std::getline(std::ifstream(task.path() / "comm"), comm);
    if (comm != name) continue;
    std::string stat;
    std::getline(std::ifstream(task.path() / "stat"), stat);
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::atof(field.c_str());
      if (i == 15) stime = std::atof(field.c_str());
    }
    total += (utime + stime) / tick;
  }
  return total;
}

void TrimHeap() { malloc_trim(0); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1), values.end());
  return values[rank - 1];
}

void PrintTable(const std::string& title, const std::vector<Row>& rows) {
  size_t w[4] = {6, 8, 6, 15};
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.metric.size());
    w[1] = std::max(w[1], r.measured.size());
    w[2] = std::max(w[2], r.budget.size());
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::printf("| %-*s | %*s | %-*s | %-*s |\n", static_cast<int>(w[0]), a.c_str(), static_cast<int>(w[1]), b.c_str(),
                static_cast<int>(w[2]), c.c_str(), static_cast<int>(w[3]), d.c_str());
  };
  std::printf("\n%s\n", title.c_str());
  line("metric", "measured", "budget", "within budget?");
  std::printf("|%s|%s|%s|%s|\n", std::string(w[0] + 2, '-').c_str(), std::string(w[1] + 2, '-').c_str(),
              std::string(w[2] + 2, '-').c_str(), std::string(w[3] + 2, '-').c_str());
  for (const auto& r : rows) line(r.metric, r.measured, r.budget.empty() ? "-" : r.budget, r.within.empty() ? "-" : r.within);
  std::fflush(stdout);
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Thousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string FormatBytes(int64_t bytes) {
  char buf[64];
  double b = static_cast<double>(bytes);
  if (std::abs(b) >= 1024.0 * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  } else if (std::abs(b) >= 1024.0 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  }
  return buf;
}

TempDir::TempDir(const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* env = std::getenv("TMPDIR");
    base = env && *env ? env : "/tmp";
  }
  std::filesystem::create_directories(base);
  std::string pattern = base + "/belofte-bench-XXXXXX";
  if (!::mkdtemp(pattern.data())) {
    std::perror("mkdtemp");
    std::exit(2);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

BulkLoader::BulkLoader(engine::Engine& engine, app::ShopStore* store, size_t batch_events)
    : engine_(engine), store_(store), batch_(std::max<size_t>(1, batch_events)) {}

BulkLoader::~BulkLoader() { Flush(); }

void BulkLoader::Execute(const engine::Command& command) {
  auto t0 = Clock::now();
  size_t before = pending_.size();
  auto r = engine_.Execute(command, &pending_);
  execute_seconds += SecondsSince(t0);
  ++commands;
  events += pending_.size() - before;
  if (!r.ok()) {
    if (rejected++ == 0) first_error = r.error().code + ": " + r.error().message;
  }
  if (!store_) {
    pending_.clear();
  } else if (pending_.size() >= batch_) {
    Flush();
  }
}

void BulkLoader::Flush() {
  if (!store_ || pending_.empty()) return;
  auto t0 = Clock::now();
  Status s = store_->Commit(pending_, engine_.state());
  commit_seconds += SecondsSince(t0);
  if (!s.ok()) {
    std::fprintf(stderr, "bench: commit failed: %s\n", s.error().message.c_str());
    std::exit(2);
  }
  ++commits;
  pending_.clear();
}

Status TimingStore::Commit(const std::vector<engine::Event>& batch, const std::vector<app::KeyedReply>& replies,
                           const engine::ShopState& state) {
  auto t0 = Clock::now();
  const double cpu0 = ThreadCpuSeconds();
  Status s = inner_.Commit(batch, replies, state);
  const double t = SecondsSince(t0);
  commit_cpu_seconds += ThreadCpuSeconds() - cpu0;
  commit_seconds += t;
  commit_times.push_back(t);
  ++commits;
  events += batch.size();
  return s;
}

BookFigures CountBook(const engine::ShopState& state) {
  BookFigures f;
  f.skus = state.skus.size();
  for (const auto& [code, sku] : state.skus) {
    if (!sku.queue.empty()) ++f.skus_waiting;
    f.lines_waiting += sku.queue.size();
    f.units_waiting += sku.backordered.units();
  }
  f.open_orders = state.orders.size();
  for (const auto& [id, order] : state.orders) {
    for (const auto& line : order.lines) {
      if (line.remaining().positive()) ++f.open_lines;
    }
  }
  return f;
}

}  // namespace belofte::bench
