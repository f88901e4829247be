#include "write_schema.h"

namespace ojsemu {
namespace {

struct Builder {
  std::vector<PropSpec> props;
  Builder& add(std::string name, PropType type, std::vector<std::string> rules = {}) {
    PropSpec p;
    p.name = std::move(name);
    p.type = type;
    p.rules = std::move(rules);
    props.push_back(std::move(p));
    return *this;
  }
  Builder& ml(std::string name, PropType type = PropType::kString) {
    add(std::move(name), type);
    props.back().multilingual = true;
    return *this;
  }
  Builder& list(std::string name, PropType item, bool multilingual = false) {
    add(std::move(name), PropType::kArray);
    props.back().item_type = item;
    props.back().multilingual = multilingual;
    return *this;
  }
  Builder& ro() { props.back().read_only = true; return *this; }
  Builder& wd() { props.back().write_disabled = true; return *this; }
  Builder& wo() { props.back().write_only = true; return *this; }
  Builder& req() { props.back().required = true; return *this; }
};

std::vector<PropSpec> submission_schema(OjsVersion v) {
  const bool v33 = v == OjsVersion::k3_3;
  Builder b;
  b.add("_href", PropType::kString).ro();
  if (!v33) b.add("commentsForTheEditors", PropType::kString);
  b.add("contextId", PropType::kInteger).req();
  if (!v33) b.wd();
  b.add("currentPublicationId", PropType::kInteger);
  if (!v33) b.wd();
  b.add("dateLastActivity", PropType::kString, {"date:Y-m-d H:i:s"});
  if (!v33) b.wd();
  b.add("dateSubmitted", PropType::kString, {"date:Y-m-d H:i:s"});
  if (!v33) b.wd();
  b.add("id", PropType::kInteger);
  if (!v33) b.ro();
  b.add("lastModified", PropType::kString, {"date:Y-m-d H:i:s"});
  if (!v33) b.wd();
  b.add("locale", PropType::kString,
        {v33 ? "regex:/^[a-z]{2}_[A-Z]{2}(@[a-z]{0,})?$/"
             : v == OjsVersion::k3_4 ? "regex:/^([a-z]{2})((_[A-Z][a-zA-Z]{0,3})?)(@[a-z]{0,})?$/"
                                     : "regex:bcp47"});
  b.list("publications", PropType::kObject).ro();
  b.list("reviewRounds", PropType::kObject).ro();
  b.list("reviewAssignments", PropType::kObject).ro();
  b.add("stageId", PropType::kInteger, {"min:1", "max:5"});
  if (!v33) b.wd();
  b.list("stages", PropType::kObject).ro();
  b.add("status", PropType::kInteger, {"in:1,2,3,4,5"});
  if (!v33) b.wd();
  b.add("statusLabel", PropType::kString).ro();
  if (v33) {
    b.add("submissionProgress", PropType::kInteger, {"in:0,1,2,3,4"});
  } else {
    b.add("submissionProgress", PropType::kString, {"in:,start,details,files,contributors,editors,review"}).wd();
    b.add("userGroupId", PropType::kInteger).wo();
    b.add("sectionId", PropType::kInteger).wo().req();  // OJS override, required on POST
  }
  if (v == OjsVersion::k3_5) {
    // Not readOnly in the 3.5 schema although computed; accepted and type-checked, never stored.
    b.list("availableEditorialDecisions", PropType::kObject);
    b.add("issueToBePublished", PropType::kObject);
  }
  for (const char* url : {"urlAuthorWorkflow", "urlEditorialWorkflow", "urlWorkflow", "urlPublished"}) {
    b.add(url, PropType::kString).ro();
  }
  if (!v33) b.add("urlSubmissionWizard", PropType::kString).ro();
  return b.props;
}

std::vector<PropSpec> publication_schema(OjsVersion v) {
  const bool v33 = v == OjsVersion::k3_3, v35 = v == OjsVersion::k3_5;
  const PropType vocab = v35 ? PropType::kObject : PropType::kString;
  Builder b;
  b.add("_href", PropType::kString).ro();
  b.ml("abstract");
  b.list("authors", PropType::kObject).ro();
  b.add("authorsString", PropType::kString).ro();
  if (!v33) b.add("authorsStringIncludeInBrowse", PropType::kString).ro();
  b.add("authorsStringShort", PropType::kString).ro();
  b.list("categoryIds", PropType::kInteger);
  if (v35) b.ro();
  b.list("citations", PropType::kString).ro();
  b.add("citationsRaw", PropType::kString);
  if (v35) b.ro();
  b.ml("copyrightHolder");
  b.add("copyrightYear", PropType::kInteger);
  b.ml("coverage");
  b.ml("coverImage", PropType::kObject);
  if (!v33) b.ml("dataAvailability");
  b.add("datePublished", PropType::kString, {"date_format:Y-m-d"});
  b.list("disciplines", vocab, true);
  if (!v33) {
    b.add("doiObject", PropType::kObject).ro();
    b.add("doiId", PropType::kInteger).wo();
  }
  b.ml("fullTitle").ro();
  b.add("id", PropType::kInteger).ro();
  b.list("keywords", vocab, true);
  if (!v35) b.list("languages", PropType::kString, true);
  b.add("lastModified", PropType::kString, {"date_format:Y-m-d H:i:s"});
  b.add("licenseUrl", PropType::kString, {"url"});
  b.add("locale", PropType::kString).ro();
  if (v33) b.req();  // required by validation although readOnly (captured 003)
  b.ml("prefix");
  b.add("primaryContactId", PropType::kInteger);
  b.add("pub-id::publisher-id", PropType::kString);
  b.ml("rights");
  b.add("seq", PropType::kInteger);
  b.ml("source");
  b.list("subjects", vocab, true);
  b.add("submissionId", PropType::kInteger).req();
  b.ml("subtitle");
  b.list("supportingAgencies", vocab, true);
  b.add("status", PropType::kInteger, {"in:1,3,4,5"});
  b.ml("title");
  if (v33) b.req();
  b.ml("type");
  b.add("urlPath", PropType::kString, {"regex:urlPath"});
  b.add("urlPublished", PropType::kString).ro();
  b.add("version", PropType::kInteger, {"min:1"}).req();
  // OJS overrides (ojs/schemas/publication.json).
  b.add("accessStatus", PropType::kInteger);
  b.list("galleys", PropType::kObject).ro();
  b.add("hideAuthor", PropType::kBoolean);
  b.add("issueId", PropType::kInteger);
  b.add("pages", PropType::kString);
  b.add("sectionId", PropType::kInteger).req();
  return b.props;
}

std::vector<PropSpec> author_schema(OjsVersion v) {
  const bool v33 = v == OjsVersion::k3_3, v35 = v == OjsVersion::k3_5;
  Builder b;
  if (v35) {
    b.list("affiliations", PropType::kObject).ro();
  } else {
    b.ml("affiliation");
  }
  b.ml("biography");
  b.ml("competingInterests");
  b.add("country", PropType::kString, v33 ? std::vector<std::string>{} : std::vector<std::string>{"country"});
  b.add("email", PropType::kString, {"email_or_localhost"}).req();
  b.ml("familyName");
  if (!v33) b.add("fullName", PropType::kString).ro();
  b.ml("givenName").req();
  b.add("id", PropType::kInteger);
  b.add("includeInBrowse", PropType::kBoolean);
  if (v == OjsVersion::k3_4) b.add("locale", PropType::kString).ro();
  b.add("orcid", PropType::kString, {"orcid"});
  b.ml("preferredPublicName");
  b.add("publicationId", PropType::kInteger).req();
  b.add("seq", PropType::kInteger);
  if (!(v == OjsVersion::k3_4)) b.add("submissionLocale", PropType::kString).ro();
  b.add("url", PropType::kString, {"url"});
  b.add("userGroupId", PropType::kInteger).req();
  if (!v33) b.add("userGroupName", PropType::kString).ro();
  if (v35) {
    // ORCID integration data: accepted and type-checked, not stored by the emulator.
    for (const char* orcid : {"orcidSandbox", "orcidAccessToken", "orcidAccessScope", "orcidRefreshToken",
                              "orcidAccessExpiresOn", "orcidAccessDenied", "orcidEmailToken", "orcidWorkPutCode"}) {
      b.add(orcid, PropType::kString);
    }
    b.add("orcidIsVerified", PropType::kBoolean);
    b.add("orcidVerificationRequested", PropType::kBoolean);
  }
  return b.props;
}

std::vector<PropSpec> decision_schema() {
  Builder b;
  b.add("_href", PropType::kString).ro();
  b.list("actions", PropType::kObject).wo();
  b.add("dateDecided", PropType::kString, {"date_format:Y-m-d H:i:s"}).wd().req();
  b.add("decision", PropType::kInteger).req();
  b.add("description", PropType::kString).ro();
  b.add("editorId", PropType::kInteger).wd().req();
  b.add("id", PropType::kInteger).ro();
  b.add("label", PropType::kString).ro();
  b.add("reviewRoundId", PropType::kInteger);
  b.add("round", PropType::kInteger);
  b.add("stageId", PropType::kInteger, {"min:1", "max:5"}).wd().req();
  b.add("submissionId", PropType::kInteger).wd().req();
  return b.props;
}

}  // namespace

const std::vector<PropSpec>& write_schema(OjsVersion version, Entity entity) {
  static const auto build = [](OjsVersion v) {
    return std::vector<std::vector<PropSpec>>{submission_schema(v), publication_schema(v), author_schema(v),
                                              decision_schema()};
  };
  static const std::vector<std::vector<PropSpec>> v33 = build(OjsVersion::k3_3);
  static const std::vector<std::vector<PropSpec>> v34 = build(OjsVersion::k3_4);
  static const std::vector<std::vector<PropSpec>> v35 = build(OjsVersion::k3_5);
  const auto& table = version == OjsVersion::k3_3 ? v33 : version == OjsVersion::k3_4 ? v34 : v35;
  return table[static_cast<std::size_t>(entity)];
}

const PropSpec* find_prop(OjsVersion version, Entity entity, std::string_view name) {
  for (const auto& p : write_schema(version, entity)) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace ojsemu
