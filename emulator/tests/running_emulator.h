// A started ojs-emulator plus a client and the admin's token: the common setup of the
// integration tests.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "emulator_process.h"
#include "http_client.h"

namespace ojsemu::testing {

inline constexpr const char* kTestSecret = "integration-test-secret";

class RunningEmulator {
 public:
  explicit RunningEmulator(const std::string& version, std::vector<std::string> extra = {});

  std::string token(const std::string& user = "admin");
  static std::string api(const std::string& rest) { return "/index.php/testj/api/v1" + rest; }
  ClientResponse get(const std::string& rest, const std::string& user = "admin");
  ClientResponse send(const std::string& method, const std::string& rest, const std::string& body,
                      const std::string& user = "admin");
  // GET that must answer 200 with JSON.
  boost::json::value json(const std::string& rest, const std::string& user = "admin");

  EmulatorProcess process;
  HttpClient client;
};

}  // namespace ojsemu::testing
