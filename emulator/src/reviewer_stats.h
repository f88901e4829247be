// Per-reviewer aggregates of GET /users/reviewers (PKPUserQueryBuilder's review statistics).
#pragma once

#include <map>
#include <optional>

#include "model.h"

namespace ojsemu {

struct ReviewerStats {
  int active = 0;     // not completed, not declined, not cancelled
  int completed = 0;
  int declined = 0;
  int cancelled = 0;
  int average_completion_days = 0;  // mean of (completed - notified), whole days; 0 when none
  std::optional<NaiveTime> last_assignment;
  std::optional<int> rating;        // mean reviewer quality rating; the emulator stores none
};

std::map<int, ReviewerStats> compute_reviewer_stats(const Database& db);

}  // namespace ojsemu
