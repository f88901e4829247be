#include <gtest/gtest.h>

#include "ojsync/entity_type.h"

namespace ojsync {
namespace {

TEST(IdentifierTest, AcceptsIdsOfBothSides) {
  for (const char* id : {"42", "a", "m-7", "srv12", "2024:5", "ab.c_d-e", "Z9"}) {
    EXPECT_TRUE(is_valid_identifier(id)) << id;
  }
  EXPECT_TRUE(is_valid_identifier(std::string(128, 'x')));
}

TEST(IdentifierTest, RefusesWhatCouldBeReadAsSqlPathsOrOptions) {
  for (const std::string& id :
       {std::string(), std::string(129, 'x'), std::string("."), std::string(".."),
        std::string(".env"), std::string("-1"), std::string("--help"), std::string(":x"),
        std::string("_x"), std::string("a/b"), std::string("a\\b"), std::string("1' OR '1'='1"),
        std::string("a b"), std::string("a\nb"), std::string("a\0b", 3), std::string("\xC3\xA9")}) {
    EXPECT_FALSE(is_valid_identifier(id)) << id;
  }
}

}  // namespace
}  // namespace ojsync
