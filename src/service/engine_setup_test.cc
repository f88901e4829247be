#include "service/engine_setup.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "store/testing/temp_dir.h"

namespace ojsync::service {
namespace {

constexpr const char* kKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

DaemonConfig encrypted(const std::string& extra = "") {
  return parse_config("[encryption]\nenabled = true\n" + extra, env_of({})).value();
}

TEST(EncryptionOptionsTest, OffUnlessEnabled) {
  auto options =
      encryption_options(DaemonConfig{}.encryption, env_of({{"OJSYNC_ENCRYPTION_KEYS", "x"}}));
  ASSERT_TRUE(options.ok());
  EXPECT_FALSE(options->has_value());
}

TEST(EncryptionOptionsTest, EnabledWithoutAKeyIsRefused) {
  auto options = encryption_options(encrypted().encryption, env_of({}));
  EXPECT_EQ(options.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(options.status().message().find("OJSYNC_ENCRYPTION_KEYS"), std::string::npos);
  options =
      encryption_options(encrypted("key_file = \"/nonexistent/keys\"\n").encryption, env_of({}));
  EXPECT_EQ(options.status().code(), StatusCode::kFailedPrecondition);
}

TEST(EncryptionOptionsTest, TheKeyringComesFromTheFileElseTheVariable) {
  auto from_env = encryption_options(
      encrypted().encryption, env_of({{"OJSYNC_ENCRYPTION_KEYS", std::string("k1:") + kKey}}));
  ASSERT_TRUE(from_env.ok()) << from_env.status().message();
  EXPECT_EQ((*from_env)->keys.back().id, "k1");

  testing::TempDir dir("ojsync-keys");
  std::ofstream(dir.file("keys")) << "# old\nk1:" << kKey << "\nk2:" << kKey << "\n";
  auto from_file = encryption_options(
      encrypted("key_file = \"" + dir.file("keys") + "\"\nfields = [\"reviewer:email\"]\n")
          .encryption,
      env_of({}));
  ASSERT_TRUE(from_file.ok()) << from_file.status().message();
  EXPECT_EQ((*from_file)->keys.size(), 2u);
  EXPECT_EQ((*from_file)->keys.back().id, "k2");
  EXPECT_EQ((*from_file)->fields.size(), 1u);
}

TEST(EncryptionOptionsTest, AMalformedKeyIsNamedNotShown) {
  auto options = encryption_options(encrypted().encryption,
                                    env_of({{"OJSYNC_ENCRYPTION_KEYS", "k1:c2VjcmV0LXNob3J0"}}));
  EXPECT_EQ(options.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(options.status().message().find("encryption: key 'k1'"), std::string::npos)
      << options.status().message();
  EXPECT_EQ(options.status().message().find("c2VjcmV0"), std::string::npos);
}

}  // namespace
}  // namespace ojsync::service
