// One emulated OJS installation with a single journal: the request pipeline of OJS's API router
// (URL parsing, token decoding, CSRF, route matching, authorization policies) in front of the
// endpoint handlers. Thread-safe: reads share a lock, writes take it exclusively.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>

#include "clock.h"
#include "emulator_config.h"
#include "http_types.h"
#include "list_cache.h"
#include "model.h"
#include "router.h"

namespace ojsemu {

class Emulator {
 public:
  Emulator(EmulatorConfig config, Database db, const Clock& clock);

  // Serves one request under /…/api/…; anything else gets OJS's HTML 404.
  HttpResponse handle(const HttpRequest& request);

  // The base URL used in _href/url* fields when the config leaves it empty (set once the
  // listening port is known, before serving).
  void set_base_url(std::string base_url);
  // A valid API token for the user with that name, built as the emulated version builds it;
  // nullopt when the user or their key does not exist.
  std::optional<std::string> token_for(const std::string& user_name) const;
  const EmulatorConfig& config() const { return config_; }
  NaiveTime now() const;

 private:
  HttpResponse serve(const HttpRequest& request, const std::string& method);
  HttpResponse dispatch(struct ApiCall& call);

  EmulatorConfig config_;
  Database db_;
  const Clock& clock_;
  Router router_;
  ListCache list_cache_;
  mutable std::shared_mutex mutex_;
};

}  // namespace ojsemu
