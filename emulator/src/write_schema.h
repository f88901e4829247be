// The writable side of OJS's entity schemas (schemas/submission.json, publication.json,
// author.json, decision.json merged with the OJS overrides), per version: which props a request
// body may set, their types, flags and Laravel validation rules. Responses are built in
// render.cc; this table drives request validation and the merge of PUT/POST bodies.
// write_schema_test.cc cross-checks it against spec/ojs-api/<version>/schemas.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ojs_version.h"

namespace ojsemu {

enum class PropType { kInteger, kString, kBoolean, kArray, kObject };

struct PropSpec {
  std::string name;
  PropType type;
  PropType item_type = PropType::kString;  // for kArray
  bool multilingual = false;
  bool read_only = false;
  bool write_disabled = false;  // writeDisabledInApi (3.4+)
  bool write_only = false;
  bool required = false;
  // Laravel rules from the schema "validation" list, e.g. "min:1", "in:1,3,4,5", "url",
  // "date_format:Y-m-d", "regex:…", "date:Y-m-d H:i:s".
  std::vector<std::string> rules;
};

enum class Entity { kSubmission, kPublication, kAuthor, kDecision };

// Props in schema order (the order OJS reports validation errors in).
const std::vector<PropSpec>& write_schema(OjsVersion version, Entity entity);
const PropSpec* find_prop(OjsVersion version, Entity entity, std::string_view name);

}  // namespace ojsemu
