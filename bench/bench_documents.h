// Realistic manuscript documents of about 2 KB for the benchmarks.
#pragma once

#include <string>

#include "ojsync/json.h"

namespace ojsync::bench {

inline Json manuscript_document(int seed) {
  Json doc = Json::object();
  const std::string n = std::to_string(seed);
  doc["title"]["en"] = "Soil organic carbon dynamics under long-term no-till management " + n;
  doc["title"]["fr_CA"] = "Dynamique du carbone organique du sol en semis direct " + n;
  doc["subtitle"]["en"] = "A multi-site study";
  doc["subtitle"]["fr_CA"] = "";
  std::string abstract_en, abstract_fr;
  for (int i = 0; i < 6; ++i) {
    abstract_en += "We measured soil organic carbon stocks at twelve sites over twenty years. ";
    abstract_fr += "Nous avons mesuré les stocks de carbone organique sur douze sites. ";
  }
  doc["abstract"]["en"] = abstract_en;
  doc["abstract"]["fr_CA"] = abstract_fr;
  Json::Array keywords;
  for (const char* k : {"soil", "carbon", "no-till", "agronomy", "climate", "sequestration"}) {
    keywords.emplace_back(k);
  }
  doc["keywords"] = Json(std::move(keywords));
  Json::Array authors;
  for (int a = 1; a <= 3; ++a) {
    Json author = Json::object();
    author["id"] = static_cast<std::int64_t>(seed * 10 + a);
    author["givenName"]["en"] = "Given" + std::to_string(a);
    author["familyName"]["en"] = "Family" + std::to_string(a);
    author["email"] = "author" + std::to_string(a) + "@example.org";
    author["affiliation"]["en"] = "University of Examples, Department of Soil Science";
    author["orcid"] = "https://orcid.org/0000-0002-1825-009" + std::to_string(a);
    authors.push_back(std::move(author));
  }
  doc["authors"] = Json(std::move(authors));
  doc["sectionId"] = 1;
  doc["stageId"] = 3;
  doc["status"] = 1;
  doc["locale"] = "en";
  doc["dateSubmitted"] = "2026-03-01T09:00:00Z";
  return doc;
}

}  // namespace ojsync::bench
