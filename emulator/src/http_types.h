// Transport-neutral HTTP request/response values. The OJS logic consumes and produces these so
// that it can be unit-tested without sockets; http_server.cc converts them from/to Beast.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ojsemu {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // upper case, as sent
  std::string target;  // path plus optional "?query", as sent
  HeaderList headers;
  std::string body;

  // First header with that name (case-insensitive); nullptr when absent.
  const std::string* header(std::string_view name) const;
  std::string_view path() const;
  std::string_view query() const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;  // sent in this order, names as written (OJS sends "Content-type" once)
  std::string body;

  const std::string* header(std::string_view name) const;
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace ojsemu
