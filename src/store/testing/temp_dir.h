// TempDir: a fresh directory under the system temp dir, removed with everything in it when
// the object is destroyed. For hermetic tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace ojsync::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "ojsync") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // "" when the directory could not be created (tests then fail on opening files in it).
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace ojsync::testing
