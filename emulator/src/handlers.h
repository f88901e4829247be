// Endpoint handlers, one per OJS handler method. Each receives an authorized ApiCall and returns
// the complete response.
#pragma once

#include "api_call.h"
#include "http_types.h"

namespace ojsemu {

HttpResponse get_submissions(ApiCall& call);
HttpResponse get_submission(ApiCall& call);
HttpResponse add_submission(ApiCall& call);
HttpResponse edit_submission(ApiCall& call);
HttpResponse delete_submission(ApiCall& call);
HttpResponse get_participants(ApiCall& call);

HttpResponse get_publications(ApiCall& call);
HttpResponse get_publication(ApiCall& call);
HttpResponse add_publication(ApiCall& call);
HttpResponse version_publication(ApiCall& call);
HttpResponse edit_publication(ApiCall& call);
HttpResponse publish_publication(ApiCall& call);
HttpResponse unpublish_publication(ApiCall& call);
HttpResponse delete_publication(ApiCall& call);

HttpResponse get_decisions(ApiCall& call);
HttpResponse add_decision(ApiCall& call);

HttpResponse get_contributors(ApiCall& call);
HttpResponse get_contributor(ApiCall& call);
HttpResponse add_contributor(ApiCall& call);
HttpResponse edit_contributor(ApiCall& call);
HttpResponse delete_contributor(ApiCall& call);
HttpResponse save_contributors_order(ApiCall& call);

HttpResponse get_users(ApiCall& call);
HttpResponse get_user(ApiCall& call);
HttpResponse get_reviewers(ApiCall& call);

HttpResponse get_issues(ApiCall& call);
HttpResponse get_issue(ApiCall& call);

}  // namespace ojsemu
