#include "model.h"

#include <algorithm>

namespace ojsemu {

const UserGroup* Database::user_group(int id) const {
  for (const auto& g : user_groups) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

const User* Database::user(int id) const {
  const auto it = users.find(id);
  return it == users.end() ? nullptr : &it->second;
}

const User* Database::user_by_api_key(const std::string& key) const {
  for (const auto& [id, u] : users) {
    if (u.api_key && *u.api_key == key) return &u;
  }
  return nullptr;
}

Submission* Database::submission(int id) {
  const auto it = submissions.find(id);
  return it == submissions.end() ? nullptr : &it->second;
}

const Submission* Database::submission(int id) const {
  const auto it = submissions.find(id);
  return it == submissions.end() ? nullptr : &it->second;
}

void Database::reindex() {
  publication_owner.clear();
  for (const auto& [id, s] : submissions) {
    next_ids.submission = std::max(next_ids.submission, id + 1);
    for (const auto& p : s.publications) {
      publication_owner[p.id] = id;
      next_ids.publication = std::max(next_ids.publication, p.id + 1);
      for (const auto& a : p.authors) next_ids.author = std::max(next_ids.author, a.id + 1);
    }
    for (const auto& r : s.review_rounds) next_ids.review_round = std::max(next_ids.review_round, r.id + 1);
    for (const auto& r : s.review_assignments) {
      next_ids.review_assignment = std::max(next_ids.review_assignment, r.id + 1);
    }
    for (const auto& d : s.decisions) next_ids.decision = std::max(next_ids.decision, d.id + 1);
  }
}

}  // namespace ojsemu
