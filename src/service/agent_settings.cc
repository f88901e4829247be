#include "service/agent_settings.h"

#include "ojsync/entity_type.h"

namespace ojsync::service {

Result<std::string> AgentSettings::setting_name(std::string_view agent) {
  if (!is_valid_identifier(agent))
    return InvalidArgument("an agent name is " + std::string(kIdentifierRule));
  return "agent." + std::string(agent) + ".auto_sync";
}

Result<bool> AgentSettings::auto_sync(std::string_view agent) const {
  OJSYNC_ASSIGN_OR_RETURN(const std::string name, setting_name(agent));
  OJSYNC_ASSIGN_OR_RETURN(std::optional<std::string> value, store_->get_setting(name));
  return value ? *value == "on" : default_;
}

Status AgentSettings::set_auto_sync(std::string_view agent, bool enabled) const {
  OJSYNC_ASSIGN_OR_RETURN(const std::string name, setting_name(agent));
  return store_->put_setting(name, enabled ? "on" : "off");
}

}  // namespace ojsync::service
