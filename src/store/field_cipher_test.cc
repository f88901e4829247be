#include "store/field_cipher.h"

#include <gtest/gtest.h>

namespace ojsync {
namespace {

EncryptionKey key(std::string id, char fill) {
  return EncryptionKey{std::move(id), std::string(32, fill)};
}

std::shared_ptr<const FieldCipher> cipher(std::vector<EncryptionKey> keys) {
  EncryptionOptions options;
  options.keys = std::move(keys);
  return FieldCipher::create(options).value();
}

Json reviewer() {
  return Json::parse(R"({"email": "ada@example.org", "givenName": {"en": "Ada"},
                         "familyName": {"en": "Lovelace"}, "country": "GB", "orcid": "0000-0001"})")
      .value();
}

const FieldPlace kPlace{"sync_state", "reviewer", "7", "base"};

TEST(FieldCipherTest, SealsTheSensitivePathsAndOpensThemBack) {
  auto c = cipher({key("k1", 'a')});
  Json document = reviewer();
  ASSERT_TRUE(c->seal_document(document, kPlace).ok());
  EXPECT_TRUE(FieldCipher::is_envelope(*document.find("email")));
  EXPECT_TRUE(FieldCipher::is_envelope(*document.find("givenName")));
  EXPECT_EQ(document.find("email")->get_string("k"), "k1");
  EXPECT_EQ(document.get_string("country"), "GB");  // Not sensitive: left as it is.
  EXPECT_EQ(document.dump().find("ada@example.org"), std::string::npos);
  EXPECT_EQ(document.dump().find("Lovelace"), std::string::npos);
  ASSERT_TRUE(c->open_document(document, kPlace).ok());
  EXPECT_EQ(document, reviewer());
}

TEST(FieldCipherTest, EverySealUsesAFreshNonce) {
  auto c = cipher({key("k1", 'a')});
  Json a = reviewer();
  Json b = reviewer();
  ASSERT_TRUE(c->seal_document(a, kPlace).ok());
  ASSERT_TRUE(c->seal_document(b, kPlace).ok());
  EXPECT_NE(a.find("email")->get_string("n"), b.find("email")->get_string("n"));
  EXPECT_NE(a.find("email")->get_string("c"), b.find("email")->get_string("c"));
}

TEST(FieldCipherTest, ArraysAndMultilingualValuesAreSealedWhole) {
  auto c = cipher({key("k1", 'a')});
  Json manuscript = Json::parse(R"({"title": {"en": "On engines"}, "authors": [
      {"id": 1, "email": "a@x.org", "givenName": {"en": "Ada", "fr": "Ada"}, "seq": 0},
      {"id": 2, "email": "c@x.org", "affiliation": {"en": "Analytical Society"}}]})")
                        .value();
  const Json original = manuscript;
  const FieldPlace place{"sync_state", "manuscript", "42", "base"};
  ASSERT_TRUE(c->seal_document(manuscript, place).ok());
  const Json& first = manuscript.find("authors")->as_array()[0];
  EXPECT_TRUE(FieldCipher::is_envelope(*first.find("givenName")));
  EXPECT_EQ(first.get_int("seq"), 0);
  EXPECT_EQ(manuscript.dump().find("Analytical"), std::string::npos);
  EXPECT_EQ(manuscript.find("title")->get_string("en"), "On engines");
  ASSERT_TRUE(c->open_document(manuscript, place).ok());
  EXPECT_EQ(manuscript, original);
}

TEST(FieldCipherTest, TamperedCiphertextIsDataLoss) {
  auto c = cipher({key("k1", 'a')});
  Json document = reviewer();
  ASSERT_TRUE(c->seal_document(document, kPlace).ok());
  std::string& sealed = document.find("email")->find("c")->as_string();
  sealed[2] = sealed[2] == 'A' ? 'B' : 'A';
  const Status opened = c->open_document(document, kPlace);
  EXPECT_EQ(opened.code(), StatusCode::kDataLoss);
  EXPECT_EQ(opened.message().find("ada@"), std::string::npos);
}

TEST(FieldCipherTest, TheWrongKeyUnderTheSameIdDoesNotOpen) {
  Json document = reviewer();
  ASSERT_TRUE(cipher({key("k1", 'a')})->seal_document(document, kPlace).ok());
  EXPECT_EQ(cipher({key("k1", 'b')})->open_document(document, kPlace).code(),
            StatusCode::kDataLoss);
}

TEST(FieldCipherTest, AnUnknownKeyIdIsNamed) {
  Json document = reviewer();
  ASSERT_TRUE(cipher({key("old", 'a')})->seal_document(document, kPlace).ok());
  const Status opened = cipher({key("new", 'b')})->open_document(document, kPlace);
  EXPECT_EQ(opened.code(), StatusCode::kDataLoss);
  EXPECT_NE(opened.message().find("'old'"), std::string::npos) << opened.message();
}

TEST(FieldCipherTest, AValueMovedToAnotherPlaceDoesNotOpen) {
  auto c = cipher({key("k1", 'a')});
  Json document = reviewer();
  ASSERT_TRUE(c->seal_document(document, kPlace).ok());
  // Another entity, another column, another path: each is part of the associated data.
  Json copy = document;
  EXPECT_EQ(c->open_document(copy, FieldPlace{"sync_state", "reviewer", "8", "base"}).code(),
            StatusCode::kDataLoss);
  copy = document;
  EXPECT_EQ(c->open_document(copy, FieldPlace{"sync_conflicts", "reviewer", "7", "base"}).code(),
            StatusCode::kDataLoss);
  copy = document;
  std::swap(copy.as_object()["email"], copy.as_object()["givenName"]);
  EXPECT_EQ(c->open_document(copy, kPlace).code(), StatusCode::kDataLoss);
}

