#include "service/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace ojsync::service {
namespace {

std::string env_name(std::string_view section, std::string_view key) {
  std::string name = "OJSYNC_";
  for (std::string_view part : {section, std::string_view("_"), key}) {
    for (char c : part)
      name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

// Reads known keys from the TOML document or their environment override, remembering which
// keys it was asked for so unknown ones can be reported.
class ConfigReader {
 public:
  ConfigReader(const toml::table& root, const EnvLookup& env) : root_(root), env_(env) {}

  Status string(std::string_view section, std::string_view key, std::string& out) {
    if (auto raw = env_value(section, key)) {
      out = *raw;
      return OkStatus();
    }
    const toml::node* node = lookup(section, key);
    if (node == nullptr) return OkStatus();
    if (!node->is_string()) return wrong_type(section, key, "a string");
    out = **node->as_string();
    return OkStatus();
  }

  template <typename Int>
  Status integer(std::string_view section, std::string_view key, Int& out, std::int64_t min,
                 std::int64_t max) {
    std::int64_t value = 0;
    if (auto raw = env_value(section, key)) {
      auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
      if (ec != std::errc() || end != raw->data() + raw->size())
        return wrong_type(section, key, "an integer");
    } else if (const toml::node* node = lookup(section, key)) {
      if (!node->is_integer()) return wrong_type(section, key, "an integer");
      value = **node->as_integer();
    } else {
      return OkStatus();
    }
    if (value < min || value > max) {
      return InvalidArgument(qualified(section, key) + " must be between " + std::to_string(min) +
                             " and " + std::to_string(max));
    }
    out = static_cast<Int>(value);
    return OkStatus();
  }

  Status duration(std::string_view section, std::string_view key, Duration& out) {
    std::string text;
    if (auto raw = env_value(section, key)) {
      text = *raw;
    } else if (const toml::node* node = lookup(section, key)) {
      if (node->is_integer()) {
        text = std::to_string(**node->as_integer());
      } else if (node->is_string()) {
        text = **node->as_string();
      } else {
        return wrong_type(section, key, "a duration such as \"30s\"");
      }
    } else {
      return OkStatus();
    }
    auto d = parse_duration(text);
    if (!d.ok()) return InvalidArgument(qualified(section, key) + ": " + d.status().message());
    out = *d;
    return OkStatus();
  }

  Status boolean(std::string_view section, std::string_view key, bool& out) {
    if (auto raw = env_value(section, key)) {
      if (*raw == "true" || *raw == "1") {
        out = true;
      } else if (*raw == "false" || *raw == "0") {
        out = false;
      } else {
        return wrong_type(section, key, "true or false");
      }
      return OkStatus();
    }
    const toml::node* node = lookup(section, key);
    if (node == nullptr) return OkStatus();
    if (!node->is_boolean()) return wrong_type(section, key, "true or false");
    out = **node->as_boolean();
    return OkStatus();
  }

  // A list of strings; the environment form separates items with commas.
  Status strings(std::string_view section, std::string_view key, std::vector<std::string>& out) {
    if (auto raw = env_value(section, key)) {
      out.clear();
      std::stringstream in(*raw);
      for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) out.push_back(item);
      }
      return OkStatus();
    }
    const toml::node* node = lookup(section, key);
    if (node == nullptr) return OkStatus();
    const toml::array* array = node->as_array();
    if (array == nullptr) return wrong_type(section, key, "a list of strings");
    out.clear();
    for (const auto& item : *array) {
      if (!item.is_string()) return wrong_type(section, key, "a list of strings");
      out.push_back(**item.as_string());
    }
    return OkStatus();
  }

  // A table of name = "string" pairs; the environment form is "a=x,b=y".
  Status string_map(std::string_view section, std::string_view key,
                    std::map<std::string, std::string, std::less<>>& out) {
    if (auto raw = env_value(section, key)) {
      out.clear();
      std::stringstream in(*raw);
      for (std::string item; std::getline(in, item, ',');) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) return wrong_type(section, key, "name=value pairs");
        out[item.substr(0, eq)] = item.substr(eq + 1);
      }
      return OkStatus();
    }
    const toml::node* node = lookup(section, key);
    if (node == nullptr) return OkStatus();
    const toml::table* table = node->as_table();
    if (table == nullptr) return wrong_type(section, key, "a table of strings");
    for (const auto& [name, value] : *table) {
      if (!value.is_string()) return wrong_type(section, key, "a table of strings");
      out[std::string(name.str())] = **value.as_string();
    }
    return OkStatus();
  }

  // Every key present in the file that no one asked for.
  Status reject_unknown() const {
    for (const auto& [section, node] : root_) {
      const toml::table* table = node.as_table();
      if (table == nullptr)
        return InvalidArgument("unknown top-level key '" + std::string(section.str()) + "'");
      for (const auto& [key, unused] : *table) {
        if (!known_.contains(qualified(section.str(), key.str()))) {
          return InvalidArgument("unknown configuration key '" +
                                 qualified(section.str(), key.str()) + "'");
        }
      }
    }
    return OkStatus();
  }

 private:
  static std::string qualified(std::string_view section, std::string_view key) {
    return std::string(section) + "." + std::string(key);
  }
  Status wrong_type(std::string_view section, std::string_view key,
                    std::string_view expected) const {
    return InvalidArgument(qualified(section, key) + " must be " + std::string(expected));
  }
  std::optional<std::string> env_value(std::string_view section, std::string_view key) {
    known_.insert(qualified(section, key));
    return env_(env_name(section, key));
  }
  const toml::node* lookup(std::string_view section, std::string_view key) const {
    const toml::table* table = root_[section].as_table();
    return table == nullptr ? nullptr : table->get(key);
  }

  const toml::table& root_;
  const EnvLookup& env_;
  std::set<std::string> known_;
};

