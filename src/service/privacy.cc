#include "service/privacy.h"

#include <openssl/rand.h>

#include <array>
#include <limits>
#include <map>
#include <set>

#include "ojsync/canonical.h"

namespace ojsync::service {
namespace {

constexpr std::size_t kPage = 500;

// The last member of a field path: "authors[12].email" → "email", "authors[12]" → "".
std::string_view last_member(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  std::string_view last = dot == std::string_view::npos ? path : path.substr(dot + 1);
  return last.find('[') == std::string_view::npos ? last : std::string_view();
}

// One pass over everything ojsync holds, gathering the findings (export) and, when erasing
// (`pseudonym` set), every replacement.
class Scan {
 public:
  Scan(const PrivacySources& sources, const PersonMatcher& person,
       std::optional<std::string> pseudonym)
      : src_(sources), person_(person), pseudonym_(std::move(pseudonym)) {}

  // The order matters: states and agents' documents reveal the person's element paths and
  // whole entities, which the conflicts' field values and the audit payloads are judged by.
  Status run() {
    OJSYNC_RETURN_IF_ERROR(scan_states());
    if (src_.agents != nullptr) OJSYNC_RETURN_IF_ERROR(scan_agents());
    OJSYNC_RETURN_IF_ERROR(scan_conflicts());
    OJSYNC_RETURN_IF_ERROR(scan_audit());
    OJSYNC_RETURN_IF_ERROR(scan_errors());
    for (auto& [key, state] : states_) store_changes.states.push_back(std::move(state));
    return OkStatus();
  }

  Json findings = Json::array();
  ErasureCounts counts;
  PersonalDataErasure store_changes;
  std::vector<DocumentReplacement> agents_changes;

 private:
  CanonicalOptions options_for(std::string_view type) const {
    const EntityTypeConfig* config = src_.types->find(type);
    return config != nullptr ? config->canonical_options() : CanonicalOptions{};
  }

  // A reviewer document found by OJS user id is the person's as a whole, whatever its e-mail.
  bool whole_by_user_id(const EntityKey& key, const std::optional<SyncState>& state) const {
    const std::string& user = person_.selector().ojs_user_id;
    return !user.empty() && key.type == "reviewer" && state && state->ojs_id == user;
  }

  void add(Json::Object where, const std::vector<PersonFinding>& found) {
    for (const PersonFinding& f : found) {
      Json::Object entry = where;
      entry["path"] = f.path;
      entry["match"] = std::string(finding_kind_name(f.kind));
      entry["value"] = f.value;
      findings.as_array().push_back(Json(std::move(entry)));
    }
  }

  // Findings in one document of entity `key`; notes the person's elements and whole entities.
  std::vector<PersonFinding> find_in(const EntityKey& key, const Json& document, bool whole) {
    std::vector<PersonFinding> found = person_.find(document, whole, &elements_[key]);
    for (const PersonFinding& f : found) {
      if (f.kind == PersonFinding::Kind::kPerson && f.path.empty()) whole_.insert(key);
    }
    return found;
  }

  std::optional<Json> erased(const Json& document, bool whole) const {
    return person_.erase(document, *pseudonym_, whole);
  }

  Status scan_states() {
    EntityKey after;
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(std::vector<SyncState> page,
                              src_.store->list_all_states(after, kPage));
      if (page.empty()) return OkStatus();
      after = page.back().key;
      for (SyncState& state : page) {
        if (!state.base) continue;
        const bool whole = whole_by_user_id(state.key, state);
        std::vector<PersonFinding> found = find_in(state.key, *state.base, whole);
        if (found.empty()) continue;
        std::optional<Json> replacement;
        if (pseudonym_) {
          replacement = erased(*state.base, whole);
          if (*replacement == *state.base) continue;  // Erased before (a record found by user id).
        }
        ++counts.states;
        add({{"table", Json("sync_state")},
             {"entity", Json(state.key.to_string())},
             {"column", Json("base")}},
            found);
        if (!replacement) continue;
        state.base = std::move(replacement);
        state.base_hash = content_hash(*state.base, options_for(state.key.type));
        states_.insert_or_assign(state.key, std::move(state));
      }
    }
  }

