#include "submission_query.h"

#include <algorithm>

#include "ojs_constants.h"
#include "render.h"
#include "text_case.h"
#include "workflow.h"

namespace ojsemu {
namespace {

using OrderBy = SubmissionListQuery::OrderBy;

std::optional<OrderBy> order_by_name(OjsVersion version, const std::string& name) {
  if (name == "dateSubmitted") return OrderBy::kDateSubmitted;
  if (name == "lastModified") return OrderBy::kLastModified;
  if (name == "title") return OrderBy::kTitle;
  if (version == OjsVersion::k3_3) {
    if (name == "dateLastActivity") return OrderBy::kDateLastActivity;
    return std::nullopt;
  }
  if (name == "lastActivity") return OrderBy::kDateLastActivity;
  if (name == "datePublished") return OrderBy::kDatePublished;
  if (name == "sequence") return OrderBy::kSequence;
  return std::nullopt;
}

std::vector<std::string> split_words(const std::string& phrase) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= phrase.size()) {
    std::size_t end = phrase.find(' ', start);
    if (end == std::string::npos) end = phrase.size();
    if (end > start) words.push_back(phrase.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

bool contains(const std::vector<std::int64_t>& list, std::int64_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool word_matches(const Submission& s, const std::string& word) {
  const std::string lowered = ascii_lower(word);  // PHP strtolower(): ASCII only
  if (!word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      std::to_string(s.id) == word) {
    return true;
  }
  for (const auto& p : s.publications) {
    for (const auto& [loc, title] : p.title.entries()) {
      if (unicode_lower(title).find(lowered) != std::string::npos) return true;
    }
    for (const auto& a : p.authors) {
      for (const auto* names : {&a.given_name, &a.family_name}) {
        for (const auto& [loc, n] : names->entries()) {
          if (unicode_lower(n).find(lowered) != std::string::npos) return true;
        }
      }
      if (a.orcid && ascii_lower(*a.orcid) == lowered) return true;
    }
  }
  return false;
}

bool matches(const Database& db, const Submission& s, const SubmissionListQuery& q,
             const std::vector<std::string>& words, NaiveTime now) {
  if (!q.statuses.empty() && !contains(q.statuses, s.status)) return false;
  if (!q.stage_ids.empty() && !contains(q.stage_ids, s.stage_id)) return false;
  if (q.incomplete_only && s.submission_progress == 0) return false;
  if (q.days_inactive && s.date_last_activity >= now - *q.days_inactive * 86400) return false;
  const Publication* p = current_publication(s);
  if (!q.section_ids.empty() && (p == nullptr || !p->section_id || !contains(q.section_ids, *p->section_id))) {
    return false;
  }
  if (!q.issue_ids.empty() && (p == nullptr || !p->issue_id || !contains(q.issue_ids, *p->issue_id))) return false;
  if (q.assigned_to) {
    const bool any = std::any_of(q.assigned_to->begin(), q.assigned_to->end(),
                                 [&](std::int64_t uid) { return is_assigned(s, static_cast<int>(uid)); });
    if (!any) return false;
  }
  if (q.unassigned) {
    for (int st : {stage::kSubmission, stage::kExternalReview, stage::kEditing, stage::kProduction}) {
      if (editor_assigned_to_stage(db, s, st)) return false;
    }
  }
  if (q.overdue_only) {
    const bool overdue = std::any_of(s.review_assignments.begin(), s.review_assignments.end(), [&](const auto& a) {
      const int st = review_assignment_status(a, now);
      return st == review_status::kResponseOverdue || st == review_status::kReviewOverdue;
    });
    if (!overdue) return false;
  }
  for (const auto& w : words) {
    if (!word_matches(s, w)) return false;
  }
  return true;
}

// The sort column of one submission; nullopt plays SQL NULL.
struct SortKey {
  std::optional<std::int64_t> number;
  std::optional<std::string> text;
  bool is_null() const { return !number && !text; }
};

SortKey sort_key(const Database& db, const Submission& s, OrderBy order_by) {
  const Publication* p = current_publication(s);
  switch (order_by) {
    case OrderBy::kDateSubmitted: return {s.date_submitted, std::nullopt};
    case OrderBy::kDateLastActivity: return {s.date_last_activity, std::nullopt};
    case OrderBy::kLastModified: return {s.last_modified, std::nullopt};
    case OrderBy::kDatePublished: return {p ? p->date_published : std::nullopt, std::nullopt};
    case OrderBy::kSequence: return {p ? std::optional<std::int64_t>(p->seq) : std::nullopt, std::nullopt};
    case OrderBy::kTitle: {
      if (p == nullptr) return {};
      // Title in the UI locale (the primary locale here), else in the submission's locale.
      const std::string* t = p->title.get(0);
      if (t == nullptr || t->empty()) t = p->title.get(submission_locale_index(db, s));
      if (t == nullptr) return {};
      return {std::nullopt, *t};
    }
  }
  return {};
}

}  // namespace

std::string SubmissionListQuery::cache_key() const {
  std::string key = std::to_string(static_cast<int>(order_by)) + (ascending ? "A" : "D");
  auto add_list = [&](char tag, const std::vector<std::int64_t>& v) {
    key += tag;
    for (auto x : v) key += std::to_string(x) + ",";
  };
  add_list('s', statuses);
  add_list('g', stage_ids);
  add_list('c', section_ids);
  add_list('i', issue_ids);
  if (assigned_to) add_list('a', *assigned_to);
  key += unassigned ? "U" : "u";
  key += days_inactive ? "d" + std::to_string(*days_inactive) : "-";
  key += incomplete_only ? "I" : "i";
  key += overdue_only ? "O" : "o";
  key += "q" + search_phrase;
  return key;
}

SubmissionListQuery parse_submission_list_query(OjsVersion version, const QueryParams& params) {
  SubmissionListQuery q;
  const bool v33 = version == OjsVersion::k3_3;
  q.limit = v33 ? 20 : 30;
  if (const auto count = params.scalar("count")) {
    const std::int64_t n = std::min<std::int64_t>(100, php_int_cast(*count));
    // 3.3: count <= 0 makes an invalid DBResultRange, i.e. no LIMIT at all. 3.4+: Laravel applies
    // LIMIT 0 (empty page) but ignores a negative limit.
    if (v33) {
      q.limit = n > 0 ? std::optional<std::int64_t>(n) : std::nullopt;
    } else {
      q.limit = n >= 0 ? std::optional<std::int64_t>(n) : std::nullopt;
    }
  }
  if (const auto offset = params.scalar("offset")) q.offset = std::max<std::int64_t>(0, php_int_cast(*offset));
  const auto order_by = params.scalar("orderBy");
  const auto parsed_order = order_by ? order_by_name(version, *order_by) : std::nullopt;
  if (parsed_order) q.order_by = *parsed_order;
  // 3.3 applies orderDirection on its own; 3.4+ only together with a valid orderBy.
  if (v33 || parsed_order) q.ascending = params.scalar("orderDirection") == std::optional<std::string>("ASC");
  q.statuses = int_list_param(params, "status");
  q.stage_ids = int_list_param(params, "stageIds");
  q.section_ids = int_list_param(params, "sectionIds");
  q.issue_ids = int_list_param(params, "issueIds");
  if (params.has("assignedTo")) {
    auto ids = int_list_param(params, "assignedTo");
    if (version != OjsVersion::k3_5 && ids == std::vector<std::int64_t>{-1}) {
      q.unassigned = true;
    } else {
      q.assigned_to = std::move(ids);
    }
  }
  if (version == OjsVersion::k3_5 && params.has("isUnassigned")) q.unassigned = true;
  if (const auto days = params.scalar("daysInactive")) q.days_inactive = php_int_cast(*days);
  if (const auto search = params.scalar("searchPhrase")) q.search_phrase = *search;
  q.incomplete_only = params.has("isIncomplete");
  q.overdue_only = params.has("isOverdue");
  return q;
}

std::vector<int> select_submissions(const Database& db, const SubmissionListQuery& query, NaiveTime now) {
  const std::vector<std::string> words = split_words(query.search_phrase);
  struct Row {
    SortKey key;
    int id;
  };
  std::vector<Row> rows;
  for (const auto& [id, s] : db.submissions) {
    if (matches(db, s, query, words, now)) rows.push_back({sort_key(db, s, query.order_by), id});
  }
  const bool asc = query.ascending;
  std::sort(rows.begin(), rows.end(), [asc](const Row& a, const Row& b) {
    if (a.key.is_null() != b.key.is_null()) return asc ? b.key.is_null() : a.key.is_null();
    if (!a.key.is_null()) {
      const int cmp = a.key.text ? a.key.text->compare(*b.key.text)
                                 : (*a.key.number < *b.key.number ? -1 : *a.key.number > *b.key.number ? 1 : 0);
      if (cmp != 0) return asc ? cmp < 0 : cmp > 0;
    }
    return asc ? a.id < b.id : a.id > b.id;
  });
  std::vector<int> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

}  // namespace ojsemu
