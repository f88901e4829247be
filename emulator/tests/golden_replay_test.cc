// Golden replay: every exchange recorded from a live OJS 3.3.0.22 (spec/ojs-api/3.3/captured) is
// replayed, in order, against `ojs-emulator --ojs-version 3.3 --dataset captured-3.3`, and the
// answer must have the same status, Content-Type, CORS header, Location and body.
//
// The dataset is the corpus' final state, while each exchange saw the state of its moment. Where
// the missing history can be recreated through the API itself, the replay does so right before
// the exchange (setup steps below, e.g. unpublishing submission 4 before its publish exchanges,
// or creating the 110 bulk submissions before the bulk-list exchanges). Bodies are compared after
// json_compare.h's normalisation (timestamps always; entity ids only for exchanges about entities
// created during the replay). Exchanges whose captured state cannot be recreated are compared by
// shape only, and the ones the emulator does not serve are skipped; both lists are in kPlans with
// the reason, and the test prints them.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>

#include "emulator_process.h"
#include "http_client.h"
#include "json_compare.h"
#include "jwt.h"

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "golden-replay-secret";

enum class Mode {
  kExact,     // same body after timestamp normalisation (and same bytes where the key order matches)
  kExactIds,  // as kExact, with entity ids normalised too
  kShape,     // same structure and types only
  kSkip,      // not replayed
};

struct Plan {
  Mode mode = Mode::kExact;
  std::string reason;  // why the comparison is weaker than kExact
};

const std::string kHad14 =
    "the list at capture time still contained submission 14 ('duplicate', deleted by exchange 131, "
    "absent from the final dataset)";

const std::map<int, Plan>& plans() {
  static const std::map<int, Plan> kPlans = [] {
    std::map<int, Plan> p;
    p[1] = {Mode::kSkip, "PUT /contexts/{id} (journal settings) is not emulated; the journal's six locales are part "
                         "of the dataset instead"};
    for (int n : {2, 4, 5, 6, 104, 128, 136, 137, 138, 139, 140}) {
      p[n] = {Mode::kExactIds, "answers about submissions/publications created during the replay (other ids)"};
    }
    for (int n : {16, 20, 23, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47}) p[n] = {Mode::kShape, kHad14};
    p[117] = {Mode::kShape, "the list contains the recreated 'duplicate' 14, whose author cannot be created through "
                            "the 3.3 API (the capture inserted authors server-side)"};
    p[131] = {Mode::kShape, "the deleted 'duplicate' had an author, which cannot be created through the 3.3 API "
                            "(the capture inserted authors server-side); the replay deletes the duplicate recreated "
                            "before exchange 117"};
    return p;
  }();
  return kPlans;
}

struct Exchange {
  int number = 0;
  std::string file;
  json::object doc;
};

std::vector<Exchange> load_exchanges() {
  std::vector<Exchange> out;
  const std::filesystem::path dir = std::filesystem::path(OJSEMU_SPEC_DIR) / "3.3" / "captured";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    out.push_back({std::stoi(name.substr(0, 3)), name, json::parse(text.str()).as_object()});
  }
  std::sort(out.begin(), out.end(), [](const Exchange& a, const Exchange& b) { return a.number < b.number; });
  return out;
}

class Replay {
 public:
  Replay()
      : process_({"--ojs-version", "3.3", "--dataset", "captured-3.3", "--api-key-secret", kSecret, "--base-url",
                  "http://127.0.0.1:8085", "--start-time", "2026-11-25 13:36:30"}),
        client_(process_.base()) {
    for (const char* user : {"admin", "l.garcia", "k.keyoff", "d.disabled"}) {
      const auto r = client_.get(std::string("/__emulator/token?user=") + user);
      tokens_[user] = std::string(json::parse(r.body).at("token").as_string());
    }
    tokens_["correctly-signed-unknown-key"] = jwt_encode_hs256(json::string(std::string(64, 'f')), kSecret);
  }

  std::string substitute(std::string text) const {
    static const std::regex kToken("<TOKEN(:([^>]+))?>");
    std::string out;
    std::sregex_iterator it(text.begin(), text.end(), kToken), end;
    std::size_t last = 0;
    for (; it != end; ++it) {
      out += text.substr(last, static_cast<std::size_t>(it->position()) - last);
      out += tokens_.at((*it)[2].matched ? (*it)[2].str() : "admin");
      last = static_cast<std::size_t>(it->position() + it->length());
    }
    return out + text.substr(last);
  }

