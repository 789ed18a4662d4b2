// http_bench — the HTTP API under load, against DESIGN's budget:
//   durable order intake over HTTP (orders/s, lines/s),
//   an availability-style read (GET /api/v1/products/{sku}) paced at a fixed rate (default
//   5,000 req/s): p50 / p99 latency (budget p99 <= 2 ms),
//   and the server's CPU time per request (CPU-µs/request, from /proc/<pid>/stat).
// The server runs as its own process (`belofte serve`) on a fresh SQLite file on loopback;
// the clients are threads of this process with keep-alive connections (libcurl).
// Usage: http_bench --belofte PATH [--skus 2000] [--seconds 5] [--rate 5000] [--clients 32] [--json]
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"

using namespace belofte::bench;

namespace {

constexpr const char* kToken = "blft_http-bench-token-0123456789abcdefghijklmnop";

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// CPU seconds (user + system) a process has used.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stol(f);
    if (i == 15) stime = std::stol(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

class Client {
 public:
  explicit Client(std::string base) : base_(std::move(base)), curl_(curl_easy_init()) {
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    headers_ = curl_slist_append(headers_, (std::string("Authorization: Bearer ") + kToken).c_str());
    headers_ = curl_slist_append(headers_, "Expect:");
  }
  ~Client() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  long Send(const char* method, const std::string& path, const std::string& body = "") {
    std::string url = base_ + path;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Discard);
    if (std::string(method) == "GET") {
      curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    long status = 0;
    if (curl_easy_perform(curl_) == CURLE_OK) curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

 private:
  std::string base_;
  CURL* curl_;
  curl_slist* headers_ = nullptr;
};

std::string Sku(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "HB-%06d", i);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"belofte HTTP benchmark"};
  std::string belofte;
  int skus = 2000, clients = 32;
  double seconds = 5, rate = 5000;
  bool json = false;
  app.add_option("--belofte", belofte, "Path to the belofte binary")->required();
  app.add_option("--skus", skus, "Products in the shop")->capture_default_str();
  app.add_option("--seconds", seconds, "Duration of each phase")->capture_default_str();
  app.add_option("--rate", rate, "Read requests per second in the paced phase")->capture_default_str();
  app.add_option("--clients", clients, "Client threads for the write phase")->capture_default_str();
  app.add_flag("--json", json, "Print the figures as one JSON line at the end");
  CLI11_PARSE(app, argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  TempDir dir;
  std::string db = dir.path() + "/http.db";
  uint16_t port = FreePort();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("BELOFTE_ADMIN_TOKEN", kToken, 1);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    std::string listen = "127.0.0.1:" + std::to_string(port);
    execl(belofte.c_str(), belofte.c_str(), "serve", "--db", db.c_str(), "--listen", listen.c_str(), nullptr);
    _exit(127);
  }
  {
    Client probe(base);
    bool up = false;
    for (int i = 0; i < 500 && !up; ++i) {
      up = probe.Send("GET", "/healthz") == 200;
      if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!up) {
      std::fprintf(stderr, "http_bench: the server did not start\n");
      kill(pid, SIGKILL);
      return 1;
    }
  }

  // Set-up: products, half of them with stock (the rest backorder).
  {
    std::vector<std::thread> setup;
    for (int t = 0; t < 4; ++t) {
      setup.emplace_back([&, t] {
        Client c(base);
        for (int i = t; i < skus; i += 4) {
          c.Send("PUT", "/api/v1/products/" + Sku(i),
                 R"({"name":"Product )" + std::to_string(i) + R"(","price":"12.95","backorder":{"policy":"allow"}})");
          if (i % 2 == 0) {
            c.Send("POST", "/api/v1/stock/adjustments",
                   R"({"sku":")" + Sku(i) + R"(","delta":1000000,"reason":"bench"})");
          }
        }
      });
    }
    for (auto& t : setup) t.join();
  }

  // Phase 1: durable order intake over HTTP, closed loop.
  std::atomic<long> orders{0}, lines{0}, failures{0};
  double cpu_before = CpuSeconds(pid);
  auto started = Clock::now();
  {
    std::vector<std::thread> workers;
    for (int t = 0; t < clients; ++t) {
      workers.emplace_back([&, t] {
        Client c(base);
        std::mt19937 rng(static_cast<unsigned>(t) * 7919u + 1u);
        for (long n = 0; SecondsSince(started) < seconds; ++n) {
          int count = 1 + static_cast<int>(rng() % 3);
          std::string body = R"({"channel":"web","external_id":")" + std::to_string(t) + "-" + std::to_string(n) +
                             R"(","payment":"paid","customer":{"email":"k@example.nl","name":"K"},"lines":[)";
          for (int l = 0; l < count; ++l) {
            body += (l ? "," : "") + std::string(R"({"sku":")") + Sku(static_cast<int>(rng() % skus)) +
                    R"(","quantity":1})";
          }
          body += "]}";
          if (c.Send("POST", "/api/v1/orders", body) == 201) {
            orders++;
            lines += count;
          } else {
            failures++;
          }
        }
      });
    }
    for (auto& w : workers) w.join();
  }
  double write_seconds = SecondsSince(started);
  double write_cpu = CpuSeconds(pid) - cpu_before;

  // Phase 2: paced reads at a fixed rate, latency per request.
  constexpr int kReaders = 8;
  std::vector<std::vector<double>> latencies(kReaders);
  std::atomic<long> reads{0}, read_failures{0};
  cpu_before = CpuSeconds(pid);
  started = Clock::now();
  {
    std::vector<std::thread> readers;
    for (int t = 0; t < kReaders; ++t) {
      readers.emplace_back([&, t] {
        Client c(base);
        std::mt19937 rng(static_cast<unsigned>(t) + 99u);
        const double interval = kReaders / rate;  // seconds between this thread's requests
        auto next = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval * t / kReaders));
        while (SecondsSince(started) < seconds) {
          std::this_thread::sleep_until(next);
          auto t0 = Clock::now();
          long status = c.Send("GET", "/api/v1/products/" + Sku(static_cast<int>(rng() % skus)));
          latencies[t].push_back(SecondsSince(t0) * 1000.0);
          (status == 200 ? reads : read_failures)++;
          next += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval));
        }
      });
    }
    for (auto& r : readers) r.join();
  }
  double read_seconds = SecondsSince(started);
  double read_cpu = CpuSeconds(pid) - cpu_before;
  std::vector<double> all;
  for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  double p50 = Percentile(all, 50), p99 = Percentile(all, 99);

  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);

  double orders_per_s = orders / write_seconds, lines_per_s = lines / write_seconds;
  double achieved_rate = (reads + read_failures) / read_seconds;
  double cpu_us_write = orders ? write_cpu / orders * 1e6 : 0;
  double cpu_us_read = reads ? read_cpu / reads * 1e6 : 0;
  PrintTable("HTTP API (" + std::to_string(skus) + " SKUs, server on loopback, " + std::to_string(clients) +
                 " write clients)",
             {
                 {"orders/s over HTTP, durable", Thousands(static_cast<int64_t>(orders_per_s)), "", ""},
                 {"order lines/s over HTTP, durable", Thousands(static_cast<int64_t>(lines_per_s)), ">= 50,000",
                  Verdict(lines_per_s >= 50000)},
                 {"server CPU-µs per order request", std::to_string(static_cast<int>(cpu_us_write)), "", ""},
                 {"GET rate achieved (req/s)", Thousands(static_cast<int64_t>(achieved_rate)),
                  Thousands(static_cast<int64_t>(rate)), Verdict(achieved_rate >= rate * 0.95)},
                 {"GET p50 latency (ms)", std::to_string(p50).substr(0, 5), "", ""},
                 {"GET p99 latency (ms)", std::to_string(p99).substr(0, 5), "<= 2 ms", Verdict(p99 <= 2.0)},
                 {"server CPU-µs per GET", std::to_string(static_cast<int>(cpu_us_read)), "", ""},
                 {"failed requests", std::to_string(failures + read_failures), "0",
                  Verdict(failures + read_failures == 0)},
             });
  if (json) {
    std::printf(
        "{\"bench\":\"http\",\"skus\":%d,\"orders_per_s\":%.0f,\"lines_per_s\":%.0f,\"cpu_us_per_order\":%.1f,"
        "\"get_rate\":%.0f,\"get_p50_ms\":%.3f,\"get_p99_ms\":%.3f,\"cpu_us_per_get\":%.1f,\"failures\":%ld}\n",
        skus, orders_per_s, lines_per_s, cpu_us_write, achieved_rate, p50, p99, cpu_us_read,
        static_cast<long>(failures + read_failures));
  }
  return failures + read_failures == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
