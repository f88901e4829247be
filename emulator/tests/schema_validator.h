// A validator for the subset of JSON Schema that PKP's entity schemas use
// (spec/ojs-api/<version>/schemas/{pkp-lib,ojs}/*.json): "type" (integer, number, string, boolean,
// array, object), "items", inline "properties", "$ref": "#/definitions/<Entity>" (resolved to the
// entity's schema file), and PKP's flags "multilingual", "readOnly", "writeOnly", "apiSummary".
// OJS's file is merged over pkp-lib's, as PKPSchemaService does.
//
// Checks on a response object:
//   * every property declared by the schema has the declared type; null is accepted for any
//     property (OJS returns null for unset values whatever the schema says); multilingual values
//     must be objects keyed by the journal's locales;
//   * no writeOnly property is present;
//   * summary view (list items): only apiSummary properties, and every apiSummary property;
//   * full view: every property that is not writeOnly;
//   * properties the schema does not declare are reported.
// Real OJS deviates from its own schemas in a few places; those are passed in as explicit,
// documented exceptions ("entity.path" → reason) instead of being silently tolerated.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ojsemu::testing {

enum class SchemaView { kSummary, kFull, kNested };

class SchemaValidator {
 public:
  // `version` is "3.3", "3.4" or "3.5"; `locales` the journal's locale codes.
  SchemaValidator(const std::string& version, std::vector<std::string> locales);

  // Exceptions: "submission.reviewAssignments[].isCurrentUserAssigned" style paths (type
  // deviations), "user+dateLastLogin" (undeclared but sent), "user-_href" (declared but not sent).
  void allow(const std::string& key, const std::string& reason);

  std::vector<std::string> validate(const std::string& entity, const boost::json::object& value, SchemaView view) const;

 private:
  const boost::json::object& schema(const std::string& entity) const;
  void check_value(const std::string& entity, const std::string& path, const boost::json::object& prop,
                   const boost::json::value& value, std::vector<std::string>& out) const;

  std::string version_;
  std::vector<std::string> locales_;
  mutable std::map<std::string, boost::json::object> schemas_;
  std::map<std::string, std::string> allowed_;
};

}  // namespace ojsemu::testing
