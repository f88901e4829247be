// Loads a Database from the emulator's dataset JSON (data/captured-3.3.json): OJS camelCase field
// names, locale codes in 3.3 form (converted for 3.4+), timestamps as "Y-m-d H:i:s".
#pragma once

#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "model.h"
#include "ojs_version.h"

namespace ojsemu {

class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The locale code a 3.3 code became after the 3.4 upgrade (MergeLocalesMigration: en_US → en…).
std::string locale_code_for_version(std::string_view code_3_3, OjsVersion version);

// Throws DatasetError on malformed input.
Database load_dataset(const boost::json::value& dataset, OjsVersion version);

// The dataset compiled into the binary: "captured-3.3".
std::string_view builtin_dataset_text(std::string_view name);

}  // namespace ojsemu
