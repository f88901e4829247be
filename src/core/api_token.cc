#include "ojsync/api_token.h"

#include <cctype>

namespace ojsync {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kEditor:
      return "editor";
    case Role::kAgent:
      return "agent";
    case Role::kViewer:
      return "viewer";
    case Role::kOjsEvents:
      return "ojs-events";
  }
  return "viewer";
}

Result<Role> parse_role(std::string_view name) {
  for (Role role : kAllRoles) {
    if (role_name(role) == name) return role;
  }
  return InvalidArgument("a role is admin, editor, agent, viewer or ojs-events");
}

Status check_token_name(std::string_view name) {
  auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == ':' ||
           c == '-';
  };
  bool ok = !name.empty() && name.size() <= 64 && std::isalpha(static_cast<unsigned char>(name[0]));
  for (char c : name) ok = ok && allowed(c);
  if (!ok) {
    return InvalidArgument("a token name is 1-64 of [A-Za-z0-9._:-] and starts with a letter");
  }
  return OkStatus();
}

}  // namespace ojsync
