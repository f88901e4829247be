// Authors (OJS "contributors") as manuscript documents hold them, and the contributor-API
// calls (3.4+) that make OJS hold a desired author list.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ojsync/json.h"
#include "ojsync/ojs_connector.h"
#include "ojsync/status.h"

namespace ojsync {

// An OJS author object → {id, seq, email, givenName{}, familyName{}, preferredPublicName{},
// affiliation{} (3.3/3.4) or affiliations[{name{}, ror}] (3.5), orcid, country, url,
// userGroupId, includeInBrowse}, empty members left out. Its members are moved out of `raw`.
Json project_author(Json raw, OjsVersion v);

// The authors array of a document: projected, ordered by (seq, id).
Json project_authors(Json raw_authors, OjsVersion v);

// A desired author list in the same normal form (empty members dropped), or kInvalidArgument
// when it is not an array of objects with well-typed members.
Result<Json> normalize_authors(const Json& desired);

struct AuthorOp {
  enum class Kind { kCreate, kUpdate, kDelete };
  Kind kind = Kind::kUpdate;
  std::int64_t id = 0;  // kUpdate / kDelete
  Json body;            // kCreate / kUpdate: the contributor fields to send
};

struct AuthorPlan {
  std::vector<AuthorOp> ops;  // Deletes first, then updates, then creates.
  std::vector<std::string> rejected_fields;
};

// The calls that turn `current` (projected) into `desired` (normalized). A desired author
// matches a current one by id; one without a known id matches a current author that no
// desired id claims and has the same email (so a create retried after a lost response updates
// the author the first attempt made instead of adding a twin). New authors without a
// userGroupId borrow the first current author's; with none available they are rejected.
AuthorPlan plan_author_changes(const Json& desired, const Json& current,
                               std::int64_t publication_id, OjsVersion v);

}  // namespace ojsync
