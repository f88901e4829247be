#include "reviewer_stats.h"

namespace ojsemu {

std::map<int, ReviewerStats> compute_reviewer_stats(const Database& db) {
  std::map<int, ReviewerStats> stats;
  std::map<int, std::pair<std::int64_t, int>> completion;  // reviewer → (sum of days, count)
  for (const auto& [sid, s] : db.submissions) {
    for (const auto& a : s.review_assignments) {
      ReviewerStats& st = stats[a.reviewer_id];
      if (a.declined) {
        ++st.declined;
      } else if (a.cancelled) {
        ++st.cancelled;
      } else if (a.date_completed) {
        ++st.completed;
      } else {
        ++st.active;
      }
      if (a.date_completed && a.date_notified) {
        auto& [sum, n] = completion[a.reviewer_id];
        sum += (*a.date_completed - *a.date_notified) / 86400;
        ++n;
      }
      if (!st.last_assignment || a.date_assigned > *st.last_assignment) st.last_assignment = a.date_assigned;
    }
  }
  for (const auto& [id, sc] : completion) {
    stats[id].average_completion_days = static_cast<int>(sc.first / sc.second);
  }
  return stats;
}

}  // namespace ojsemu
