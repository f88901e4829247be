#include "validation.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace ojsemu {
namespace {

namespace json = boost::json;

const std::vector<std::string> kLocales = {"en_US", "fr_CA"};

json::value validate(const char* body, WriteAction action) {
  const json::object params = coerce_to_schema(OjsVersion::k3_3, Entity::kPublication, json::parse(body).as_object());
  return validate_props({OjsVersion::k3_3, Entity::kPublication, action, params, kLocales, "en_US"}).json();
}

TEST(Validation, ErrorShapeAndOrderOfCaptured087) {
  EXPECT_EQ(validate(R"({"title":{"xx_XX":"Bad locale","en_US":""},"licenseUrl":"not a url","copyrightYear":"abc",
                        "datePublished":"25/11/2026","urlPath":"has spaces!","seq":"x"})", WriteAction::kEdit),
            json::parse(R"({"copyrightYear":["This is not a valid integer."],
              "datePublished":["The date must be in the format YYYY-MM-DD, such as 2019-01-01."],
              "licenseUrl":["This is not a valid URL."],"seq":["This is not a valid integer."],
              "urlPath":["This may only contain letters, numbers, dashes, underscores and periods."],
              "title":{"en_US":["You must complete this field in English."],"xx_XX":["This language is not accepted."]}})"));
}

TEST(Validation, RequiredOnAddOnlyExplicitEmptyOnEdit) {
  EXPECT_EQ(validate(R"({"title":{"fr_CA":"x"}})", WriteAction::kEdit), json::object());
  const json::value add = validate(R"({"version":1,"sectionId":1,"submissionId":2,"title":{"en_US":"T"}})", WriteAction::kAdd);
  EXPECT_EQ(add, json::parse(R"({"locale":["This field is required."]})"));
  EXPECT_EQ(validate(R"({"title":"plain"})", WriteAction::kEdit),
            json::parse(R"({"title":["This field is multilingual. Separate values must be provided for each supported language."]})"));
}

TEST(Validation, CoercionOfFormStrings) {
  const json::object p = coerce_to_schema(OjsVersion::k3_3, Entity::kPublication,
                                          json::parse(R"({"seq":"3","hideAuthor":"true","pages":"","keywords":{"en_US":""}})").as_object());
  EXPECT_EQ(p.at("seq"), 3);
  EXPECT_EQ(p.at("hideAuthor"), true);
  EXPECT_TRUE(p.at("pages").is_null());
  EXPECT_EQ(p.at("keywords").at("en_US"), json::array());
}

TEST(Validation, WriteDisabledPropsIn34) {
  const json::object params = json::parse(R"({"status":4,"locale":"en"})").as_object();
  EXPECT_TRUE(write_disabled_errors(OjsVersion::k3_3, Entity::kSubmission, params).empty());
  EXPECT_EQ(write_disabled_errors(OjsVersion::k3_4, Entity::kSubmission, params).json(),
            json::parse(R"({"status":["The status property can not be modified."]})"));
}

}  // namespace
}  // namespace ojsemu
