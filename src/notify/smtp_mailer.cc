#include "notify/smtp_mailer.h"

#include "notify/percent_encode.h"

#include <curl/curl.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <optional>
#include <memory>
#include <mutex>

namespace belofte::notify {

namespace {

constexpr int kPollMs = 100;            // how often a running Send looks at `cancel`
constexpr size_t kMaxEncodedWord = 75;  // RFC 2047 section 2

Error UrlError(std::string message) { return Error::Invalid("invalid_smtp_url", std::move(message), "smtp_url"); }
Error FromError(std::string message) { return Error::Invalid("invalid_mail_from", std::move(message), "mail_from"); }

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}


bool IsPrintableAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string Base64(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  while (i + 2 < in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
    i += 3;
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Length of the UTF-8 sequence starting with lead byte c (1 for stray continuation bytes).
size_t Utf8Length(unsigned char c) {
  if (c >= 0xf0) return 4;
  if (c >= 0xe0) return 3;
  if (c >= 0xc0) return 2;
  return 1;
}

void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct CurlDeleter {
  void operator()(curl_slist* s) const { curl_slist_free_all(s); }
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};

}  // namespace

bool IsPlausibleAddress(std::string_view address) {
  size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  for (unsigned char c : address) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == '"' || c == '(' || c == ')') return false;
  }
  return true;
}

Result<SmtpConfig> SmtpConfig::Parse(std::string_view url, std::string_view from) {
  SmtpConfig config;
  if (url.empty()) return UrlError("the SMTP URL is empty (expected smtp://host:port or smtps://user:pass@host:port)");
  if (HasControl(url)) return UrlError("the SMTP URL contains control characters");
  std::string_view rest;
  if (url.substr(0, 7) == "smtp://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "smtps://") {
    config.implicit_tls = true;
    config.port = 465;
    rest = url.substr(8);
  } else {
    return UrlError("the SMTP URL must start with smtp:// or smtps://, got '" + std::string(url.substr(0, 12)) + "'");
  }
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return UrlError("the SMTP URL must not have a path");
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::string_view user = userinfo, pass;
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      pass = userinfo.substr(colon + 1);
    }
    auto u = PercentDecode(user);
    auto p = PercentDecode(pass);
    if (!u || !p) return UrlError("the SMTP URL's user or password has a bad %-escape");
    if (u->empty()) return UrlError("the SMTP URL has a password but no user name");
    config.username = *u;
    config.password = *p;
  }
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return UrlError("the SMTP URL has an unclosed '[' in its host");
    config.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return UrlError("the SMTP URL has text after its host");
      port_text = after.substr(1);
      if (port_text.empty()) return UrlError("the SMTP URL has an empty port");
    }
  } else {
    size_t colon = rest.find(':');
    config.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) return UrlError("the SMTP URL has an empty port");
    }
  }
  if (config.host.empty()) return UrlError("the SMTP URL has no host");
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
      return UrlError("the SMTP URL's port must be a number from 1 to 65535, got '" + std::string(port_text) + "'");
    }
    config.port = port;
  }
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item == "starttls=try") {
      config.starttls = StartTls::kTry;
    } else if (item == "starttls=required") {
      config.starttls = StartTls::kRequired;
    } else if (item == "starttls=none") {
      config.starttls = StartTls::kNone;
    } else if (!item.empty()) {
      return UrlError("unknown SMTP URL option '" + std::string(item) +
                      "' (known: starttls=try, starttls=required, starttls=none)");
    }
  }
  if (config.implicit_tls && config.starttls == StartTls::kNone) {
    return UrlError("smtps:// always uses TLS: starttls=none contradicts it");
  }

  // From: `address` or `Name <address>` or `"Name" <address>`.
  std::string_view f = from;
  while (!f.empty() && f.front() == ' ') f.remove_prefix(1);
  while (!f.empty() && f.back() == ' ') f.remove_suffix(1);
  if (f.empty()) return FromError("the sender address (mail from) is empty");
  if (HasControl(f)) return FromError("the sender address contains control characters");
  if (f.back() == '>') {
    size_t open = f.rfind('<');
    if (open == std::string_view::npos) return FromError("the sender address has '>' without '<'");
    config.from_address = std::string(f.substr(open + 1, f.size() - open - 2));
    std::string_view name = f.substr(0, open);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (name.find('"') != std::string_view::npos) return FromError("the sender's name has a stray '\"'");
    config.from_name = std::string(name);
  } else {
    config.from_address = std::string(f);
  }
  if (!IsPlausibleAddress(config.from_address)) {
    return FromError("the sender address '" + config.from_address + "' is not an e-mail address");
  }
  return config;
}

std::string SmtpConfig::FromDomain() const { return from_address.substr(from_address.find('@') + 1); }

std::string SmtpConfig::Url() const {
  std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  // The path is the domain curl greets with (EHLO): the sender's domain.
  return std::string(implicit_tls ? "smtps://" : "smtp://") + host_part + ":" + std::to_string(port) + "/" +
         FromDomain();
}

std::string SmtpConfig::Describe() const {
  std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string user = username.empty() ? "" : PercentEncode(username) + (password.empty() ? "@" : ":***@");
  return std::string(implicit_tls ? "smtps://" : "smtp://") + user + host_part + ":" + std::to_string(port);
}

