#include "connectors/ojs/locale_keys.h"

#include <gtest/gtest.h>

namespace ojsync {
namespace {

Json parse(std::string_view text) { return Json::parse(text).value(); }

TEST(LocaleKeysTest, ThreeThreeNamesBecomeTheNamesOjs34GaveThem) {
  EXPECT_EQ(locale_to_document("en_US", OjsVersion::k3_3), "en");
  EXPECT_EQ(locale_to_document("es_ES", OjsVersion::k3_3), "es");
  EXPECT_EQ(locale_to_document("ja_JP", OjsVersion::k3_3), "ja");
  EXPECT_EQ(locale_to_document("ar_IQ", OjsVersion::k3_3), "ar");
  EXPECT_EQ(locale_to_document("sr_RS@latin", OjsVersion::k3_3), "sr@latin");
  EXPECT_EQ(locale_to_document("zh_TW", OjsVersion::k3_3), "zh_Hant");
  // Regions that are not a language's default keep their name.
  EXPECT_EQ(locale_to_document("fr_CA", OjsVersion::k3_3), "fr_CA");
  EXPECT_EQ(locale_to_document("pt_BR", OjsVersion::k3_3), "pt_BR");
  EXPECT_EQ(locale_to_document("en_GB", OjsVersion::k3_3), "en_GB");
  EXPECT_EQ(locale_to_document("zh_CN", OjsVersion::k3_3), "zh_CN");
}

TEST(LocaleKeysTest, EveryRenameGoesBackToTheJournalsOwnName) {
  for (std::string_view code : {"en_US", "es_ES", "ru_RU", "sr_RS@cyrillic", "zh_TW", "fr_CA",
                                "pt_BR", "en_GB", "de_DE", "uz_UZ@latin", "id_ID"}) {
    EXPECT_EQ(locale_to_ojs(locale_to_document(code, OjsVersion::k3_3), OjsVersion::k3_3), code);
  }
  EXPECT_EQ(locale_to_ojs("en", OjsVersion::k3_3), "en_US");
  EXPECT_EQ(locale_to_ojs("en_US", OjsVersion::k3_3), "en_US");  // Already the journal's.
}

TEST(LocaleKeysTest, ThreeFourAndLaterAreLeftAsTheyAre) {
  for (OjsVersion v : {OjsVersion::k3_4, OjsVersion::k3_5}) {
    EXPECT_EQ(locale_to_document("en", v), "en");
    EXPECT_EQ(locale_to_ojs("en", v), "en");
    EXPECT_EQ(locale_to_ojs("en_US", v), "en_US");  // OJS judges it (400 if not supported).
    const Json doc = parse(R"({"title":{"en":"T","fr_CA":"T"},"locale":"en"})");
    EXPECT_EQ(document_locales_from_ojs("manuscript", doc, v), doc);
    EXPECT_EQ(document_locales_to_ojs("manuscript", doc, v).value(), doc);
  }
}

TEST(LocaleKeysTest, ManuscriptDocumentsAreRenamedWhole) {
  const Json ojs = parse(R"({
    "locale": "en_US", "status": 1, "id_ID": "not a locale field",
    "title": {"en_US": "Title", "fr_CA": "Titre", "ja_JP": "題名"},
    "subtitle": {"ru_RU": "Подзаголовок"}, "abstract": {"en_US": "<p>A</p>"},
    "keywords": {"en_US": ["soil"], "es_ES": ["suelo"]},
    "authors": [{"id": 7, "givenName": {"en_US": "Ana"}, "familyName": {"es_ES": "Ruiz"},
                 "affiliation": {"en_US": "Uni"}, "email": "a@example.org"}]})");
  const Json doc = document_locales_from_ojs("manuscript", ojs, OjsVersion::k3_3);
  EXPECT_EQ(doc, parse(R"({
    "locale": "en", "status": 1, "id_ID": "not a locale field",
    "title": {"en": "Title", "fr_CA": "Titre", "ja": "題名"},
    "subtitle": {"ru": "Подзаголовок"}, "abstract": {"en": "<p>A</p>"},
    "keywords": {"en": ["soil"], "es": ["suelo"]},
    "authors": [{"id": 7, "givenName": {"en": "Ana"}, "familyName": {"es": "Ruiz"},
                 "affiliation": {"en": "Uni"}, "email": "a@example.org"}]})"));
  EXPECT_EQ(document_locales_to_ojs("manuscript", doc, OjsVersion::k3_3).value(), ojs);
}

TEST(LocaleKeysTest, ReviewersAreRenamedAndOtherTypesAreNot) {
  const Json ojs = parse(R"({"userName":"r1","givenName":{"en_US":"R"},"biography":{"fr_CA":"B"}})");
  EXPECT_EQ(document_locales_from_ojs("reviewer", ojs, OjsVersion::k3_3),
            parse(R"({"userName":"r1","givenName":{"en":"R"},"biography":{"fr_CA":"B"}})"));
  const Json decision = parse(R"({"decision":1,"title":{"en_US":"x"}})");
  EXPECT_EQ(document_locales_from_ojs("decision", decision, OjsVersion::k3_3), decision);
}

TEST(LocaleKeysTest, OneLocaleUnderBothNamesIsRefused) {
  const Json doc = parse(R"({"title":{"en":"New","en_US":"Old"}})");
  auto r = document_locales_to_ojs("manuscript", doc, OjsVersion::k3_3);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("'title'"), std::string::npos) << r.status().to_string();
  const Json author = parse(R"({"authors":[{"givenName":{"en":"A","en_US":"B"}}]})");
  EXPECT_NE(document_locales_to_ojs("manuscript", author, OjsVersion::k3_3)
                .status()
                .message()
                .find("authors.givenName"),
            std::string::npos);
}

}  // namespace
}  // namespace ojsync
