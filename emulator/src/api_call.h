// Everything an endpoint handler needs about the request it serves, after routing,
// authentication and the authorization policies have run.
#pragma once

#include <vector>

#include "emulator_config.h"
#include "http_types.h"
#include "list_cache.h"
#include "model.h"
#include "query_params.h"
#include "render.h"
#include "router.h"

namespace ojsemu {

struct ApiCall {
  const EmulatorConfig& config;
  Database& db;
  const HttpRequest& http;
  const QueryParams& query;
  const RouteMatch& match;
  const User& user;
  const std::vector<int>& roles;
  NaiveTime now;
  ListCache& list_cache;
  Submission* submission = nullptr;  // set for routes behind SubmissionAccessPolicy

  OjsVersion version() const { return config.version; }
  RenderContext render() const { return RenderContext(config.version, db, config.base_url, &user, now); }
  bool is_manager() const;  // journal manager or site administrator
  const std::string* param(const char* name) const;
};

}  // namespace ojsemu
