// Comparison of emulator responses with captured OJS responses.
//
// normalize() rewrites values that legitimately differ between the capture and a replay:
//   * every "YYYY-MM-DD HH:MM:SS" string becomes "<datetime>" and every "YYYY-MM-DD" "<date>"
//     (the replay runs at another time; timestamps are checked separately by dedicated tests);
//   * with `ids` set, entity ids become 0: integer values of id, submissionId, publicationId,
//     currentPublicationId, primaryContactId and the numbers in /submissions/N, /publications/N,
//     /article/view/N[/version/N], /workflow/access/N, /authorDashboard/submission/N and
//     submissionId=N inside URLs (entities created during the replay get other ids than OJS
//     gave them).
// diff() then reports the first differences; objects keyed by locale codes (multilingual maps)
// are compared without regard to key order, because OJS orders stored locales the way
// PostgreSQL returns rows, which no emulator can reproduce; all other key orders must match.
//
// shape_diff() is the weaker comparison used where the captured state cannot be reproduced:
// same JSON types (null matches anything), same object keys, and every array element must have
// the shape of some element on the other side (empty arrays only match empty arrays).
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

namespace ojsemu::testing {

boost::json::value normalize(const boost::json::value& v, bool ids);
std::vector<std::string> diff(const boost::json::value& expected, const boost::json::value& actual);
std::vector<std::string> shape_diff(const boost::json::value& expected, const boost::json::value& actual);

}  // namespace ojsemu::testing