  Status scan_agents() {
    std::string after_type, after_id;
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(std::vector<TypedDocument> page,
                              src_.agents->list_documents(after_type, after_id, kPage));
      if (page.empty()) return OkStatus();
      after_type = page.back().type;
      after_id = page.back().document.snapshot.side_id;
      for (const TypedDocument& d : page) {
        const Json& document = d.document.snapshot.document;
        OJSYNC_ASSIGN_OR_RETURN(
            std::optional<SyncState> state,
            src_.store->find_state_by_side_id(d.type, Side::kAgents, d.document.snapshot.side_id));
        const EntityKey key = state ? state->key : EntityKey{d.type, d.document.snapshot.side_id};
        const bool whole = whole_by_user_id(key, state);
        std::vector<PersonFinding> found = find_in(key, document, whole);
        if (found.empty()) continue;
        std::optional<Json> erased_copy;
        if (pseudonym_) {
          erased_copy = erased(document, whole);
          if (*erased_copy == document) continue;
        }
        ++counts.agents_documents;
        add({{"table", Json("agents.documents")},
             {"entity", Json(key.to_string())},
             {"agents_id", Json(d.type + "/" + d.document.snapshot.side_id)}},
            found);
        if (!erased_copy) continue;
        Json replacement = std::move(*erased_copy);
        if (state) {
          // The agents' side stays "unchanged since the last sync" when it was: its stored hash
          // follows the erased copy, so the erasure alone is not an agents' edit.
          const CanonicalOptions options = options_for(d.type);
          if (state->agents_hash == content_hash(document, options)) {
            auto [it, inserted] = states_.try_emplace(key, *state);
            it->second.agents_hash = content_hash(replacement, options);
          }
        }
        agents_changes.push_back(
            {d.type, d.document.snapshot.side_id, std::move(replacement), d.document.etag});
      }
    }
  }

