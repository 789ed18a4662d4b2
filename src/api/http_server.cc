#include "api/http_server.h"

#include <restinio/all.hpp>

#include "api/problem.h"

namespace belofte::api {

namespace {

struct Traits : public restinio::default_traits_t {
  using logger_t = restinio::null_logger_t;
};

using Server = restinio::running_server_handle_t<Traits>;

// Bodies are read up to this size (or 4x the limit) so that the Api can answer 413 with a
// problem document; beyond it RESTinio closes the connection without an answer.
constexpr size_t kMinReadableBody = 64 * 1024 * 1024;

std::string Header(const restinio::request_handle_t& req, restinio::http_field_t field) {
  return req->header().get_field_or(field, "");
}

}  // namespace

struct HttpServer::Impl {
  Api& api;
  Options options;
  Server server;
  uint16_t bound_port = 0;
};

HttpServer::HttpServer(Api& api, Options options) : impl_(new Impl{api, std::move(options), nullptr, 0}) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Api* api = &impl_->api;
  auto handler = [api](restinio::request_handle_t req) {
    HttpRequest r;
    r.method = req->header().method().c_str();
    r.target = std::string(req->header().request_target());
    r.body = req->body();
    r.authorization = Header(req, restinio::http_field::authorization);
    r.idempotency_key = req->header().get_field_or("Idempotency-Key", "");
    r.accept = Header(req, restinio::http_field::accept);
    r.content_type = Header(req, restinio::http_field::content_type);
    api->Handle(std::move(r), [req](HttpResponse resp) {
      auto builder = req->create_response(restinio::http_status_line_t{
          restinio::http_status_code_t{static_cast<std::uint16_t>(resp.status)}, ReasonPhrase(resp.status)});
      builder.append_header(restinio::http_field::content_type, resp.content_type);
      for (auto& [name, value] : resp.headers) builder.append_header(name, value);
      builder.set_body(std::move(resp.body));
      builder.done();
    });
    return restinio::request_accepted();
  };
  try {
    auto settings = restinio::server_settings_t<Traits>{}
                        .address(impl_->options.host)
                        .port(impl_->options.port)
                        .request_handler(std::move(handler))
                        .incoming_http_msg_limits(
                            restinio::incoming_http_msg_limits_t{}.max_body_size(
                                std::max(impl_->options.max_body_bytes * 4, kMinReadableBody)))
                        .max_pipelined_requests(16)
                        .read_next_http_message_timelimit(std::chrono::seconds(60))
                        .handle_request_timeout(std::chrono::seconds(30));
    impl_->server = restinio::run_async<Traits>(restinio::own_io_context(), std::move(settings),
                                                impl_->options.threads);
  } catch (const std::exception& e) {
    return Error::Internal(std::string("cannot listen on ") + impl_->options.host + ":" +
                           std::to_string(impl_->options.port) + ": " + e.what());
  }
  impl_->bound_port = impl_->options.port;
  return Ok();
}

void HttpServer::Stop() {
  if (impl_ && impl_->server) {
    impl_->server->stop();
    impl_->server->wait();
    impl_->server.reset();
  }
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) {
    return Error::Invalid("invalid_listen", "--listen must be HOST:PORT, e.g. 127.0.0.1:8080", "listen");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  for (char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || (port = port * 10 + (c - '0')) > 65535) {
      return Error::Invalid("invalid_listen", "The port must be a number from 0 to 65535.", "listen");
    }
  }
  if (host.empty()) return Error::Invalid("invalid_listen", "--listen needs a host, e.g. 127.0.0.1:8080", "listen");
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace belofte::api
