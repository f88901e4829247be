#include "service/person_match.h"

#include <algorithm>

namespace ojsync::service {
namespace {

constexpr std::string_view kErased = "[erased]";

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// "https://orcid.org/0000-0002-1825-0097" → "0000-0002-1825-0097" (upper-cased: the check
// digit may be X).
std::string bare_orcid(std::string_view orcid) {
  std::string s = trim(orcid);
  for (std::string_view prefix : {"https://orcid.org/", "http://orcid.org/", "orcid.org/"}) {
    if (lower_ascii(s).rfind(prefix, 0) == 0) {
      s.erase(0, prefix.size());
      break;
    }
  }
  for (char& c : s) {
    if (c == 'x') c = 'X';
  }
  return s;
}

// The element label of array member `i`: its "id" when it has one (the engine's array key).
std::string element_label(const Json& element, std::size_t i) {
  if (element.is_object()) {
    if (const Json* id = element.find("id")) {
      if (id->is_int()) return "[" + std::to_string(id->as_int()) + "]";
      if (id->is_string()) return "[" + id->as_string() + "]";
    }
  }
  return "[" + std::to_string(i) + "]";
}

std::string member_path(const std::string& path, std::string_view member) {
  return path.empty() ? std::string(member) : path + "." + std::string(member);
}

// Replaces every case-insensitive occurrence of `needle` (lower-case) in `text`.
std::string replace_all_nocase(std::string_view text, const std::string& needle,
                               std::string_view with) {
  if (needle.empty()) return std::string(text);
  const std::string lowered = lower_ascii(text);
  std::string out;
  std::size_t from = 0;
  while (true) {
    const std::size_t at = lowered.find(needle, from);
    if (at == std::string::npos) break;
    out.append(text.substr(from, at - from));
    out.append(with);
    from = at + needle.size();
  }
  out.append(text.substr(from));
  return out;
}

}  // namespace

std::string_view finding_kind_name(PersonFinding::Kind kind) {
  switch (kind) {
    case PersonFinding::Kind::kPerson:
      return "person";
    case PersonFinding::Kind::kUserReference:
      return "user_id";
    case PersonFinding::Kind::kMention:
      return "mention";
  }
  return "person";
}

Result<PersonMatcher> PersonMatcher::create(const PersonSelector& selector) {
  PersonSelector s;
  s.email = lower_ascii(trim(selector.email));
  const std::size_t at = s.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == s.email.size() ||
      s.email.find_first_of(" \t\r\n") != std::string::npos) {
    return InvalidArgument("a person is named by an e-mail address (name@domain)");
  }
  s.ojs_user_id = trim(selector.ojs_user_id);
  if (!s.ojs_user_id.empty() && !std::all_of(s.ojs_user_id.begin(), s.ojs_user_id.end(),
                                             [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgument("an OJS user id is a decimal number");
  }
  s.orcid = bare_orcid(selector.orcid);
  return PersonMatcher(std::move(s));
}

bool PersonMatcher::is_person(const Json& object) const {
  if (const Json* email = object.find("email"); email != nullptr && email->is_string()) {
    if (lower_ascii(trim(email->as_string())) == selector_.email) return true;
  }
  if (selector_.orcid.empty()) return false;
  const Json* orcid = object.find("orcid");
  return orcid != nullptr && orcid->is_string() &&
         bare_orcid(orcid->as_string()) == selector_.orcid;
}

bool PersonMatcher::is_user_reference(std::string_view member, const Json& value) const {
  if (selector_.ojs_user_id.empty()) return false;
  if (member != "editorId" && member != "reviewerId" && member != "userId") return false;
  if (value.is_int()) return std::to_string(value.as_int()) == selector_.ojs_user_id;
  return value.is_string() && value.as_string() == selector_.ojs_user_id;
}

bool PersonMatcher::mentions(std::string_view text) const {
  const std::string lowered = lower_ascii(text);
  if (lowered.find(selector_.email) != std::string::npos) return true;
  return !selector_.orcid.empty() &&
         lowered.find(lower_ascii(selector_.orcid)) != std::string::npos;
}

std::string PersonMatcher::erase_text(std::string_view text,
                                      std::string_view pseudonym_email) const {
  std::string out = replace_all_nocase(text, selector_.email, pseudonym_email);
  return replace_all_nocase(out, lower_ascii(selector_.orcid), kErased);
}

std::vector<PersonFinding> PersonMatcher::find(const Json& document, bool whole,
                                               std::set<std::string>* elements) const {
  std::vector<PersonFinding> out;
  auto walk = [&](auto&& self, const Json& node, const std::string& path, bool in_array) -> void {
    if (node.is_object() && (is_person(node) || (path.empty() && whole))) {
      out.push_back({path, PersonFinding::Kind::kPerson, node});
      if (in_array && elements != nullptr) elements->insert(path);
      return;
    }
    if (node.is_object()) {
      for (const auto& [member, value] : node.as_object()) {
        if (is_user_reference(member, value)) {
          out.push_back({member_path(path, member), PersonFinding::Kind::kUserReference, value});
        } else {
          self(self, value, member_path(path, member), false);
        }
      }
    } else if (node.is_array()) {
      const Json::Array& items = node.as_array();
      for (std::size_t i = 0; i < items.size(); ++i)
        self(self, items[i], path + element_label(items[i], i), true);
    } else if (node.is_string() && mentions(node.as_string())) {
      out.push_back({path, PersonFinding::Kind::kMention, node});
    }
  };
  walk(walk, document, "", false);
  return out;
}

Json PersonMatcher::erase_value(const Json& value, std::string_view member,
                                std::string_view pseudonym_email) {
  switch (value.kind()) {
    case Json::Kind::kString:
      return member == "email" ? Json(pseudonym_email) : Json(kErased);
    case Json::Kind::kArray:
      return Json::array();
    case Json::Kind::kObject: {
      Json out = Json::object();
      for (const auto& [key, v] : value.as_object())
        out[key] = erase_value(v, key, pseudonym_email);
      return out;
    }
    default:
      return value;  // Numbers, booleans, null: ids, order and flags, not personal.
  }
}

std::optional<Json> PersonMatcher::erase(const Json& document, std::string_view pseudonym_email,
                                         bool whole) const {
  bool changed = false;
  auto walk = [&](auto&& self, const Json& node, bool root) -> Json {
    if (node.is_object() && (is_person(node) || (root && whole))) {
      changed = true;
      return erase_value(node, "", pseudonym_email);
    }
    if (node.is_object()) {
      Json out = Json::object();
      for (const auto& [member, value] : node.as_object()) {
        if (is_user_reference(member, value)) {
          changed = true;
          continue;
        }
        out[member] = self(self, value, false);
      }
      return out;
    }
    if (node.is_array()) {
      Json out = Json::array();
      for (const Json& item : node.as_array()) out.as_array().push_back(self(self, item, false));
      return out;
    }
    if (node.is_string() && mentions(node.as_string())) {
      changed = true;
      return Json(erase_text(node.as_string(), pseudonym_email));
    }
    return node;
  };
  Json erased = walk(walk, document, true);
  if (!changed) return std::nullopt;
  return erased;
}

bool path_within(std::string_view path, std::string_view element) {
  if (path.substr(0, element.size()) != element) return false;
  return path.size() == element.size() || path[element.size()] == '.' ||
         path[element.size()] == '[';
}

}  // namespace ojsync::service
