// The emulated OJS database: one journal with its sections, issues, user groups, users and
// submissions (each owning its publications, authors, review rounds/assignments, stage
// assignments and decisions). Plain data; the rules live in the services that mutate it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "localized.h"
#include "naive_time.h"

namespace ojsemu {

struct Section {
  int id = 0;
  LocalizedText title;
  LocalizedText abbrev;
  bool abstracts_not_required = false;
  bool editor_restricted = false;
  bool is_inactive = false;
  int seq = 0;
};

struct Issue {
  int id = 0;
  int volume = 0;
  int number = 0;
  int year = 0;
  bool published = false;
  std::optional<NaiveTime> date_published;
  LocalizedText title;
};

struct Journal {
  int id = 1;
  std::string path = "testj";
  LocalizedText name;
  // Locale codes as the emulated version spells them (en_US in 3.3, en in 3.4+); every
  // LocaleIndex in the data points into this table. Index 0 is the primary locale.
  std::vector<std::string> locales;
  bool disable_submissions = false;
  std::vector<Section> sections;
  std::vector<Issue> issues;
};

struct UserGroup {
  int id = 0;
  int role_id = 0;
  LocalizedText name;
  LocalizedText abbrev;
  bool show_title = false;
  bool permit_self_registration = false;
  bool permit_metadata_edit = false;
  bool recommend_only = false;
  std::vector<int> stages;  // workflow stages this group participates in
};

struct User {
  int id = 0;
  std::string user_name;
  std::string email;
  LocalizedText given_name;
  LocalizedText family_name;
  LocalizedText preferred_public_name;
  LocalizedText affiliation;
  LocalizedText biography;
  LocalizedText signature;
  std::optional<std::string> gossip;
  std::optional<std::string> country;
  std::optional<std::string> orcid;
  std::optional<std::string> url;
  std::optional<std::string> phone;
  std::optional<std::string> mailing_address;
  std::optional<std::string> billing_address;
  NaiveTime date_registered = 0;
  std::optional<NaiveTime> date_validated;
  std::optional<NaiveTime> date_last_login;
  bool disabled = false;
  std::optional<std::string> disabled_reason;
  bool must_change_password = false;
  bool site_admin = false;
  std::vector<int> group_ids;
  std::vector<std::string> interests;
  // The API key and whether the user switched it on in their profile (user_settings rows).
  std::optional<std::string> api_key;
  bool api_key_enabled = false;
};

struct Author {
  int id = 0;
  int publication_id = 0;
  int seq = 0;
  std::string email;
  LocalizedText given_name;
  LocalizedText family_name;
  LocalizedText preferred_public_name;
  LocalizedText affiliation;
  LocalizedText biography;
  LocalizedText competing_interests;
  std::optional<std::string> country;
  std::optional<std::string> orcid;
  std::optional<std::string> url;
  bool include_in_browse = true;
  int user_group_id = 0;
};

struct Publication {
  int id = 0;
  int submission_id = 0;
  int version = 1;
  int status = 1;
  int seq = 0;
  std::optional<NaiveTime> date_published;  // a date; the time part is always 00:00:00
  NaiveTime last_modified = 0;
  std::optional<int> section_id;
  std::optional<int> issue_id;
  std::optional<int> primary_contact_id;
  std::optional<int> copyright_year;
  std::optional<int> access_status = 0;
  std::optional<bool> hide_author;
  std::optional<std::string> pages;
  std::optional<std::string> url_path;
  std::optional<std::string> license_url;
  std::optional<std::string> citations_raw;
  std::optional<std::string> publisher_id;  // pub-id::publisher-id
  std::vector<int> category_ids;
  LocalizedText title;
  LocalizedText subtitle;
  LocalizedText prefix;
  LocalizedText abstract;
  LocalizedText coverage;
  LocalizedText type;
  LocalizedText source;
  LocalizedText rights;
  LocalizedText copyright_holder;
  LocalizedText data_availability;
  LocalizedList keywords;
  LocalizedList subjects;
  LocalizedList disciplines;
  LocalizedList languages;
  LocalizedList supporting_agencies;
  std::vector<Author> authors;
};

struct ReviewRound {
  int id = 0;
  int stage_id = 3;
  int round = 1;
  int status = 0;  // the stored status column; the shown status is computed (determineStatus)
};

struct ReviewAssignment {
  int id = 0;
  int review_round_id = 0;
  int reviewer_id = 0;
  int stage_id = 3;
  int round = 1;
  NaiveTime date_assigned = 0;
  std::optional<NaiveTime> date_notified;
  std::optional<NaiveTime> date_confirmed;
  std::optional<NaiveTime> date_completed;
  std::optional<NaiveTime> date_acknowledged;
  std::optional<NaiveTime> date_due;
  std::optional<NaiveTime> date_response_due;
  bool declined = false;
  bool cancelled = false;
  bool considered = false;  // the editor has read the review
  std::optional<int> recommendation;
  int review_method = 2;
};

struct StageAssignment {
  int user_id = 0;
  int user_group_id = 0;
  bool recommend_only = false;
};

struct Decision {
  int id = 0;
  int decision = 0;
  int stage_id = 0;
  std::optional<int> review_round_id;
  std::optional<int> round;  // set for decisions taken on a review round
  int editor_id = 0;
  NaiveTime date_decided = 0;
};

struct Submission {
  int id = 0;
  int context_id = 1;
  std::optional<std::string> locale;
  std::optional<NaiveTime> date_submitted;
  NaiveTime date_last_activity = 0;
  NaiveTime last_modified = 0;
  int stage_id = 1;
  int status = 1;
  // 0 = complete. 3.3 shows the number; 3.4+ map it to '' / start / details / … (see render).
  int submission_progress = 0;
  std::optional<int> current_publication_id;
  std::optional<std::string> comments_for_the_editors;
  std::vector<Publication> publications;
  std::vector<ReviewRound> review_rounds;
  std::vector<ReviewAssignment> review_assignments;
  std::vector<StageAssignment> stage_assignments;
  std::vector<Decision> decisions;
};

struct NextIds {
  int submission = 1;
  int publication = 1;
  int author = 1;
  int review_round = 1;
  int review_assignment = 1;
  int decision = 1;
};

struct Database {
  Journal journal;
  std::vector<UserGroup> user_groups;
  std::map<int, User> users;
  std::map<int, Submission> submissions;
  std::unordered_map<int, int> publication_owner;  // publication id → submission id
  NextIds next_ids;
  // Bumped by every write so that cached list selections can tell they are stale.
  std::uint64_t generation = 0;

  const UserGroup* user_group(int id) const;
  const User* user(int id) const;
  const User* user_by_api_key(const std::string& key) const;
  Submission* submission(int id);
  const Submission* submission(int id) const;
  // Rebuilds publication_owner and raises next_ids above every stored id.
  void reindex();
};

}  // namespace ojsemu
