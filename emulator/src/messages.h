// English texts of the OJS locale keys the emulator can answer with, per version (3.3 en_US,
// 3.4/3.5 en). Sources: spec/ojs-api/ERROR_KEYS.md and the captured 3.3 bodies; keys that
// appear in neither are marked in messages.cc.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ojs_version.h"

namespace ojsemu {

using MessageParams = std::vector<std::pair<std::string, std::string>>;

// The translated text of `key` with {$name} placeholders replaced; "##key##" when unknown, which
// is what OJS prints for a key whose locale file is not loaded.
std::string translate(OjsVersion version, std::string_view key, const MessageParams& params = {});

// Labels shown in submission objects.
std::string_view submission_status_label(int status);
std::string_view stage_label(int stage_id);
std::string_view review_assignment_status_text(int status);
std::string_view review_round_status_text(int status);
std::string_view decision_label(OjsVersion version, int decision);
std::string_view decision_description(OjsVersion version, int decision);

}  // namespace ojsemu
