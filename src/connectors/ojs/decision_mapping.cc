#include "connectors/ojs/decision_mapping.h"

#include <charconv>

#include "connectors/ojs/decision_types.h"
#include "connectors/ojs/ojs_datetime.h"

namespace ojsync {
namespace {

std::optional<std::int64_t> parse_id(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::optional<std::int64_t> int_member(const Json& o, std::string_view key) {
  const Json* v = o.find(key);
  if (v == nullptr || !v->is_int()) return std::nullopt;
  return v->as_int();
}

// Sort key for "most recent": OJS dates have one-second precision, ids break ties.
std::pair<std::string, std::int64_t> recency(const Json& d) {
  return {d.get_string("dateDecided"), d.get_int("id")};
}

}  // namespace

Result<DecisionId> parse_decision_id(std::string_view side_id) {
  const auto colon = side_id.find(':');
  if (colon != std::string_view::npos) {
    auto sid = parse_id(side_id.substr(0, colon));
    auto did = parse_id(side_id.substr(colon + 1));
    if (sid && did) return DecisionId{*sid, *did};
  }
  return InvalidArgument("decision id must be '<submissionId>:<decisionId>', got '" +
                         std::string(side_id) + "'");
}

Json project_decision(const Json& raw, OjsVersion v, const TimeZone& zone) {
  Json doc = Json::object();
  for (auto key : {"submissionId", "decision", "stageId", "round", "reviewRoundId", "editorId"}) {
    if (auto n = int_member(raw, key)) doc[key] = *n;
  }
  if (auto code = int_member(raw, "decision")) {
    if (auto name = decision_name(static_cast<int>(*code), v)) doc["decisionName"] = *name;
  }
  if (const Json* date = raw.find("dateDecided"); date != nullptr && date->is_string()) {
    if (auto iso = ojs_datetime_to_iso_utc(date->as_string(), zone)) doc["dateDecided"] = *iso;
  }
  return doc;
}

Timestamp decision_modified(const Json& raw, const TimeZone& zone) {
  if (const Json* date = raw.find("dateDecided"); date != nullptr && date->is_string()) {
    if (auto local = parse_ojs_datetime(date->as_string()))
      return timestamp_from_utc(zone.to_utc(*local));
  }
  return Timestamp();
}

Result<DecisionIntent> decision_intent(const Json& document, OjsVersion v) {
  if (!document.is_object()) return InvalidArgument("a decision document must be a JSON object");
  DecisionIntent intent;
  auto sid = int_member(document, "submissionId");
  if (!sid || *sid <= 0)
    return InvalidArgument("a decision document needs a positive integer 'submissionId'");
  intent.submission_id = *sid;
  std::optional<int> by_name;
  if (const Json* name = document.find("decisionName"); name != nullptr && !name->is_null()) {
    if (!name->is_string())
      return InvalidArgument("decision field 'decisionName' must be a string");
    by_name = decision_code(name->as_string(), v);
    if (!by_name) {
      return InvalidArgument("OJS " + std::string(v == OjsVersion::k3_3 ? "3.3" : "3.4+") +
                             " has no decision '" + name->as_string() + "'");
    }
  }
  auto by_code = int_member(document, "decision");
  if (by_name && by_code && *by_name != *by_code) {
    return InvalidArgument("decision fields 'decision' and 'decisionName' disagree");
  }
  if (!by_name && !by_code)
    return InvalidArgument("a decision document needs 'decisionName' or 'decision'");
  intent.code = by_name ? *by_name : static_cast<int>(*by_code);
  intent.stage_id = int_member(document, "stageId");
  intent.review_round_id = int_member(document, "reviewRoundId");
  return intent;
}

bool decision_satisfies(const Json& raw, const DecisionIntent& intent) {
  if (raw.get_int("decision") != intent.code ||
      raw.get_int("submissionId", intent.submission_id) != intent.submission_id) {
    return false;
  }
  if (intent.stage_id && int_member(raw, "stageId") != intent.stage_id) return false;
  if (intent.review_round_id && int_member(raw, "reviewRoundId") != intent.review_round_id)
    return false;
  return true;
}

std::optional<Json> find_recorded_decision(const Json& decisions, const DecisionIntent& intent) {
  if (!decisions.is_array()) return std::nullopt;
  const Json* latest = nullptr;
  for (const auto& d : decisions.as_array()) {
    if (intent.stage_id && int_member(d, "stageId") != intent.stage_id) continue;
    if (intent.review_round_id && int_member(d, "reviewRoundId") != intent.review_round_id)
      continue;
    if (latest == nullptr || recency(d) > recency(*latest)) latest = &d;
  }
  if (latest != nullptr && decision_satisfies(*latest, intent)) return *latest;
  return std::nullopt;
}

}  // namespace ojsync
