// State changes shared by the endpoint handlers, with OJS's side effects: id allocation, the
// current publication, the status derived from publications (Submission::updateStatus) and
// per-locale merging of multilingual props.
#pragma once

#include <boost/json/object.hpp>

#include "model.h"
#include "ojs_version.h"

namespace ojsemu {

Submission& create_submission(Database& db, NaiveTime now);
Publication& create_publication(Database& db, Submission& s, NaiveTime now);
// PublicationService::version(): a copy of `source` (with its authors) as the next version.
Publication& copy_publication_as_new_version(Database& db, Submission& s, const Publication& source, NaiveTime now);
void delete_submission(Database& db, int submission_id);
void delete_publication(Database& db, Submission& s, int publication_id);

// PUT/POST body props that OJS stores (readOnly, unknown and handler-controlled props are
// skipped; locale codes must already be validated).
void apply_submission_params(Submission& s, const boost::json::object& params, OjsVersion v);
void apply_publication_params(const Database& db, Publication& p, const boost::json::object& params, OjsVersion v);
void apply_author_params(const Database& db, Author& a, const boost::json::object& params, OjsVersion v);

// Submission status from its publications: published > scheduled > queued; declined is sticky.
// Also points currentPublicationId at the newest published publication, else the newest one.
void update_submission_status(Submission& s);

}  // namespace ojsemu
