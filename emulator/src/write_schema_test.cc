#include "write_schema.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ojsemu {
namespace {

namespace json = boost::json;

json::object merged_schema(const std::string& version, const std::string& entity) {
  json::object props;
  for (const char* origin : {"pkp-lib", "ojs"}) {
    const auto path = std::filesystem::path(OJSEMU_SPEC_DIR) / version / "schemas" / origin / (entity + ".json");
    std::ifstream in(path);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    const json::value schema = json::parse(text.str());
    for (const auto& kv : schema.at("properties").as_object()) props[kv.key()] = kv.value();
  }
  return props;
}

bool flag(const json::object& prop, const char* name) {
  const json::value* v = prop.if_contains(name);
  return v != nullptr && ((v->is_bool() && v->get_bool()) || (v->is_string() && v->get_string() == "true"));
}

const char* type_name(PropType t) {
  switch (t) {
    case PropType::kInteger: return "integer";
    case PropType::kString: return "string";
    case PropType::kBoolean: return "boolean";
    case PropType::kArray: return "array";
    case PropType::kObject: return "object";
  }
  return "";
}

// The hand-written write tables must agree with spec/ojs-api/<version>/schemas, and every prop a
// client may write according to the schema must be known to them.
TEST(WriteSchema, AgreesWithTheSpecSchemas) {
  const std::pair<OjsVersion, std::string> versions[] = {
      {OjsVersion::k3_3, "3.3"}, {OjsVersion::k3_4, "3.4"}, {OjsVersion::k3_5, "3.5"}};
  const std::pair<Entity, std::string> entities[] = {
      {Entity::kSubmission, "submission"}, {Entity::kPublication, "publication"}, {Entity::kAuthor, "author"}};
  for (const auto& [version, vname] : versions) {
    for (const auto& [entity, ename] : entities) {
      const json::object spec = merged_schema(vname, ename);
      for (const auto& p : write_schema(version, entity)) {
        SCOPED_TRACE(vname + " " + ename + "." + p.name);
        const json::value* decl = spec.if_contains(p.name);
        ASSERT_NE(decl, nullptr);
        const auto& prop = decl->as_object();
        EXPECT_EQ(std::string(prop.at("type").as_string()), type_name(p.type));
        EXPECT_EQ(flag(prop, "multilingual"), p.multilingual);
        EXPECT_EQ(flag(prop, "readOnly"), p.read_only);
        EXPECT_EQ(flag(prop, "writeOnly"), p.write_only);
        EXPECT_EQ(flag(prop, "writeDisabledInApi"), p.write_disabled);
      }
      for (const auto& kv : spec) {
        const auto& prop = kv.value().as_object();
        if (flag(prop, "readOnly")) continue;
        EXPECT_NE(find_prop(version, entity, kv.key()), nullptr) << vname << " " << ename << "." << kv.key()
                                                                << " is writable but unknown to write_schema";
      }
    }
  }
  if (const json::object decision = merged_schema("3.4", "decision"); !decision.empty()) {
    for (const auto& p : write_schema(OjsVersion::k3_4, Entity::kDecision)) {
      EXPECT_TRUE(decision.contains(p.name)) << p.name;
    }
  }
}

}  // namespace
}  // namespace ojsemu
