// Request-body handling of OJS write endpoints: parsing (JSON or form-encoded, malformed = no
// params), convertStringsToSchema() coercion, writeDisabledInApi checks (3.4+) and the schema
// validation with OJS's error shape: {"prop": ["msg"]} or {"prop": {"locale": ["msg"]}}, props in
// the order OJS reports them (rule errors in schema order, then required, then locale checks).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "http_types.h"
#include "ojs_version.h"
#include "write_schema.h"

namespace ojsemu {

class ValidationErrors {
 public:
  void add(const std::string& prop, const std::string& message);
  void add_localized(const std::string& prop, const std::string& locale, const std::string& message);
  // The publish pre-checks put a plain string per key instead of a list.
  void set_plain(const std::string& prop, const std::string& message);
  bool empty() const { return errors_.empty(); }
  const boost::json::object& json() const { return errors_; }

 private:
  boost::json::object errors_;
};

// Slim's getParsedBody(): JSON for application/json, parse_str() for form bodies, nothing for
// anything else or for malformed/too deep JSON. Non-object JSON yields no params.
boost::json::object parse_body_params(const HttpRequest& request, std::size_t max_depth);

// convertStringsToSchema(): "" → null ([] for arrays), "true"/"1"/"false"/"0" → booleans and
// digit strings → integers, for props of the schema (others are left alone).
boost::json::object coerce_to_schema(OjsVersion version, Entity entity, const boost::json::object& params);

// 3.4+: {"prop": ["The prop property can not be modified."]} for every writeDisabledInApi prop sent.
ValidationErrors write_disabled_errors(OjsVersion version, Entity entity, const boost::json::object& params);

enum class WriteAction { kAdd, kEdit };

struct ValidationInput {
  OjsVersion version;
  Entity entity;
  WriteAction action;
  const boost::json::object& params;
  const std::vector<std::string>& allowed_locales;
  std::string primary_locale;
};

ValidationErrors validate_props(const ValidationInput& input);

// English name of a locale, as used in "You must complete this field in {$language}."
std::string locale_display_name(const std::string& code);

}  // namespace ojsemu