  ClientResponse admin(const std::string& method, const std::string& target, const std::string& body = "") {
    return body.empty() ? client_.request(method, target, {{"Authorization", "Bearer " + tokens_.at("admin")}})
                        : client_.send_json(method, target, tokens_.at("admin"), body);
  }
  int created_id(const ClientResponse& r) { return static_cast<int>(json::parse(r.body).at("id").as_int64()); }
  static std::string api(const std::string& rest) { return "/index.php/testj/api/v1" + rest; }

  // The state changes the capture made outside the recorded exchanges (or that later exchanges
  // undid), recreated through the API right before exchange `n`.
  void before(int n) {
    switch (n) {
      case 7:  // the scratch submission of exchanges 2–5 is not needed any more
        admin("DELETE", api("/submissions/" + vars_["S1"]));
        break;
      case 10:  // submission 4 was not yet published nor assigned to an issue
        admin("PUT", api("/submissions/4/publications/4/unpublish"));
        admin("PUT", api("/submissions/4/publications/4"), R"({"issueId":null})");
        break;
      case 11:
        admin("PUT", api("/submissions/4/publications/4"), R"({"issueId":1})");
        break;
      case 12:  // publication 9 before the edit sequence 081–098 (values of exchange 080)
        admin("PUT", api("/submissions/9/publications/9"),
              R"({"title":{"en_US":"Urban Heat Islands in 北京 and 上海: A Comparative Remote-Sensing Study","fr_CA":null},)"
              R"("abstract":{"en_US":"<p>Landsat-8 thermal bands (2013–2024) show a 2.1 K larger nocturnal heat island in Beijing than in Shanghai.</p>","fr_CA":null},)"
              R"("keywords":{"en_US":["urban heat island","remote sensing","Beijing","Shanghai"],"fr_CA":null},"pages":null})");
        break;
      case 117: {  // submissions 14 ('duplicate', deleted by 131) and 15 (created by 104) existed
        const int id = created_id(admin("POST", api("/submissions"), R"({"locale":"en_US","submissionProgress":0})"));
        admin("POST", api("/submissions/" + std::to_string(id) + "/publications"),
              R"({"locale":"en_US","version":1,"sectionId":1,"title":{"en_US":"Duplicate submission — please delete"},)"
              R"("abstract":{"en_US":"<p>Duplicate.</p>"}})");
        vars_["DUP"] = std::to_string(id);
        vars_["EMPTY"] = std::to_string(created_id(admin("POST", api("/submissions"), "{}")));
        break;
      }
      case 136:  // the 110 bare submissions of the bulk-list exchanges
        for (int i = 0; i < 110; ++i) {
          bulk_.push_back(created_id(admin("POST", api("/submissions"), R"({"locale":"en_US","submissionProgress":0})")));
        }
        break;
      case 141:
        for (int id : bulk_) admin("DELETE", api("/submissions/" + std::to_string(id)));
        break;
      default:
        break;
    }
  }

  // Requests about entities the capture created get the ids the replay created.
  std::string rewrite(int n, std::string path) {
    if (n == 3 || n == 4) return std::regex_replace(path, std::regex("/submissions/2/"), "/submissions/" + vars_["S1"] + "/");
    if (n == 5) {
      return std::regex_replace(path, std::regex("/submissions/2/publications/2"),
                                "/submissions/" + vars_["S1"] + "/publications/" + vars_["P1"]);
    }
    if (n >= 131 && n <= 133) return std::regex_replace(path, std::regex("/submissions/14"), "/submissions/" + vars_["DUP"]);
    return path;
  }

  void after(int n, const ClientResponse& r) {
    if (n == 2 && r.status == 200) vars_["S1"] = std::to_string(created_id(r));
    if (n == 4 && r.status == 200) vars_["P1"] = std::to_string(created_id(r));
    if (n == 117) admin("DELETE", api("/submissions/" + vars_["EMPTY"]));
    if ((n == 6 || n == 104 || n == 128) && r.status == 200) {
      admin("DELETE", api("/submissions/" + std::to_string(created_id(r))));
    }
  }

  ClientResponse send(const Exchange& ex) {
    const auto& req = ex.doc.at("request").as_object();
    std::string target = rewrite(ex.number, std::string(req.at("path").as_string()));
    const std::string query(req.at("query_string").as_string());
    if (!query.empty()) target += "?" + substitute(query);
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& h : req.at("headers").as_object()) {
      if (h.key() == "Authorization" || h.key() == "Content-Type") {
        headers.emplace_back(std::string(h.key()), substitute(std::string(h.value().as_string())));
      }
    }
    std::optional<std::string> body;
    const json::value& b = req.at("body");
    if (b.is_string()) body = std::string(b.as_string());  // raw text: malformed JSON, form data, ""
    else if (!b.is_null()) body = json::serialize(b);
    return client_.request(std::string(req.at("method").as_string()), target, headers, body);
  }

 private:
  EmulatorProcess process_;
  HttpClient client_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, std::string> vars_;
  std::vector<int> bulk_;
};