  Status scan_conflicts() {
    std::int64_t after = 0;
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(std::vector<ConflictRecord> page,
                              src_.store->list_conflicts_after(after, kPage));
      if (page.empty()) return OkStatus();
      after = page.back().id;
      for (ConflictRecord& c : page) {
        const std::string before = pseudonym_ ? documents_text(c) : "";
        if (!scan_conflict(c)) continue;
        if (pseudonym_ && documents_text(c) == before) {
          --counts.conflicts;  // Erased before: nothing to write.
          continue;
        }
        store_changes.conflicts.push_back(std::move(c));
      }
    }
  }

  // The documents of `c` an erasure may change, as text, to tell whether it changed any.
  static std::string documents_text(const ConflictRecord& c) {
    std::string text;
    for (const std::optional<Json>* d : {&c.base, &c.ojs, &c.agents, &c.resolved_document})
      text += (*d ? (*d)->dump() : "-") + "\n";
    for (const FieldConflict& f : c.fields) {
      for (const std::optional<Json>* v : {&f.base, &f.ojs, &f.agents})
        text += (*v ? (*v)->dump() : "-") + "\n";
    }
    return text;
  }

  // True when `c` holds the person (and, when erasing, has been pseudonymised in place).
  bool scan_conflict(ConflictRecord& c) {
    const Json::Object where = {{"table", Json("sync_conflicts")},
                                {"entity", Json(c.key.to_string())},
                                {"row", Json(c.id)}};
    bool any = false;
    auto document = [&](std::optional<Json>& doc, const char* column) {
      if (!doc) return;
      std::vector<PersonFinding> found = find_in(c.key, *doc, false);
      if (found.empty()) return;
      any = true;
      Json::Object at = where;
      at["column"] = column;
      add(std::move(at), found);
      if (pseudonym_) doc = erased(*doc, false);
    };
    document(c.base, "base");
    document(c.ojs, "ojs");
    document(c.agents, "agents");
    document(c.resolved_document, "resolved_document");
    const std::set<std::string>& elements = elements_[c.key];
    for (FieldConflict& f : c.fields) {
      bool theirs = whole_.count(c.key) != 0;
      for (const std::string& e : elements) theirs = theirs || path_within(f.path, e);
      std::optional<Json>* values[] = {&f.base, &f.ojs, &f.agents};
      if (theirs) {
        Json value = Json::object();
        if (f.base) value["base"] = *f.base;
        if (f.ojs) value["ojs"] = *f.ojs;
        if (f.agents) value["agents"] = *f.agents;
        any = true;
        Json::Object at = where;
        at["column"] = "fields";
        add(std::move(at), {{f.path, PersonFinding::Kind::kPerson, std::move(value)}});
        if (pseudonym_) {
          for (std::optional<Json>* v : values) {
            if (*v) *v = PersonMatcher::erase_value(**v, last_member(f.path), *pseudonym_);
          }
        }
        continue;
      }
      for (std::optional<Json>* v : values) {
        if (!*v) continue;
        std::vector<PersonFinding> found = person_.find(**v);
        if (found.empty()) continue;
        any = true;
        for (PersonFinding& p : found) p.path = p.path.empty() ? f.path : f.path + "." + p.path;
        Json::Object at = where;
        at["column"] = "fields";
        add(std::move(at), found);
        if (pseudonym_) *v = erased(**v, false);
      }
    }
    if (any) ++counts.conflicts;
    return any;
  }

  Status scan_audit() {
    std::int64_t after = 0;
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(std::vector<ChainedAuditEntry> page,
                              src_.store->read_audit_chain(after, kPage));
      if (page.empty()) return OkStatus();
      after = page.back().entry.id;
      for (const ChainedAuditEntry& c : page) {
        const AuditEntry& e = c.entry;
        if (c.redacted) continue;
        std::vector<PersonFinding> found = person_.find(e.details);
        const bool has_payload = e.details.is_object() && !e.details.as_object().empty();
        bool theirs = has_payload && whole_.count(e.key) != 0;
        if (const Json* path = e.details.find("path"); path != nullptr && path->is_string()) {
          for (const std::string& element : elements_[e.key])
            theirs = theirs || path_within(path->as_string(), element);
        }
        if (theirs) found = {{"", PersonFinding::Kind::kPerson, e.details}};
        if (found.empty()) continue;
        ++counts.audit_payloads;
        add({{"table", Json("audit_log")},
             {"entity", Json(e.key.to_string())},
             {"row", Json(e.id)},
             {"action", Json(e.action)},
             {"at", Json(format_timestamp(e.at))},
             {"column", Json("details")}},
            found);
        store_changes.redacted_audit_ids.push_back(e.id);
      }
    }
  }

  Status scan_errors() {
    std::int64_t after = 0;
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(std::vector<SyncRecord> page,
                              src_.store->list_records_after(after, kPage));
      if (page.empty()) break;
      after = page.back().id;
      for (const SyncRecord& r : page) {
        if (!person_.mentions(r.error)) continue;
        ++counts.record_errors;
        add({{"table", Json("sync_records")},
             {"entity", Json(r.key.to_string())},
             {"row", Json(r.id)},
             {"column", Json("error")}},
            {{"", PersonFinding::Kind::kMention, Json(r.error)}});
        if (pseudonym_)
          store_changes.record_errors.emplace_back(r.id, person_.erase_text(r.error, *pseudonym_));
      }
    }
    // The queue is small (pending, leased and dead-lettered jobs only): one read.
    OJSYNC_ASSIGN_OR_RETURN(
        std::vector<Job> jobs,
        src_.store->list_jobs(std::nullopt, std::numeric_limits<std::size_t>::max()));
    for (const Job& j : jobs) {
      if (!person_.mentions(j.last_error)) continue;
      ++counts.job_errors;
      add({{"table", Json("sync_jobs")},
           {"entity", Json(j.key.to_string())},
           {"row", Json(j.id)},
           {"column", Json("last_error")}},
          {{"", PersonFinding::Kind::kMention, Json(j.last_error)}});
      if (pseudonym_)
        store_changes.job_errors.emplace_back(j.id, person_.erase_text(j.last_error, *pseudonym_));
    }
    return OkStatus();
  }

  const PrivacySources& src_;
  const PersonMatcher& person_;
  std::optional<std::string> pseudonym_;
  std::map<EntityKey, std::set<std::string>> elements_;  // The person's element paths per entity.
  std::set<EntityKey> whole_;                            // Entities that are the person.
  std::map<EntityKey, SyncState> states_;                // Erased states, by key.
};

