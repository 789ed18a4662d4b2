// http_client.h — a small blocking HTTP/1.1 client over libcurl, for tests on loopback.
//
// One HttpClient per thread (it reuses its connection). Bounded: every request times out after
// 30 seconds. Only for 127.0.0.1 / ::1.
#pragma once

#include <curl/curl.h>
#include <strings.h>

#include <map>
#include <string>
#include <vector>

namespace belofte::testing {

struct HttpResult {
  long status = 0;  // 0: no answer (connection refused, timeout)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string content_type() const {
    auto it = headers.find("content-type");
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(std::string base) : base_(std::move(base)), curl_(curl_easy_init()) {}
  ~HttpClient() { curl_easy_cleanup(curl_); }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void set_token(std::string token) { token_ = std::move(token); }

  HttpResult Get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return Send("GET", path, "", headers);
  }
  HttpResult Post(const std::string& path, const std::string& body, const std::vector<std::string>& headers = {}) {
    return Send("POST", path, body, headers);
  }
  HttpResult Put(const std::string& path, const std::string& body, const std::vector<std::string>& headers = {}) {
    return Send("PUT", path, body, headers);
  }

  HttpResult Send(const std::string& method, const std::string& path, const std::string& body,
                  const std::vector<std::string>& extra_headers = {}) {
    HttpResult result;
    curl_easy_reset(curl_);
    std::string url = base_ + path;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TCP_NODELAY, 1L);
    if (method != "GET") {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    struct curl_slist* headers = nullptr;
    bool own_type = false;  // a Content-Type among extra_headers replaces the default
    for (const auto& h : extra_headers) own_type = own_type || (h.size() >= 13 && strncasecmp(h.c_str(), "Content-Type:", 13) == 0);
    if (!own_type) headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    if (!token_.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token_).c_str());
    for (const auto& h : extra_headers) headers = curl_slist_append(headers, h.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &HttpClient::OnBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &result.body);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &HttpClient::OnHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &result.headers);
    if (curl_easy_perform(curl_) == CURLE_OK) curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &result.status);
    curl_slist_free_all(headers);
    return result;
  }

 private:
  static size_t OnBody(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }
  static size_t OnHeader(char* data, size_t size, size_t n, void* out) {
    std::string line(data, size * n);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
      (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
    }
    return size * n;
  }

  std::string base_;
  std::string token_;
  CURL* curl_;
};

}  // namespace belofte::testing