std::string EncodeHeaderText(std::string_view text) {
  if (IsPrintableAscii(text)) return std::string(text);
  // Each word: "=?UTF-8?B?" + base64 + "?=", 12 characters of overhead; 63 left is 15 groups of
  // 4, 45 bytes of text.
  constexpr size_t kBytesPerWord = (kMaxEncodedWord - 12) / 4 * 3;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;
    while (end < text.size()) {
      size_t n = Utf8Length(static_cast<unsigned char>(text[end]));
      if (end + n - i > kBytesPerWord) break;
      end += n;
    }
    if (end == i) end = std::min(text.size(), i + kBytesPerWord);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string FormatMailbox(std::string_view name, std::string_view address) {
  std::string addr(address);
  if (name.empty()) return addr;
  std::string n(name);
  for (char& c : n) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  if (!IsPrintableAscii(n)) return EncodeHeaderText(n) + " <" + addr + ">";
  bool plain = true;
  for (unsigned char c : n) {
    if (!(std::isalnum(c) || c == ' ' || std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
                                             std::string_view::npos)) {
      plain = false;
    }
  }
  if (plain) return n + " <" + addr + ">";
  std::string quoted = "\"";
  for (char c : n) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\" <" + addr + ">";
}

std::string FormatMailDate(std::time_t t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

SmtpMailer::SmtpMailer(SmtpConfig config) : config_(std::move(config)) { CurlGlobalInit(); }

Status SmtpMailer::Send(const Message& message, const std::atomic<bool>* cancel) {
  if (!IsPlausibleAddress(message.to)) {
    return Error::Invalid("invalid_recipient", "the recipient '" + message.to + "' is not an e-mail address", "to");
  }
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
  if (!curl || !multi) return Error::Internal("curl: cannot create a handle");
  CURL* c = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  const std::string url = config_.Url();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.total_timeout.count()));
  if (!config_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
  }
  if (!config_.implicit_tls) {
    long ssl = config_.starttls == StartTls::kRequired ? CURLUSESSL_ALL
               : config_.starttls == StartTls::kTry    ? CURLUSESSL_TRY
                                                       : CURLUSESSL_NONE;
    curl_easy_setopt(c, CURLOPT_USE_SSL, ssl);
  }
  const std::string mail_from = "<" + config_.from_address + ">";
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  std::unique_ptr<curl_slist, CurlDeleter> rcpt(curl_slist_append(nullptr, ("<" + message.to + ">").c_str()));
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());

  curl_slist* headers = nullptr;
  for (const std::string& h :
       {"Date: " + FormatMailDate(std::time(nullptr)), "From: " + FormatMailbox(config_.from_name, config_.from_address),
        "To: " + FormatMailbox(message.to_name, message.to), "Subject: " + EncodeHeaderText(message.subject),
        "Message-ID: " + message.message_id, "Content-Language: " + message.language}) {
    headers = curl_slist_append(headers, h.c_str());
  }
  std::unique_ptr<curl_slist, CurlDeleter> header_list(headers);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  // multipart/mixed { multipart/alternative { text/plain, text/html } }, as curl builds mail.
  std::unique_ptr<curl_mime, CurlDeleter> mime(curl_mime_init(c));
  curl_mime* alternative = curl_mime_init(c);
  curl_mimepart* part = curl_mime_addpart(alternative);
  curl_mime_data(part, message.text.data(), message.text.size());
  curl_mime_type(part, "text/plain; charset=utf-8");
  curl_mime_encoder(part, "quoted-printable");
  part = curl_mime_addpart(alternative);
  curl_mime_data(part, message.html.data(), message.html.size());
  curl_mime_type(part, "text/html; charset=utf-8");
  curl_mime_encoder(part, "quoted-printable");
  part = curl_mime_addpart(mime.get());
  curl_mime_subparts(part, alternative);  // `part` owns `alternative` now
  curl_mime_type(part, "multipart/alternative");
  std::unique_ptr<curl_slist, CurlDeleter> inline_header(curl_slist_append(nullptr, "Content-Disposition: inline"));
  curl_mime_headers(part, inline_header.release(), 1);
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());

  // The multi interface, so a cancel is seen within kPollMs whatever the server does.
  curl_multi_add_handle(multi.get(), c);
  CURLcode result = CURLE_OK;
  bool cancelled = false;
  for (;;) {
    int running = 0;
    CURLMcode mc = curl_multi_perform(multi.get(), &running);
    if (mc != CURLM_OK) {
      curl_multi_remove_handle(multi.get(), c);
      return Error::Internal(std::string("curl multi: ") + curl_multi_strerror(mc));
    }
    if (running == 0) {
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
        if (msg->msg == CURLMSG_DONE) result = msg->data.result;
      }
      break;
    }
    if (cancel && cancel->load()) {
      // No polite QUIT on a connection whose server may not answer: closing would wait for it
      // up to total_timeout.
      curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
      curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1L);
      cancelled = true;
      break;
    }
    curl_multi_poll(multi.get(), nullptr, 0, kPollMs, nullptr);
  }
  curl_multi_remove_handle(multi.get(), c);
  if (cancelled) return Error::Internal("sending cancelled (shutting down) before the server accepted the message");
  if (result != CURLE_OK) {
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    std::string text = errbuf[0] ? errbuf : curl_easy_strerror(result);
    std::string error = "smtp " + config_.Describe() + ": " + text;
    if (code > 0 && text.find(std::to_string(code)) == std::string::npos) error += " (reply " + std::to_string(code) + ")";
    return Error::Internal(std::move(error)).With("smtp_reply", std::to_string(code));
  }
  return Ok();
}

}  // namespace belofte::notify
