// docs/openapi.json describes exactly the routes the router serves: no route undocumented, no
// documented route missing, every operation documents its answers, and each one's x-roles are
// the roles its policy admits (so the documentation cannot drift from the access control).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "service/api.h"

namespace ojsync::service {
namespace {

TEST(OpenApiTest, DocumentsExactlyTheRoutesServed) {
  std::ifstream in(OJSYNC_SOURCE_DIR "/docs/openapi.json");
  ASSERT_TRUE(in) << "docs/openapi.json is missing";
  std::stringstream text;
  text << in.rdbuf();
  auto spec = Json::parse(text.str());
  ASSERT_TRUE(spec.ok()) << spec.status().to_string();
  EXPECT_EQ(spec->get_string("openapi").rfind("3.", 0), 0u);

  std::set<std::pair<std::string, std::string>> documented;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> documented_roles;
  for (const auto& [path, item] : spec->find("paths")->as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.emplace(upper, path);
      if (const Json* roles = operation.find("x-roles"); roles != nullptr && roles->is_array()) {
        for (const Json& role : roles->as_array())
          documented_roles[{upper, path}].push_back(role.as_string());
      } else {
        ADD_FAILURE() << upper << " " << path << " has no x-roles";
      }
      const Json* responses = operation.find("responses");
      EXPECT_TRUE(responses != nullptr && !responses->as_object().empty()) << upper << " " << path;
    }
  }
  const ApiContext context;
  const ApiRouter router(&context);
  const auto list = router.routes();
  const std::set<std::pair<std::string, std::string>> served(list.begin(), list.end());
  for (const auto& route : served) {
    EXPECT_TRUE(documented.contains(route))
        << "undocumented: " << route.first << " " << route.second;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(documented_roles[list[i]], role_names(router.policies()[i]))
        << "x-roles of " << list[i].first << " " << list[i].second;
  }
  for (const auto& route : documented) {
    EXPECT_TRUE(served.contains(route)) << "not served: " << route.first << " " << route.second;
  }
}

}  // namespace
}  // namespace ojsync::service