std::optional<std::string> header_of(const json::object& headers, const std::string& name) {
  for (const auto& h : headers) {
    const std::string k(h.key());
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return std::string(h.value().as_string());
    }
  }
  return std::nullopt;
}

std::string strip_times(const std::string& raw) {
  static const std::regex kTime("\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}:\\d{2})?");
  return std::regex_replace(raw, kTime, "<time>");
}

// Compares one answer with the capture; returns the problems found.
std::vector<std::string> compare(const Exchange& ex, const Plan& plan, const ClientResponse& got) {
  std::vector<std::string> problems;
  const auto& res = ex.doc.at("response").as_object();
  const auto& headers = res.at("headers").as_object();
  const long status = res.at("status").as_int64();
  if (got.status != status) {
    problems.push_back("status " + std::to_string(status) + " expected, got " + std::to_string(got.status) + " " + got.body.substr(0, 200));
    return problems;
  }
  const auto content_type = header_of(headers, "Content-Type");
  const std::string* got_type = got.header("Content-Type");
  if (content_type.value_or("") != (got_type ? *got_type : "")) {
    problems.push_back("Content-Type '" + content_type.value_or("") + "' expected, got '" + (got_type ? *got_type : "") + "'");
  }
  if (header_of(headers, "Access-Control-Allow-Origin").has_value() != (got.header("Access-Control-Allow-Origin") != nullptr)) {
    problems.push_back("Access-Control-Allow-Origin presence differs");
  }
  if (const auto location = header_of(headers, "Location")) {
    const std::string* got_location = got.header("Location");
    if (got_location == nullptr || *got_location != *location) problems.push_back("Location differs");
  }
  const json::value& body = res.at("body");
  if (body.is_null()) {
    if (!got.body.empty()) problems.push_back("empty body expected");
    return problems;
  }
  if (body.is_string()) {
    if (got.body != body.as_string()) problems.push_back("body '" + std::string(body.as_string()) + "' expected, got '" + got.body + "'");
    return problems;
  }
  json::value actual;
  try {
    actual = json::parse(got.body);
  } catch (const std::exception&) {
    problems.push_back("response is not JSON: " + got.body.substr(0, 200));
    return problems;
  }
  const bool ids = plan.mode == Mode::kExactIds;
  const json::value e = normalize(body, ids), a = normalize(actual, ids);
  auto diffs = plan.mode == Mode::kShape ? shape_diff(e, a) : diff(e, a);
  problems.insert(problems.end(), diffs.begin(), diffs.end());
  // Where the key order matches exactly, the bytes must match too (PHP json_encode escaping).
  if (diffs.empty() && plan.mode != Mode::kShape && json::serialize(e) == json::serialize(a) && res.contains("body_raw")) {
    if (strip_times(std::string(res.at("body_raw").as_string())) != strip_times(got.body) && !ids) {
      problems.push_back("same JSON but different bytes (escaping?)");
    }
  }
  return problems;
}

TEST(GoldenReplay33, EveryCapturedExchangeMatches) {
  const auto exchanges = load_exchanges();
  ASSERT_EQ(exchanges.size(), 141u);
  Replay replay;
  int exact = 0, shape = 0, skipped = 0;
  for (const auto& ex : exchanges) {
    const auto it = plans().find(ex.number);
    const Plan plan = it == plans().end() ? Plan{} : it->second;
    if (plan.mode == Mode::kSkip) {
      ++skipped;
      std::cout << "[ skipped ] " << ex.file << ": " << plan.reason << "\n";
      continue;
    }
    replay.before(ex.number);
    const ClientResponse got = replay.send(ex);
    replay.after(ex.number, got);
    for (const auto& p : compare(ex, plan, got)) ADD_FAILURE() << ex.file << ": " << p;
    if (plan.mode == Mode::kShape) {
      ++shape;
      std::cout << "[ shape   ] " << ex.file << ": " << plan.reason << "\n";
    } else {
      ++exact;
    }
  }
  std::cout << "golden replay: " << exact << " compared by value, " << shape << " by shape, " << skipped << " skipped\n";
}

}  // namespace
}  // namespace ojsemu::testing
