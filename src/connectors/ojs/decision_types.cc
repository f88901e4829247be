#include "connectors/ojs/decision_types.h"

#include <array>

namespace ojsync {
namespace {

struct DecisionType {
  std::string_view name;
  int code_3_3;  // 0 = not in 3.3 (PKP EditorDecisionActionsManager constants)
  int code_3_4;  // 0 = not in 3.4/3.5 (PKP\decision\Decision constants; 3.5 kept them)
};

// OJS decisions only (the OMP internal-review variants 18–28 are left out).
constexpr std::array<DecisionType, 21> kTypes = {{
    {"internal_review", 0, 1},
    {"accept", 1, 2},
    {"external_review", 8, 3},
    {"pending_revisions", 2, 4},
    {"resubmit", 3, 5},
    {"decline", 4, 6},
    {"send_to_production", 7, 7},
    {"initial_decline", 9, 8},
    {"recommend_accept", 11, 9},
    {"recommend_pending_revisions", 12, 10},
    {"recommend_resubmit", 13, 11},
    {"recommend_decline", 14, 12},
    {"recommend_external_review", 0, 13},
    {"new_external_round", 16, 14},
    {"revert_decline", 17, 15},
    {"revert_initial_decline", 0, 16},
    {"skip_external_review", 0, 17},
    {"back_from_production", 0, 29},
    {"back_from_copyediting", 0, 30},
    {"cancel_review_round", 0, 31},
    {"cancel_internal_review_round", 0, 32},
}};

int code_in(const DecisionType& t, OjsVersion v) {
  return v == OjsVersion::k3_3 ? t.code_3_3 : t.code_3_4;
}

}  // namespace

std::optional<int> decision_code(std::string_view name, OjsVersion v) {
  for (const auto& t : kTypes) {
    if (t.name == name && code_in(t, v) != 0) return code_in(t, v);
  }
  return std::nullopt;
}

std::optional<std::string_view> decision_name(int code, OjsVersion v) {
  if (code == 0) return std::nullopt;
  for (const auto& t : kTypes) {
    if (code_in(t, v) == code) return t.name;
  }
  return std::nullopt;
}

}  // namespace ojsync
