#include "connectors/ojs/ojs_version_traits.h"

namespace ojsync {

std::string_view version_name(OjsVersion v) {
  switch (v) {
    case OjsVersion::k3_3:
      return "3.3";
    case OjsVersion::k3_4:
      return "3.4";
    case OjsVersion::k3_5:
      return "3.5";
    case OjsVersion::kDetect:
      break;
  }
  return "detect";
}

std::string_view activity_order_by(OjsVersion v) {
  return v == OjsVersion::k3_3 ? "dateLastActivity" : "lastActivity";
}

std::string_view version_default_locale(OjsVersion v) {
  return v == OjsVersion::k3_3 ? "en_US" : "en";
}

bool has_decision_api(OjsVersion v) { return v == OjsVersion::k3_4 || v == OjsVersion::k3_5; }
bool has_contributor_api(OjsVersion v) { return v == OjsVersion::k3_4 || v == OjsVersion::k3_5; }
bool submission_workflow_writable(OjsVersion v) { return v == OjsVersion::k3_3; }
bool creates_publication_with_submission(OjsVersion v) { return v != OjsVersion::k3_3; }
bool keywords_are_objects(OjsVersion v) { return v == OjsVersion::k3_5; }
bool has_affiliation_objects(OjsVersion v) { return v == OjsVersion::k3_5; }

}  // namespace ojsync
