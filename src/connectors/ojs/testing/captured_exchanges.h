// The 141 request/response pairs recorded from a live OJS 3.3.0.22
// (spec/ojs-api/3.3/captured/*.json), loaded for replay and parser tests.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/http/http_transport.h"
#include "ojsync/json.h"

namespace ojsync::testing {

struct CapturedExchange {
  std::string name;  // File name without ".json".
  std::string method;
  std::string path;          // "/index.php/testj/api/v1/submissions/2"
  std::string query_string;  // Without '?'
  Json request_body;
  HttpResponse response;  // Body exactly as OJS sent it (body_raw when recorded).
};

inline std::string captured_dir() { return std::string(OJSYNC_SPEC_DIR) + "/3.3/captured"; }

inline std::vector<CapturedExchange> load_captured_exchanges() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(captured_dir())) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<CapturedExchange> out;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = Json::parse(text.str());
    if (!parsed.ok()) continue;  // The test counting exchanges notices.
    const Json& j = *parsed;
    const Json& request = *j.find("request");
    const Json& response = *j.find("response");
    CapturedExchange ex;
    ex.name = file.stem().string();
    ex.method = request.get_string("method");
    ex.path = request.get_string("path");
    ex.query_string = request.get_string("query_string");
    if (const Json* b = request.find("body")) ex.request_body = *b;
    ex.response.status = static_cast<int>(response.get_int("status"));
    if (const Json* headers = response.find("headers");
        headers != nullptr && headers->is_object()) {
      for (const auto& [k, v] : headers->as_object()) {
        if (v.is_string()) ex.response.headers.emplace_back(k, v.as_string());
      }
    }
    const Json* raw = response.find("body_raw");
    const Json* body = response.find("body");
    if (raw != nullptr && raw->is_string()) {
      ex.response.body = raw->as_string();
    } else if (body != nullptr && body->is_string() &&
               !j.find("meta")->find("body_is_json")->as_bool()) {
      ex.response.body = body->as_string();
    } else if (body != nullptr && !body->is_null()) {
      ex.response.body = body->dump();
    }
    out.push_back(std::move(ex));
  }
  return out;
}

}  // namespace ojsync::testing
