// PersonMatcher: what "data about a person" means inside one JSON document, for `ojsync privacy
// export` and `erase` (privacy.h), and how a match is pseudonymised.
//
// A person is named by an e-mail address (required, compared without case) and optionally an
// OJS user id and an ORCID. Inside a document:
//  - a person object is any object whose "email" is the address, or whose "orcid" is the ORCID
//    (a reviewer document, a manuscript's author entry, an author inside a conflict's value);
//    the whole object is theirs;
//  - a user reference is a member "editorId", "reviewerId" or "userId" equal to the user id
//    (decisions name their editor this way);
//  - a mention is any other string containing the address or the ORCID (error texts, audit
//    payloads holding one field's value).
// Paths use the engine's notation (three_way_merge): "authors[12].email", array elements by
// their "id" member when they have one, else by position. A person object inside an array
// also yields its element path ("authors[12]"), so that a field conflict or an audit payload
// about "authors[12].givenName" (no e-mail in it) is recognised as theirs too.
//
// Names written in free text (an abstract citing the person) are not found: matching is by
// identifier only (docs/operations.md).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/json.h"
#include "ojsync/status.h"

namespace ojsync::service {

struct PersonSelector {
  std::string email;        // As given; matched without case.
  std::string ojs_user_id;  // "" = not used.
  std::string orcid;        // "" = not used; "https://orcid.org/" prefixes are ignored.
};

// One place a document holds the person's data.
struct PersonFinding {
  enum class Kind : std::uint8_t { kPerson, kUserReference, kMention };
  std::string path;  // "" = the whole document.
  Kind kind = Kind::kPerson;
  Json value;  // The person object, the reference, or the mentioning text.
};
std::string_view finding_kind_name(PersonFinding::Kind kind);  // "person", "user_id", "mention"

// Thread-compatible (immutable after construction).
class PersonMatcher {
 public:
  // kInvalidArgument unless the e-mail looks like one (something@something) and the user id,
  // when given, is decimal.
  static Result<PersonMatcher> create(const PersonSelector& selector);

  const PersonSelector& selector() const { return selector_; }

  // Every place `document` holds the person's data, in document order. With `whole`, the
  // document itself is theirs (a reviewer found by user id). Element paths of person objects
  // inside arrays are added to `elements` when it is given.
  std::vector<PersonFinding> find(const Json& document, bool whole = false,
                                  std::set<std::string>* elements = nullptr) const;

  // `document` with every finding pseudonymised: a person object keeps its numbers and
  // booleans (ids, order, flags), its "email" becomes `pseudonym_email`, its other strings
  // "[erased]", its arrays empty and its objects keep their keys with "[erased]" values; a user
  // reference is removed; a mention has the address replaced by `pseudonym_email` and the
  // ORCID by "[erased]". Returns nullopt when nothing matched.
  std::optional<Json> erase(const Json& document, std::string_view pseudonym_email,
                            bool whole = false) const;

  // A value that belongs to the person as a whole (a field conflict's value at one of their
  // element paths, named `member`), pseudonymised as inside a person object.
  static Json erase_value(const Json& value, std::string_view member,
                          std::string_view pseudonym_email);

  // True when `text` contains the address or the ORCID.
  bool mentions(std::string_view text) const;
  // `text` with the address and the ORCID replaced.
  std::string erase_text(std::string_view text, std::string_view pseudonym_email) const;

 private:
  explicit PersonMatcher(PersonSelector selector) : selector_(std::move(selector)) {}
  bool is_person(const Json& object) const;
  bool is_user_reference(std::string_view member, const Json& value) const;

  PersonSelector selector_;  // email lower-cased, orcid bare and upper-cased.
};

// True when `path` is `element` or lies inside it ("authors[12].email" in "authors[12]").
bool path_within(std::string_view path, std::string_view element);

}  // namespace ojsync::service
