// Deterministic generated data: one journal (6 locales, 3 sections, 3 issues), the standard user
// groups, an admin, an editor, an author and N reviewers, and M submissions spread over every
// stage and status with multilingual metadata in several scripts (Latin with diacritics,
// Cyrillic, CJK, Arabic, emoji), 1–4 authors, review rounds/assignments and decisions.
// The data is a pure function of (seed, counts, journal path, admin key): the same flags always
// yield byte-identical responses. Timestamps lie in 2023–2025, independent of the clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model.h"
#include "ojs_version.h"

namespace ojsemu {

struct SeedSpec {
  std::uint64_t seed = 1;
  int submissions = 50;
  int reviewers = 10;
  std::string journal_path = "testj";
  std::optional<std::string> admin_api_key;  // default: derived from the seed
};

Database generate_seeded_database(const SeedSpec& spec, OjsVersion version);

// The API keys of the generated users (also printed by the demo): admin, editor, author.
std::string seeded_api_key(std::uint64_t seed, const std::string& user_name);

}  // namespace ojsemu
