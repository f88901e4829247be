#include "connectors/ojs/locale_keys.h"

#include <array>
#include <functional>
#include <utility>

namespace ojsync {
namespace {

// OJS 3.3 name → 3.4+ name, as pkp-lib's v3_4_0 MergeLocalesMigration renames them (the default
// region of each language it merges, and zh_TW).
constexpr std::pair<std::string_view, std::string_view> kRenamed[] = {
    {"ar_IQ", "ar"}, {"az_AZ", "az"},      {"be_BY", "be"}, {"bg_BG", "bg"}, {"bs_BA", "bs"},
    {"ca_ES", "ca"}, {"cs_CZ", "cs"},      {"da_DK", "da"}, {"de_DE", "de"}, {"el_GR", "el"},
    {"en_US", "en"}, {"es_ES", "es"},      {"eu_ES", "eu"}, {"fa_IR", "fa"}, {"fi_FI", "fi"},
    {"gd_GB", "gd"}, {"gl_ES", "gl"},      {"he_IL", "he"}, {"hi_IN", "hi"}, {"hr_HR", "hr"},
    {"hu_HU", "hu"}, {"hy_AM", "hy"},      {"id_ID", "id"}, {"is_IS", "is"}, {"it_IT", "it"},
    {"ja_JP", "ja"}, {"ka_GE", "ka"},      {"kk_KZ", "kk"}, {"ko_KR", "ko"}, {"ku_IQ", "ku"},
    {"lt_LT", "lt"}, {"lv_LV", "lv"},      {"mk_MK", "mk"}, {"mn_MN", "mn"}, {"ms_MY", "ms"},
    {"nb_NO", "nb"}, {"nl_NL", "nl"},      {"pl_PL", "pl"}, {"ro_RO", "ro"}, {"ru_RU", "ru"},
    {"si_LK", "si"}, {"sk_SK", "sk"},      {"sl_SI", "sl"}, {"sr_RS", "sr"}, {"sv_SE", "sv"},
    {"sw_KE", "sw"}, {"tr_TR", "tr"},      {"uk_UA", "uk"}, {"ur_PK", "ur"}, {"uz_UZ", "uz"},
    {"vi_VN", "vi"}, {"zh_TW", "zh_Hant"},
};

// Renames `code` by the table read from `from` to `to`, keeping an `@script` suffix.
template <typename From, typename To>
std::string rename(std::string_view code, From from, To to) {
  const std::size_t at = code.find('@');
  const std::string_view base = code.substr(0, at);
  const std::string_view suffix = at == std::string_view::npos ? "" : code.substr(at);
  for (const auto& entry : kRenamed) {
    if (from(entry) == base) return std::string(to(entry)) + std::string(suffix);
  }
  return std::string(code);
}

bool renames(OjsVersion v) { return v == OjsVersion::k3_3; }

constexpr std::array<std::string_view, 4> kManuscriptFields = {"title", "subtitle", "abstract",
                                                               "keywords"};
constexpr std::array<std::string_view, 5> kPersonFields = {
    "givenName", "familyName", "preferredPublicName", "affiliation", "biography"};

using Renamer = std::function<std::string(std::string_view)>;

// Renames the keys of the multilingual object `field`; false when two keys become one.
bool rename_keys(Json& field, const Renamer& renamer) {
  if (!field.is_object()) return true;
  Json::Object renamed;
  for (auto& [key, value] : field.as_object()) {
    if (!renamed.emplace(renamer(key), std::move(value)).second) return false;
  }
  field.as_object() = std::move(renamed);
  return true;
}

// Applies `renamer` to every locale key of `doc`; the name of a field with colliding keys, or "".
std::string rename_document(std::string_view type, Json& doc, const Renamer& renamer) {
  if (!doc.is_object()) return "";
  auto fields = [&](Json& object, auto names, std::string_view prefix) -> std::string {
    for (std::string_view name : names) {
      if (Json* field = object.find(name); field != nullptr && !rename_keys(*field, renamer)) {
        return std::string(prefix) + std::string(name);
      }
    }
    return "";
  };
  if (type == "reviewer") return fields(doc, kPersonFields, "");
  if (type != "manuscript") return "";
  if (Json* locale = doc.find("locale"); locale != nullptr && locale->is_string()) {
    *locale = renamer(locale->as_string());
  }
  if (std::string bad = fields(doc, kManuscriptFields, ""); !bad.empty()) return bad;
  if (Json* authors = doc.find("authors"); authors != nullptr && authors->is_array()) {
    for (Json& author : authors->as_array()) {
      if (!author.is_object()) continue;
      if (std::string bad = fields(author, kPersonFields, "authors."); !bad.empty()) return bad;
    }
  }
  return "";
}

}  // namespace

std::string locale_to_document(std::string_view ojs_locale, OjsVersion v) {
  if (!renames(v)) return std::string(ojs_locale);
  return rename(
      ojs_locale, [](const auto& e) { return e.first; }, [](const auto& e) { return e.second; });
}

std::string locale_to_ojs(std::string_view document_locale, OjsVersion v) {
  if (!renames(v)) return std::string(document_locale);
  return rename(
      document_locale, [](const auto& e) { return e.second; },
      [](const auto& e) { return e.first; });
}

Json document_locales_from_ojs(std::string_view type, Json document, OjsVersion v) {
  if (!renames(v)) return document;
  // 3.3 names never collide: each renamed name has one source.
  rename_document(type, document, [v](std::string_view l) { return locale_to_document(l, v); });
  return document;
}

Result<Json> document_locales_to_ojs(std::string_view type, Json document, OjsVersion v) {
  if (!renames(v)) return document;
  const std::string bad =
      rename_document(type, document, [v](std::string_view l) { return locale_to_ojs(l, v); });
  if (!bad.empty()) {
    return InvalidArgument("'" + bad + "' names one locale twice (as in 'en' and 'en_US')");
  }
  return document;
}

}  // namespace ojsync