Status read_all(ConfigReader& r, DaemonConfig& c) {
  OJSYNC_RETURN_IF_ERROR(r.string("store", "path", c.store_path));
  OJSYNC_RETURN_IF_ERROR(r.string("agents", "path", c.agents_path));
  OJSYNC_RETURN_IF_ERROR(r.boolean("agents", "auto_sync_default", c.auto_sync_default));

  SyncOptions& s = c.sync;
  OJSYNC_RETURN_IF_ERROR(r.integer("sync", "batch_size", s.batch_size, 1, 10'000));
  OJSYNC_RETURN_IF_ERROR(r.integer("sync", "retry_limit", s.retry_limit, 1, 100));
  OJSYNC_RETURN_IF_ERROR(r.duration("sync", "sync_interval", s.sync_interval));
  OJSYNC_RETURN_IF_ERROR(r.string("sync", "conflict_resolution", s.conflict_resolution));
  OJSYNC_RETURN_IF_ERROR(r.string("sync", "merge_fallback", s.merge_fallback));
  OJSYNC_RETURN_IF_ERROR(r.string_map("sync", "field_policies", s.field_policies));
  OJSYNC_RETURN_IF_ERROR(r.duration("sync", "clock_skew_tolerance", s.clock_skew_tolerance));
  std::string tie_winner(side_name(s.tie_winner));
  OJSYNC_RETURN_IF_ERROR(r.string("sync", "tie_winner", tie_winner));
  auto side = parse_side(tie_winner);
  if (!side.ok()) return InvalidArgument("sync.tie_winner: " + side.status().message());
  s.tie_winner = *side;
  OJSYNC_RETURN_IF_ERROR(r.integer("sync", "retention_days", s.retention_days, 1, 36'500));
  RetentionSettings& keep = c.retention;
  keep.records_days = keep.resolved_conflicts_days = keep.tombstones_days =
      keep.audit_payload_days = s.retention_days;
  OJSYNC_RETURN_IF_ERROR(r.integer("retention", "records_days", keep.records_days, 0, 36'500));
  OJSYNC_RETURN_IF_ERROR(
      r.integer("retention", "resolved_conflicts_days", keep.resolved_conflicts_days, 0, 36'500));
  OJSYNC_RETURN_IF_ERROR(
      r.integer("retention", "tombstones_days", keep.tombstones_days, 0, 36'500));
  OJSYNC_RETURN_IF_ERROR(
      r.integer("retention", "audit_payload_days", keep.audit_payload_days, 0, 36'500));
  OJSYNC_RETURN_IF_ERROR(r.integer("retention", "dead_jobs_days", keep.dead_jobs_days, 0, 36'500));
  OJSYNC_RETURN_IF_ERROR(r.integer("sync", "workers", s.workers, 1, 256));
  OJSYNC_RETURN_IF_ERROR(r.duration("sync", "job_lease", s.job_lease));
  OJSYNC_RETURN_IF_ERROR(r.duration("sync", "retry_backoff_base", s.retry_backoff_base));
  OJSYNC_RETURN_IF_ERROR(r.duration("sync", "retry_backoff_max", s.retry_backoff_max));
  OJSYNC_RETURN_IF_ERROR(
      r.integer("sync", "breaker_failure_threshold", s.breaker.failure_threshold, 0, 10'000));
  OJSYNC_RETURN_IF_ERROR(r.duration("sync", "breaker_open_duration", s.breaker.open_duration));
  OJSYNC_RETURN_IF_ERROR(r.duration("sync", "anti_entropy_interval", c.anti_entropy_interval));
  OJSYNC_RETURN_IF_ERROR(r.duration("sync", "cleanup_interval", c.cleanup_interval));

  OJSYNC_RETURN_IF_ERROR(r.string("server", "host", c.server.host));
  OJSYNC_RETURN_IF_ERROR(r.integer("server", "port", c.server.port, 0, 65535));
  OJSYNC_RETURN_IF_ERROR(r.integer("server", "threads", c.server.threads, 1, 256));
  OJSYNC_RETURN_IF_ERROR(
      r.integer("server", "max_body_bytes", c.server.max_body_bytes, 1024, 64 << 20));
  OJSYNC_RETURN_IF_ERROR(r.string("server", "log_level", c.log_level));
  OJSYNC_RETURN_IF_ERROR(r.integer("server", "rate_limit", c.rate_limit, 0, 1'000'000));
  OJSYNC_RETURN_IF_ERROR(r.integer("server", "rate_burst", c.rate_burst, 1, 1'000'000));

  OjsSettings& o = c.ojs;
  OJSYNC_RETURN_IF_ERROR(r.string("ojs", "base_url", o.base_url));
  OJSYNC_RETURN_IF_ERROR(r.string("ojs", "journal", o.journal));
  OJSYNC_RETURN_IF_ERROR(r.string("ojs", "version", o.version));
  OJSYNC_RETURN_IF_ERROR(r.boolean("ojs", "index_php", o.index_php));
  OJSYNC_RETURN_IF_ERROR(r.string("ojs", "token_file", o.token_file));
  OJSYNC_RETURN_IF_ERROR(r.string("ojs", "token_env", o.token_env));
  OJSYNC_RETURN_IF_ERROR(r.string("ojs", "time_zone", o.time_zone));
  OJSYNC_RETURN_IF_ERROR(r.string("ojs", "ca_path", o.ca_path));
  OJSYNC_RETURN_IF_ERROR(r.duration("ojs", "connect_timeout", o.connect_timeout));
  OJSYNC_RETURN_IF_ERROR(r.duration("ojs", "request_timeout", o.request_timeout));
  OJSYNC_RETURN_IF_ERROR(r.integer("ojs", "request_attempts", o.request_attempts, 1, 10));
  OJSYNC_RETURN_IF_ERROR(
      r.duration("ojs", "request_retry_max_wait", o.request_retry_max_wait));

  OJSYNC_RETURN_IF_ERROR(r.strings("webhooks", "secret_files", c.webhooks.secret_files));
  OJSYNC_RETURN_IF_ERROR(r.string("webhooks", "secret_env", c.webhooks.secret_env));
  OJSYNC_RETURN_IF_ERROR(r.duration("webhooks", "tolerance", c.webhooks.tolerance));
  OJSYNC_RETURN_IF_ERROR(r.duration("webhooks", "dedupe_retention", c.webhooks.dedupe_retention));
  OJSYNC_RETURN_IF_ERROR(r.boolean("webhooks", "require_token", c.webhooks.require_token));

  EncryptionSettings& e = c.encryption;
  OJSYNC_RETURN_IF_ERROR(r.boolean("encryption", "enabled", e.enabled));
  OJSYNC_RETURN_IF_ERROR(r.string("encryption", "key_file", e.key_file));
  OJSYNC_RETURN_IF_ERROR(r.string("encryption", "key_env", e.key_env));
  OJSYNC_RETURN_IF_ERROR(r.strings("encryption", "fields", e.fields));
  OJSYNC_RETURN_IF_ERROR(r.duration("encryption", "reseal_interval", e.reseal_interval));
  OJSYNC_RETURN_IF_ERROR(r.integer("encryption", "reseal_batch", e.reseal_batch, 1, 100'000));
  return r.reject_unknown();
}

Status validate(const DaemonConfig& c) {
  static const std::set<std::string> kVersions = {"auto", "3.3", "3.4", "3.5"};
  if (!kVersions.contains(c.ojs.version))
    return InvalidArgument("ojs.version must be auto, 3.3, 3.4 or 3.5");
  if (!c.ojs.base_url.empty() && c.ojs.journal.empty()) {
    return InvalidArgument("ojs.journal is required when ojs.base_url is set");
  }
  if (c.webhooks.secret_files.size() > 2)
    return InvalidArgument("webhooks.secret_files holds at most two files");
  // A wider window defeats the timestamp's purpose (replays); it also keeps now ± tolerance
  // far from Timestamp's limits.
  if (c.webhooks.tolerance < std::chrono::seconds(1) || c.webhooks.tolerance > std::chrono::hours(24)) {
    return InvalidArgument("webhooks.tolerance must be between 1s and 24h");
  }
  if (c.webhooks.dedupe_retention < c.webhooks.tolerance) {
    return InvalidArgument("webhooks.dedupe_retention must be at least webhooks.tolerance");
  }
  if (c.encryption.reseal_interval <= Duration(0)) {
    return InvalidArgument("encryption.reseal_interval must be positive");
  }
  if (c.sync.sync_interval <= Duration(0) || c.anti_entropy_interval <= Duration(0) ||
      c.cleanup_interval <= Duration(0)) {
    return InvalidArgument(
        "sync.sync_interval, sync.anti_entropy_interval and sync.cleanup_interval must be "
        "positive");
  }
  return OkStatus();
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v == nullptr ? std::nullopt : std::optional<std::string>(v);
  };
}

Result<Duration> parse_duration(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0)
    return InvalidArgument("'" + std::string(text) + "' is not a duration");
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  using namespace std::chrono;
  Duration per_unit{};
  if (unit.empty() || unit == "s") {
    per_unit = seconds(1);
  } else if (unit == "ms") {
    per_unit = milliseconds(1);
  } else if (unit == "m") {
    per_unit = minutes(1);
  } else if (unit == "h") {
    per_unit = hours(1);
  } else if (unit == "d") {
    per_unit = hours(24);
  } else {
    return InvalidArgument("'" + std::string(text) +
                           "' has an unknown unit (use ms, s, m, h or d)");
  }
  // Checked before multiplying: Duration overflows after ~292,000 years.
  if (value > Duration::max().count() / per_unit.count())
    return InvalidArgument("'" + std::string(text) + "' is too long a duration");
  return per_unit * value;
}

Result<DaemonConfig> parse_config(std::string_view toml_text, const EnvLookup& env) {
  toml::table parsed;
  try {  // toml++ is built with exceptions: this adapter turns them into a Status.
    parsed = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return InvalidArgument("configuration line " + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  }
  DaemonConfig config;
  ConfigReader reader(parsed, env);
  OJSYNC_RETURN_IF_ERROR(read_all(reader, config));
  OJSYNC_RETURN_IF_ERROR(validate(config));
  return config;
}

Result<DaemonConfig> load_config_file(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read configuration file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), env);
}

}  // namespace ojsync::service
