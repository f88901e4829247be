#include "ojsync/canonical.h"

#include <gtest/gtest.h>

namespace ojsync {
namespace {

Json parse(std::string_view text) {
  auto r = Json::parse(text);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? std::move(r).value() : Json();
}

TEST(CanonicalTest, SortsKeysAndNormalisesNumbers) {
  EXPECT_EQ(canonical_json(parse(R"({"b": 1.0, "a": [ -0.0, 1e2, 0.5 ]})")),
            R"({"a":[0,100,0.5],"b":1})");
}

TEST(CanonicalTest, NormalisesUnicodeToNfc) {
  // "é" precomposed (U+00E9) and decomposed (e + U+0301) hash the same, in keys and values.
  const Json composed = parse("{\"caf\xC3\xA9\": \"r\xC3\xA9sum\xC3\xA9\"}");
  const Json decomposed = parse("{\"cafe\xCC\x81\": \"re\xCC\x81sume\xCC\x81\"}");
  EXPECT_EQ(canonical_json(composed), canonical_json(decomposed));
  EXPECT_EQ(content_hash(composed), content_hash(decomposed));
  // Text is checked for non-ASCII eight bytes at a time: a mark anywhere is found.
  const std::string prefix = "A long enough ASCII prefix, then ";
  for (std::size_t cut = 0; cut <= prefix.size(); ++cut) {
    const std::string text = prefix.substr(0, cut);
    EXPECT_EQ(canonical_json(Json(text + "e\xCC\x81")), canonical_json(Json(text + "\xC3\xA9")))
        << cut;
  }
}

// Two keys that only normalization tells apart are two members: both stay, each in its own
// spelling, and the canonical form reads back as itself (the canonical_json fuzzer found the
// form writing one NFC key twice, which reads back as one member).
TEST(CanonicalTest, KeysEqualAfterNfcStayDistinctAndReadBackUnchanged) {
  const Json both = parse("{\"caf\xC3\xA9\": 1, \"cafe\xCC\x81\": 2, \"z\": 3}");
  const std::string canonical = canonical_json(both);
  EXPECT_EQ(canonical, "{\"cafe\xCC\x81\":2,\"caf\xC3\xA9\":1,\"z\":3}");
  EXPECT_EQ(canonical_json(parse(canonical)), canonical);
  // Alone, either spelling is the same key.
  EXPECT_EQ(canonical_json(parse("{\"cafe\xCC\x81\": 2}")), canonical_json(parse("{\"caf\xC3\xA9\": 2}")));
}

TEST(CanonicalTest, ExcludesVolatileTopLevelFieldsOnly) {
  CanonicalOptions options{{"lastModified"}};
  const Json a = parse(R"({"title": "x", "lastModified": "2024-01-01", "n": {"lastModified": 1}})");
  EXPECT_EQ(canonical_json(a, options), R"({"n":{"lastModified":1},"title":"x"})");
}

// canonical_form says whether its text is also dump()'s: only then may a store keep it as the
// document's own text.
TEST(CanonicalTest, FormSaysWhenItIsTheDumpToo) {
  const CanonicalOptions volatile_modified{{"lastModified"}};
  auto expect_form = [&](const Json& document, bool same_as_dump) {
    const CanonicalForm form = canonical_form(document, volatile_modified);
    EXPECT_EQ(form.text, canonical_json(document, volatile_modified)) << document.dump();
    EXPECT_EQ(form.same_as_dump, same_as_dump) << document.dump();
    if (form.same_as_dump) {
      EXPECT_EQ(form.text, document.dump());
    }
  };
  // Already canonical: numbers and key order are dump()'s too; NFC text in several scripts.
  expect_form(parse("{\"b\": 1.0, \"a\": [-0.0, 1e2], \"t\": \"caf\xC3\xA9 \xCE\xB1 \xE6\x96\x87\"}"),
              true);
  expect_form(parse("{\"caf\xC3\xA9\": {\"n\": \"x\"}}"), true);
  expect_form(parse(R"({"n": {"lastModified": 1}})"), true);  // Left out at the top only.
  // A string, nested or a key, that NFC changes; a member left out.
  expect_form(parse("{\"a\": [\"cafe\xCC\x81\"]}"), false);
  expect_form(parse("{\"cafe\xCC\x81\": 1}"), false);
  expect_form(parse("{\"caf\xC3\xA9\": 1, \"cafe\xCC\x81\": 2, \"cafz\": 3}"), false);
  expect_form(parse(R"({"title": "x", "lastModified": "2024-01-01"})"), false);
}

// Stable vectors: these hashes must never change, on any machine, or every stored base
// would look changed after an upgrade.
TEST(CanonicalTest, StableHashVectors) {
  EXPECT_EQ(content_hash(parse("{}")),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  EXPECT_EQ(content_hash(parse(R"({"title":{"en":"Soil","fr_CA":"Sol"},"keywords":["a","b"],"n":1.0})")),
            sha256_hex(R"({"keywords":["a","b"],"n":1,"title":{"en":"Soil","fr_CA":"Sol"}})"));
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CanonicalTest, ShortestRoundTripDoubles) {
  EXPECT_EQ(canonical_json(parse("[0.1, 1e21, 1.5e-7, 123456789012345678]")),
            "[0.1,1e+21,1.5e-07,123456789012345678]");
}

}  // namespace
}  // namespace ojsync
