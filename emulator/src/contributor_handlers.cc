// /submissions/{id}/publications/{publicationId}/contributors[/{contributorId}|/saveOrder] (3.4+).
#include <algorithm>

#include "handler_util.h"
#include "handlers.h"
#include "ojs_constants.h"
#include "render.h"
#include "responses.h"
#include "submission_service.h"

namespace ojsemu {
namespace {

namespace json = boost::json;

// PublicationWritePolicy: contributors of a published publication are frozen.
std::variant<Publication*, HttpResponse> writable_publication(ApiCall& call) {
  auto found = route_publication(call);
  if (auto* p = std::get_if<Publication*>(&found); p && (*p)->status == status::kPublished) {
    return api_error(call.version(), 403, "api.publication.403.cantEditPublished");
  }
  return found;
}

Author* find_author(Publication& p, std::int64_t id) {
  for (auto& a : p.authors) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

HttpResponse author_response(const ApiCall& call, const Author& a) {
  return json_response(200, render_author(call.render(), *call.submission, a));
}

void touch(ApiCall& call, Publication& p) {
  p.last_modified = call.now;
  call.submission->date_last_activity = call.now;
}

ValidationErrors validate_author(const ApiCall& call, const json::object& params, WriteAction action) {
  return validate_props({call.version(), Entity::kAuthor, action, params, journal_locale_codes(call),
                         publication_primary_locale(call)});
}

}  // namespace

HttpResponse get_contributors(ApiCall& call) {
  auto found = route_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  const Publication& p = *std::get<Publication*>(found);
  const RenderContext ctx = call.render();
  json::array items;
  for (const auto& a : p.authors) items.push_back(render_author(ctx, *call.submission, a));
  return list_response(static_cast<std::int64_t>(p.authors.size()), std::move(items));
}

HttpResponse get_contributor(ApiCall& call) {
  auto found = route_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  const Author* a = find_author(*std::get<Publication*>(found), int_param(call, "contributorId"));
  if (a == nullptr) return api_error(call.version(), 404, "api.404.resourceNotFound");
  return author_response(call, *a);
}

HttpResponse add_contributor(ApiCall& call) {
  auto found = writable_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  Publication& p = *std::get<Publication*>(found);
  json::object params = body_params(call, Entity::kAuthor);
  params["publicationId"] = p.id;
  const ValidationErrors errors = validate_author(call, params, WriteAction::kAdd);
  if (!errors.empty()) return validation_failure(errors);
  Author a;
  a.id = call.db.next_ids.author++;
  a.publication_id = p.id;
  a.seq = static_cast<int>(p.authors.size());
  apply_author_params(call.db, a, params, call.version());
  p.authors.push_back(std::move(a));
  if (!p.primary_contact_id) p.primary_contact_id = p.authors.back().id;
  touch(call, p);
  return author_response(call, p.authors.back());
}

HttpResponse edit_contributor(ApiCall& call) {
  auto found = writable_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  Publication& p = *std::get<Publication*>(found);
  Author* a = find_author(p, int_param(call, "contributorId"));
  if (a == nullptr) return api_error(call.version(), 404, "api.404.resourceNotFound");
  json::object params = body_params(call, Entity::kAuthor);
  params.erase("publicationId");
  params.erase("id");
  const ValidationErrors errors = validate_author(call, params, WriteAction::kEdit);
  if (!errors.empty()) return validation_failure(errors);
  apply_author_params(call.db, *a, params, call.version());
  touch(call, p);
  return author_response(call, *a);
}

HttpResponse delete_contributor(ApiCall& call) {
  auto found = writable_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  Publication& p = *std::get<Publication*>(found);
  const Author* a = find_author(p, int_param(call, "contributorId"));
  if (a == nullptr) return api_error(call.version(), 404, "api.404.resourceNotFound");
  const json::object props = render_author(call.render(), *call.submission, *a);
  const int id = a->id;
  p.authors.erase(std::remove_if(p.authors.begin(), p.authors.end(), [&](const Author& x) { return x.id == id; }),
                  p.authors.end());
  if (p.primary_contact_id == id) p.primary_contact_id.reset();
  touch(call, p);
  return json_response(200, props);
}

HttpResponse save_contributors_order(ApiCall& call) {
  auto found = writable_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  Publication& p = *std::get<Publication*>(found);
  const json::object params = parse_body_params(call.http, call.config.max_json_depth);
  const json::value* sorted = params.if_contains("sortedAuthors");
  if (sorted != nullptr && sorted->is_array()) {
    std::vector<Author> reordered;
    for (const auto& item : sorted->get_array()) {
      const json::value* id = item.is_object() ? item.get_object().if_contains("id") : nullptr;
      if (id == nullptr || !id->is_int64()) continue;
      if (Author* a = find_author(p, id->get_int64())) reordered.push_back(*a);
    }
    for (auto& a : p.authors) {
      if (std::none_of(reordered.begin(), reordered.end(), [&](const Author& r) { return r.id == a.id; })) {
        reordered.push_back(a);
      }
    }
    for (std::size_t i = 0; i < reordered.size(); ++i) reordered[i].seq = static_cast<int>(i);
    p.authors = std::move(reordered);
  }
  touch(call, p);
  return json_response(200, render_publication(call.render(), *call.submission, p, View::kFull));
}

}  // namespace ojsemu
