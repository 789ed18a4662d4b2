// http_server.h — HttpServer: the Api over real sockets (RESTinio on asio).
//
// The only translation unit that includes RESTinio: it turns each HTTP request into an
// api::HttpRequest and hands it to Api::Handle, and sends the answer whenever the callback
// runs (RESTinio posts it to the connection's strand, so any thread may answer). No thread
// waits for a durable commit: handlers return at once and the writer answers later.
// Thread safety: Start/Stop from one thread.
#pragma once

#include <memory>
#include <string>

#include "api/api.h"
#include "common/result.h"

namespace belofte::api {

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;
    size_t threads = 2;
    size_t max_body_bytes = 4 * 1024 * 1024;  // larger bodies get 413 (read up to max(4x this, 64 MiB))
  };
  HttpServer(Api& api, Options options);
  ~HttpServer();

  // Binds and starts serving; fails when the address is taken.
  Status Start();
  // Stops accepting and closes connections (call after the Api drained).
  void Stop();
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "host:port" ("127.0.0.1:8080", "[::1]:8080").
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen);

}  // namespace belofte::api