TEST(FieldCipherTest, OlderKeysStillOpenAndTheNewestSeals) {
  Json document = reviewer();
  ASSERT_TRUE(cipher({key("k1", 'a')})->seal_document(document, kPlace).ok());
  auto rotated = cipher({key("k1", 'a'), key("k2", 'b')});
  KeyUsage usage;
  EXPECT_TRUE(rotated->survey_document(document, kPlace, usage));  // Stale: under k1.
  EXPECT_EQ(usage.values_by_key["k1"], 3);
  ASSERT_TRUE(rotated->open_document(document, kPlace).ok());
  EXPECT_EQ(document, reviewer());
  ASSERT_TRUE(rotated->seal_document(document, kPlace).ok());
  KeyUsage after;
  EXPECT_FALSE(rotated->survey_document(document, kPlace, after));
  EXPECT_EQ(after.values_by_key["k2"], 3);
  EXPECT_FALSE(after.values_by_key.contains("k1"));
}

TEST(FieldCipherTest, SurveyCountsPlaintextLeftAtSensitivePaths) {
  auto c = cipher({key("k1", 'a')});
  KeyUsage usage;
  EXPECT_TRUE(c->survey_document(reviewer(), kPlace, usage));
  EXPECT_EQ(usage.plaintext_values, 3);
}

TEST(FieldCipherTest, FieldValuesAreSealedWhereTheirPathMeetsASensitiveOne) {
  auto c = cipher({key("k1", 'a')});
  const FieldPlace place{"sync_conflicts", "manuscript", "42", "fields"};
  Json email = "a@x.org";
  ASSERT_TRUE(c->seal_field_value(email, "authors[12].email", "ojs", place).ok());
  EXPECT_TRUE(FieldCipher::is_envelope(email));
  Json author = Json::parse(R"({"id": 12, "email": "a@x.org", "seq": 1})").value();
  ASSERT_TRUE(c->seal_field_value(author, "authors[12]", "ojs", place).ok());
  EXPECT_TRUE(FieldCipher::is_envelope(*author.find("email")));
  EXPECT_EQ(author.get_int("seq"), 1);
  Json title = Json::parse(R"({"en": "On engines"})").value();
  ASSERT_TRUE(c->seal_field_value(title, "title", "ojs", place).ok());
  EXPECT_EQ(title.get_string("en"), "On engines");
  // The slot is bound too: a value moved from "ojs" to "agents" does not open.
  Json moved = email;
  EXPECT_EQ(c->open_field_value(moved, "authors[12].email", "agents", place).code(),
            StatusCode::kDataLoss);
  ASSERT_TRUE(c->open_field_value(email, "authors[12].email", "ojs", place).ok());
  EXPECT_EQ(email, Json("a@x.org"));
}

TEST(FieldCipherTest, PlaintextShapedLikeAnEnvelopeIsRefused) {
  auto c = cipher({key("k1", 'a')});
  Json document = reviewer();
  document["notes"] = Json::parse(R"({"$enc": "v1", "k": "k1", "n": "AAAA", "c": "AAAA"})").value();
  EXPECT_EQ(c->seal_document(document, kPlace).code(), StatusCode::kInvalidArgument);
  Json value = Json::array();
  value.as_array().push_back(*document.find("notes"));
  EXPECT_EQ(c->seal_field_value(value, "email", "ojs", kPlace).code(),
            StatusCode::kInvalidArgument);
}

TEST(FieldCipherTest, KeyChecksTellTheRightKeyFromAWrongOne) {
  auto c = cipher({key("k1", 'a')});
  const std::string check = c->make_key_check().value();
  EXPECT_TRUE(c->verify_key_check("k1", check).ok());
  EXPECT_EQ(cipher({key("k1", 'b')})->verify_key_check("k1", check).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(cipher({key("k2", 'a')})->verify_key_check("k1", check).code(),
            StatusCode::kFailedPrecondition);
}

TEST(KeyringTest, ParsesEntriesTheLastBeingCurrent) {
  // openssl rand -base64 32, twice.
  auto keys = parse_keyring(
      "# rotated 2026-11\nold:q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=\n"
      "new:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ(keys->back().id, "new");
  EXPECT_EQ(keys->back().material[31], '\x1f');
  auto env_form = parse_keyring(
      "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,b:"
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(env_form.ok());
  EXPECT_EQ(env_form->size(), 2u);
}

TEST(KeyringTest, MalformedKeyringsAreRefusedWithoutShowingKeys) {
  const std::string short_key = "k1:c2hvcnQ=";  // "short": 5 bytes.
  auto too_short = parse_keyring(short_key);
  EXPECT_EQ(too_short.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_short.status().message().find("32"), std::string::npos);
  EXPECT_EQ(too_short.status().message().find("c2hvcnQ"), std::string::npos);
  EXPECT_FALSE(parse_keyring("").ok());
  EXPECT_FALSE(parse_keyring("no-colon").ok());
  EXPECT_FALSE(parse_keyring("k1:not base64!!").ok());
  EXPECT_FALSE(parse_keyring("bad id:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").ok());
  EXPECT_FALSE(parse_keyring("k:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
                             "k:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
                   .ok());
}

TEST(KeyringTest, SensitiveFieldsParseFromTypeAndPath) {
  auto fields = parse_sensitive_fields({"reviewer:email", "manuscript:authors[].email"});
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(fields->at("manuscript").front(), "authors[].email");
  EXPECT_FALSE(parse_sensitive_fields({"email"}).ok());
  EXPECT_FALSE(parse_sensitive_fields({"reviewer:a..b"}).ok());
}

}  // namespace
}  // namespace ojsync
