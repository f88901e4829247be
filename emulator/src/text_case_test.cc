#include "text_case.h"

#include <gtest/gtest.h>

namespace ojsemu {
namespace {

TEST(TextCase, AsciiLowerLeavesOtherScripts) {
  EXPECT_EQ(ascii_lower("OCEAN Квантовые"), "ocean Квантовые");
}

TEST(TextCase, UnicodeLowerCoversCyrillicGreekLatin) {
  EXPECT_EQ(unicode_lower("Квантовые ΑΒΓ ÉLODIE"), "квантовые αβγ élodie");
  EXPECT_EQ(unicode_lower("北京 🌊"), "北京 🌊");
}

}  // namespace
}  // namespace ojsemu