Json counts_json(const ErasureCounts& c) {
  return Json(Json::Object{{"sync_state", Json(c.states)},
                           {"sync_conflicts", Json(c.conflicts)},
                           {"audit_log", Json(c.audit_payloads)},
                           {"sync_records", Json(c.record_errors)},
                           {"sync_jobs", Json(c.job_errors)},
                           {"agents.documents", Json(c.agents_documents)}});
}

Status check_sources(const PrivacySources& sources) {
  if (sources.store == nullptr || sources.types == nullptr) {
    return InvalidArgument("privacy: a store and the entity types are required");
  }
  return OkStatus();
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 32) return false;
  for (char c : tag) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// Prefixes a failed step's error with its name.
Status step_error(std::string_view step, const Status& s) {
  return Status(s.code(), std::string(step) + ": " + s.message());
}

}  // namespace

Result<std::string> new_erasure_tag() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Internal("privacy: the random generator failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag;
  for (unsigned char b : bytes) {
    tag.push_back(kHex[b >> 4]);
    tag.push_back(kHex[b & 0xf]);
  }
  return tag;
}

Result<Json> export_person(const PrivacySources& sources, const PersonMatcher& person) {
  OJSYNC_RETURN_IF_ERROR(check_sources(sources));
  Scan scan(sources, person, std::nullopt);
  OJSYNC_RETURN_IF_ERROR(scan.run());
  Json::Object who{{"email", Json(person.selector().email)}};
  if (!person.selector().ojs_user_id.empty()) who["ojs_user_id"] = person.selector().ojs_user_id;
  if (!person.selector().orcid.empty()) who["orcid"] = person.selector().orcid;
  return Json(Json::Object{{"person", Json(std::move(who))},
                           {"findings", std::move(scan.findings)},
                           {"counts", counts_json(scan.counts)}});
}

Result<ErasureCounts> erase_person(const PrivacySources& sources, const PersonMatcher& person,
                                   const ErasureOptions& options) {
  OJSYNC_RETURN_IF_ERROR(check_sources(sources));
  if (!valid_tag(options.tag))
    return InvalidArgument("privacy: the pseudonym tag must be 1-32 of [a-z0-9]");
  Scan scan(sources, person, "erased-" + options.tag + "@invalid");
  OJSYNC_RETURN_IF_ERROR(scan.run());
  // The audit entry proves an erasure took place without naming the person: a salted hash
  // (the tag is the salt) lets someone who knows the address check it, nobody else read it.
  AuditEntry entry;
  entry.at = options.at;
  entry.actor = options.actor;
  entry.action = "privacy_erased";
  entry.key = {"person", sha256_hex(options.tag + "\n" + person.selector().email).substr(0, 32)};
  entry.reason = "privacy erase";
  entry.details =
      Json(Json::Object{{"salt", Json(options.tag)}, {"counts", counts_json(scan.counts)}});
  scan.store_changes.audit.push_back(std::move(entry));

  // With nothing to change, the purge still runs: it finishes an earlier erasure whose purge
  // could not complete.
  if (scan.counts.total() > 0) {
    Status stored = sources.store->erase_personal_data(scan.store_changes);
    if (!stored.ok()) return step_error("store", stored);
  }
  if (!scan.agents_changes.empty()) {
    Status agents = sources.agents->replace_all(scan.agents_changes);
    if (!agents.ok()) return step_error("agents' store", agents);
  }
  if (Status purged = sources.store->purge_freed_space(); !purged.ok())
    return step_error("purge", purged);
  if (sources.agents != nullptr) {
    if (Status purged = sources.agents->purge_freed_space(); !purged.ok())
      return step_error("purge", purged);
  }
  return scan.counts;
}

}  // namespace ojsync::service
