#include "connectors/ojs/version_detection.h"

namespace ojsync {

OjsVersion version_from_submission(const Json& submission) {
  const Json* progress = submission.find("submissionProgress");
  if (progress == nullptr) return OjsVersion::kDetect;
  if (progress->is_int()) return OjsVersion::k3_3;
  if (!progress->is_string()) return OjsVersion::kDetect;
  for (auto flag :
       {"editorAssigned", "recommendationsIn", "reviewersNotAssigned", "revisionsRequested"}) {
    if (submission.find(flag) != nullptr) return OjsVersion::k3_5;
  }
  return OjsVersion::k3_4;
}

OjsVersion version_from_decisions_probe(const ApiReply& reply) {
  if (reply.http_status == 403 && reply.error.key == "api.404.endpointNotFound")
    return OjsVersion::k3_3;
  if (reply.http_status == 404) return reply.body_is_json ? OjsVersion::k3_5 : OjsVersion::k3_4;
  return OjsVersion::kDetect;
}

Result<OjsVersion> detect_ojs_version(const OjsClient& client) {
  OJSYNC_ASSIGN_OR_RETURN(Json list,
                          client.call({"GET", "/submissions", {{"count", "1"}}, std::nullopt}));
  const Json* items = list.find("items");
  if (items != nullptr && items->is_array() && !items->as_array().empty()) {
    const OjsVersion v = version_from_submission(items->as_array().front());
    if (v != OjsVersion::kDetect) return v;
  }
  OJSYNC_ASSIGN_OR_RETURN(ApiReply probe,
                          client.exchange({"GET", "/submissions/0/decisions", {}, std::nullopt}));
  const OjsVersion v = version_from_decisions_probe(probe);
  if (v != OjsVersion::kDetect) return v;
  if (!probe.error.status.ok()) return probe.error.status;
  return FailedPrecondition(
      "could not tell the OJS version from its answers; set it in the connector options");
}

}  // namespace ojsync
