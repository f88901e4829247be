// The commands on access and accountability: API tokens and the audit log. They work on the
// store directly (--config), so the first admin token can be made before the daemon runs.
#include <charconv>
#include <iostream>

#include "commands.h"
#include "exit_codes.h"
#include "ojsync/audit_chain.h"
#include "service/authenticator.h"
#include "service/engine_setup.h"

namespace ojsync::cli {
namespace {

std::vector<std::string> split_types(const std::string& types) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= types.size() && !types.empty()) {
    const std::size_t comma = types.find(',', start);
    out.push_back(
        types.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// The agent's grant, checked against the configured entity types.
Result<std::vector<std::string>> grant_of(const service::DaemonConfig& config, Role role,
                                          const std::string& types) {
  if (role != Role::kAgent) {
    if (!types.empty()) return InvalidArgument("--types is for agent tokens only");
    return std::vector<std::string>();
  }
  std::vector<std::string> grant = split_types(types);
  if (grant.empty())
    return InvalidArgument("an agent token needs --types, e.g. manuscript,reviewer");
  for (const std::string& type : grant) {
    if (config.sync.entity_types.find(type) == nullptr)
      return InvalidArgument("unknown entity type '" + type.substr(0, 64) + "'");
  }
  return grant;
}

Json token_json(const ApiToken& token) {
  Json::Array types;
  for (const std::string& type : token.entity_types) types.emplace_back(type);
  Json out = Json::object();
  out["id"] = token.id;
  out["name"] = token.name;
  out["role"] = role_name(token.role);
  out["entity_types"] = Json(std::move(types));
  out["created_at"] = format_timestamp(token.created_at);
  out["last_used_at"] = token.last_used_at ? Json(format_timestamp(*token.last_used_at)) : Json();
  out["revoked_at"] = token.revoked_at ? Json(format_timestamp(*token.revoked_at)) : Json();
  return out;
}

int print_json_or(const Printer& out, const Json& value, const std::string& text) {
  std::cout << (out.json ? value.dump() : text) << "\n";
  return kExitOk;
}

}  // namespace

int cmd_token_create(const service::DaemonConfig& config, const Printer& out,
                     const TokenRequest& request, const std::string& actor) {
  auto role = parse_role(request.role);
  if (!role.ok()) return fail(out, role.status());
  auto grant = grant_of(config, *role, request.types);
  if (!grant.ok()) return fail(out, grant.status());
  auto minted = service::mint_token();
  if (!minted.ok()) return fail(out, minted.status());
  auto store = service::open_store(config);
  if (!store.ok()) return fail(out, store.status());
  ApiToken token;
  token.name = request.name;
  token.role = *role;
  token.entity_types = std::move(grant).value();
  token.token_hash = minted->hash;
  token.created_at = SystemClock::instance().now();
  auto created = (*store)->create_token(token, actor);
  if (!created.ok()) return fail(out, created.status());
  Json result = token_json(*created);
  result["token"] = minted->secret;
  return print_json_or(out, result,
                       "token '" + created->name + "' (id " + std::to_string(created->id) +
                           ", role " + std::string(role_name(created->role)) +
                           ") created; it is shown only this once:\n" + minted->secret);
}

int cmd_token_list(const service::DaemonConfig& config, const Printer& out) {
  auto store = service::open_store(config);
  if (!store.ok()) return fail(out, store.status());
  auto tokens = (*store)->list_tokens();
  if (!tokens.ok()) return fail(out, tokens.status());
  Json::Array items;
  std::string text;
  for (const ApiToken& token : *tokens) {
    Json item = token_json(token);
    text += "#" + std::to_string(token.id) + " " + token.name + " " +
            std::string(role_name(token.role));
    std::string types;
    for (const std::string& type : token.entity_types) types += (types.empty() ? "" : ",") + type;
    if (!types.empty()) text += " [" + types + "]";
    text += " created " + item.get_string("created_at") + ", last used " +
            (token.last_used_at ? item.get_string("last_used_at") : "never") +
            (token.revoked() ? ", REVOKED " + item.get_string("revoked_at") : "") + "\n";
    items.push_back(std::move(item));
  }
  text += std::to_string(items.size()) + " token(s)";
  Json list = Json::object();
  list["count"] = static_cast<std::int64_t>(items.size());
  list["tokens"] = Json(std::move(items));
  return print_json_or(out, list, text);
}

int cmd_token_revoke(const service::DaemonConfig& config, const Printer& out,
                     const std::string& name_or_id, const std::string& actor) {
  auto store = service::open_store(config);
  if (!store.ok()) return fail(out, store.status());
  auto revoked = (*store)->revoke_token(name_or_id, SystemClock::instance().now(), actor);
  if (!revoked.ok()) return fail(out, revoked.status());
  return print_json_or(
      out, token_json(*revoked),
      "token '" + revoked->name + "' (id " + std::to_string(revoked->id) + ") revoked");
}

// "<id>:<hash>", as `audit verify` prints the head.
Result<AuditHead> parse_anchor(const std::string& text) {
  const std::size_t colon = text.find(':');
  AuditHead anchor;
  if (colon != std::string::npos) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + colon, anchor.last_id);
    anchor.last_hash = text.substr(colon + 1);
    if (ec == std::errc() && end == text.data() + colon && anchor.last_id > 0 &&
        anchor.last_hash.size() == 64)
      return anchor;
  }
  return InvalidArgument("--anchor is <id>:<hash>, as audit verify prints the head");
}

int cmd_audit_verify(const service::DaemonConfig& config, const Printer& out,
                     const std::string& anchor_text) {
  std::optional<AuditHead> anchor;
  if (!anchor_text.empty()) {
    auto parsed = parse_anchor(anchor_text);
    if (!parsed.ok()) return fail(out, parsed.status());
    anchor = *parsed;
  }
  auto store = service::open_store(config);
  if (!store.ok()) return fail(out, store.status());
  auto verified = verify_audit_chain(**store);
  if (!verified.ok()) return fail(out, verified.status());
  if (anchor && verified->ok()) {
    auto against = check_audit_anchor(**store, *anchor);
    if (!against.ok()) return fail(out, against.status());
    verified->first_break = std::move(*against);
  }
  Json result = Json::object();
  result["ok"] = verified->ok();
  result["entries"] = verified->entries;
  result["redacted"] = verified->redacted;
  result["head"] = Json(
      Json::Object{{"id", Json(verified->head.last_id)}, {"hash", Json(verified->head.last_hash)}});
  std::string text;
  if (const auto& broken = verified->first_break) {
    result["break"] = Json(Json::Object{{"kind", Json(audit_break_name(broken->kind))},
                                        {"entry_id", Json(broken->entry_id)},
                                        {"detail", Json(broken->detail)}});
    text = "audit log BROKEN at entry " + std::to_string(broken->entry_id) + " (" +
           std::string(audit_break_name(broken->kind)) + "): " + broken->detail;
  } else {
    result["break"] = Json();
    text = "audit log intact: " + std::to_string(verified->entries) + " entries (" +
           std::to_string(verified->redacted) + " redacted); head " +
           std::to_string(verified->head.last_id) + ":" + verified->head.last_hash +
           (anchor ? " (the anchor matches)" : "");
  }
  print_json_or(out, result, text);
  return verified->ok() ? kExitOk : kExitFailed;
}

}  // namespace ojsync::cli
