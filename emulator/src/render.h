// JSON views of the model exactly as OJS's services/maps produce them for each version: summary
// (list items, apiSummary props) and full (every prop that is not writeOnly), top-level keys in
// ksort order, multilingual props expanded to every journal locale.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "model.h"
#include "ojs_version.h"
#include "reviewer_stats.h"

namespace ojsemu {

class RenderContext {
 public:
  RenderContext(OjsVersion version, const Database& db, const std::string& base_url, const User* viewer,
                NaiveTime now);

  OjsVersion version;
  const Database& db;
  const User* viewer;  // the authenticated user (affects "current user" flags)
  NaiveTime now;       // journal-zone wall clock, for review due-date statuses

  const std::string& journal_url() const { return journal_url_; }  // {base}/index.php/{path}
  const std::string& api_url() const { return api_url_; }          // {journal_url}/api/v1
  const std::string& locale_code(LocaleIndex i) const { return db.journal.locales[i]; }
  const std::vector<int>& viewer_roles() const { return viewer_roles_; }

 private:
  std::string journal_url_;
  std::string api_url_;
  std::vector<int> viewer_roles_;  // computed once: list pages render hundreds of objects
};

enum class View { kSummary, kFull };
enum class UserView { kSummary, kFull, kReviewer };

boost::json::object render_submission(const RenderContext& ctx, const Submission& s, View view);
boost::json::object render_publication(const RenderContext& ctx, const Submission& s, const Publication& p,
                                       View view);
boost::json::object render_author(const RenderContext& ctx, const Submission& s, const Author& a);
// `stats` is used (and required) for UserView::kReviewer.
boost::json::object render_user(const RenderContext& ctx, const User& u, UserView view,
                                const ReviewerStats* stats = nullptr);
boost::json::object render_decision(const RenderContext& ctx, const Submission& s, const Decision& d);
boost::json::object render_issue_summary(const RenderContext& ctx, const Issue& issue);

// Display name helpers shared with search and sorting.
std::string localized_value(const LocalizedText& text, LocaleIndex preferred, LocaleIndex fallback);
std::string author_full_name(const Author& a, LocaleIndex preferred, LocaleIndex fallback);
std::string user_full_name(const User& u);
// The journal locale index of a submission's locale (primary locale when unknown or null).
LocaleIndex submission_locale_index(const Database& db, const Submission& s);
const Publication* current_publication(const Submission& s);

}  // namespace ojsemu
