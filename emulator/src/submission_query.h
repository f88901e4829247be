// GET /submissions list semantics: parameter parsing per version (defaults, clamping, the
// count<=0 quirks, the orderBy vocabulary) and the filter/sort that selects the matching
// submissions. Sorting mirrors SQL "ORDER BY <column> <dir>" with NULLs last when ascending and
// first when descending (PostgreSQL); ties are broken by id in the same direction so that pages
// are stable (real OJS leaves ties unordered).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model.h"
#include "ojs_version.h"
#include "query_params.h"

namespace ojsemu {

struct SubmissionListQuery {
  enum class OrderBy { kDateSubmitted, kDateLastActivity, kLastModified, kTitle, kDatePublished, kSequence };
  OrderBy order_by = OrderBy::kDateSubmitted;
  bool ascending = false;
  std::optional<std::int64_t> limit;  // nullopt: no LIMIT at all
  std::int64_t offset = 0;
  std::vector<std::int64_t> statuses;
  std::vector<std::int64_t> stage_ids;
  std::vector<std::int64_t> section_ids;
  std::vector<std::int64_t> issue_ids;
  std::optional<std::vector<std::int64_t>> assigned_to;
  bool unassigned = false;
  std::optional<std::int64_t> days_inactive;
  std::string search_phrase;
  bool incomplete_only = false;
  bool overdue_only = false;

  // Everything but paging, so that consecutive pages can share one sorted selection.
  std::string cache_key() const;
};

SubmissionListQuery parse_submission_list_query(OjsVersion version, const QueryParams& params);

// Ids of every matching submission in response order.
std::vector<int> select_submissions(const Database& db, const SubmissionListQuery& query, NaiveTime now);

}  // namespace ojsemu
