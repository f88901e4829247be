#include "connectors/ojs/ojs_url.h"

namespace ojsync {
namespace {

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool valid_base(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/') return false;
  for (char c : rest) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '?' || c == '#' || c == '\\' || c == '@') return false;
  }
  return true;
}

bool valid_journal_path(std::string_view p) {
  if (p.empty() || p.size() > 64 || p == "." || p == "..") return false;
  for (char c : p) {
    if (!unreserved(c) || c == '~') return false;
  }
  return true;
}

}  // namespace

std::string percent_encode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (unreserved(c)) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

Result<OjsUrl> OjsUrl::make(std::string_view base_url, std::string_view journal_path,
                            bool use_index_php) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  if (!valid_base(base_url)) {
    return InvalidArgument(
        "OJS base_url must be http(s)://host[:port][/path] without query, fragment or credentials");
  }
  if (!valid_journal_path(journal_path)) {
    return InvalidArgument("OJS journal_path must be 1-64 characters of [A-Za-z0-9._-]");
  }
  OjsUrl url;
  url.prefix_ = std::string(base_url);
  if (use_index_php) url.prefix_ += "/index.php";
  url.prefix_ += "/";
  url.prefix_ += journal_path;
  url.prefix_ += "/api/v1";
  return url;
}

std::string OjsUrl::api(std::string_view path, const QueryParams& query) const {
  std::string out = prefix_;
  out += path;
  char separator = '?';
  for (const auto& [name, value] : query) {
    out += separator;
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
    separator = '&';
  }
  return out;
}

}  // namespace ojsync
