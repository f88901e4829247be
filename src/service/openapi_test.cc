// docs/openapi.json describes exactly the routes the router serves: no route undocumented, no
// documented route missing, and every operation documents its answers.
#include <gtest/gtest.h>

#include <fstream>
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
  for (const auto& [path, item] : spec->find("paths")->as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.emplace(upper, path);
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
  for (const auto& route : documented) {
    EXPECT_TRUE(served.contains(route)) << "not served: " << route.first << " " << route.second;
  }
}

}  // namespace
}  // namespace ojsync::service
