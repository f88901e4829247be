#include "running_emulator.h"

#include <gtest/gtest.h>

namespace ojsemu::testing {

namespace {
std::vector<std::string> flags_for(const std::string& version, std::vector<std::string> extra) {
  std::vector<std::string> flags = {"--ojs-version", version, "--api-key-secret", kTestSecret};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}
}  // namespace

RunningEmulator::RunningEmulator(const std::string& version, std::vector<std::string> extra)
    : process(flags_for(version, std::move(extra))), client(process.base()) {}

std::string RunningEmulator::token(const std::string& user) {
  const auto r = client.get("/__emulator/token?user=" + user);
  return std::string(boost::json::parse(r.body).at("token").as_string());
}

ClientResponse RunningEmulator::get(const std::string& rest, const std::string& user) {
  return client.get(api(rest), token(user));
}

ClientResponse RunningEmulator::send(const std::string& method, const std::string& rest, const std::string& body,
                                     const std::string& user) {
  return client.send_json(method, api(rest), token(user), body);
}

boost::json::value RunningEmulator::json(const std::string& rest, const std::string& user) {
  const auto r = get(rest, user);
  EXPECT_EQ(r.status, 200) << rest << ": " << r.body.substr(0, 300);
  return r.status == 200 ? boost::json::parse(r.body) : boost::json::value();
}

}  // namespace ojsemu::testing
