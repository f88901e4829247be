// The demo runs the real engine between two embedded stores: one stands in for OJS until
// the OJS connector lands, the other is the agents' default store. It shows a full sync,
// an edit on each side, a conflict settled by policy and one settled by a person.
#include "demo.h"

#include <filesystem>
#include <iostream>

#include "ojsync/embedded_store.h"
#include "ojsync/sync_manager.h"
#include "service/views.h"

namespace ojsync::cli {
namespace {

using service::to_json;

Json manuscript(int i) {
  static const char* kTitles[][2] = {
      {"Soil carbon under no-till farming", "Le carbone du sol en semis direct"},
      {"Kuzushiji recognition with transformers", "くずし字認識とトランスフォーマー"},
      {"Quantum dots in photovoltaics", "Квантовые точки в фотовольтаике"},
      {"Nile delta sediment budgets", "ميزانيات رواسب دلتا النيل"},
      {"Urban heat islands 🌡️", "Îlots de chaleur urbains"},
  };
  const auto& t = kTitles[(i - 1) % 5];
  Json doc = Json::object();
  doc["title"]["en"] = std::string(t[0]) + (i > 5 ? " (" + std::to_string(i) + ")" : "");
  doc["title"]["fr_CA"] = t[1];
  doc["abstract"]["en"] = "An abstract for manuscript " + std::to_string(i) + ".";
  doc["keywords"] = Json(Json::Array{Json("open science"), Json("topic-" + std::to_string(i))});
  Json::Array authors;
  for (int a = 1; a <= 1 + i % 3; ++a) {
    Json author = Json::object();
    author["id"] = static_cast<std::int64_t>(i * 10 + a);
    author["givenName"]["en"] = "Author" + std::to_string(a);
    author["familyName"]["en"] = "Example";
    authors.push_back(std::move(author));
  }
  doc["authors"] = Json(std::move(authors));
  doc["stageId"] = 3;
  doc["status"] = 1;
  return doc;
}

void print(const std::string& what, const Result<SyncReport>& r) {
  if (r.ok()) {
    std::cout << "  " << what << ": " << outcome_name(r->outcome)
              << (r->wrote_ojs ? " [wrote ojs]" : "") << (r->wrote_agents ? " [wrote agents]" : "")
              << (r->conflict_id != 0 ? " [conflict #" + std::to_string(r->conflict_id) + "]" : "")
              << "\n";
  } else {
    std::cout << "  " << what << ": ERROR " << r.status().to_string() << "\n";
  }
}

std::string title_of(EmbeddedDocumentStore& side, const std::string& id) {
  auto doc = side.get("manuscript", id);
  if (!doc.ok() || !*doc) return "(absent)";
  const Json* title = (*doc)->snapshot.document.find("title");
  return title != nullptr ? title->get_string("en") : "(no title)";
}

Status edit(EmbeddedDocumentStore& side, const std::string& id,
            const std::function<void(Json&)>& change) {
  OJSYNC_ASSIGN_OR_RETURN(auto doc, side.get("manuscript", id));
  if (!doc) return NotFound("manuscript " + id);
  Json updated = doc->snapshot.document;
  change(updated);
  return side.put("manuscript", id, updated, doc->etag).status();
}

}  // namespace

int run_demo(const DemoOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::remove_all(options.dir, ec);
  fs::create_directories(options.dir, ec);
  if (ec) {
    std::cerr << "ojsync demo: cannot create " << options.dir << ": " << ec.message() << "\n";
    return 1;
  }
  auto fail = [](const Status& s) {
    std::cerr << "ojsync demo: " << s.to_string() << "\n";
    return 1;
  };
  auto ojs = EmbeddedDocumentStore::open({options.dir + "/ojs-standin.db", "ojs-standin", nullptr});
  auto agents = EmbeddedDocumentStore::open({options.dir + "/agents.db", "agents", nullptr});
  auto store = open_sqlite_store({options.dir + "/ojsync.db"});
  if (!ojs.ok()) return fail(ojs.status());
  if (!agents.ok()) return fail(agents.status());
  if (!store.ok()) return fail(store.status());
  if (auto v = (*store)->migrate(); !v.ok()) return fail(v.status());

  auto make_manager = [&](const std::string& strategy) {
    SyncOptions sync_options;
    sync_options.conflict_resolution = strategy;
    sync_options.merge_fallback = "manual";
    sync_options.field_policies = {{"title", "ojs"}, {"agent_analysis", "agents"}};
    SyncEnv env;
    env.store = store->get();
    env.ojs = ojs->get();
    env.agents = agents->get();
    return SyncManager::create(std::move(sync_options), std::move(env));
  };
  auto merging = make_manager("merge");
  if (!merging.ok()) return fail(merging.status());
  SyncManager& manager = **merging;

  std::cout << "ojsync demo — engine between two embedded stores in " << options.dir << "\n\n"
            << "1. " << options.manuscripts
            << " manuscripts appear on the OJS side; full sync from OJS\n";
  std::vector<std::string> ids;
  for (int i = 1; i <= options.manuscripts; ++i) {
    ids.push_back(std::to_string(i));
    if (auto s = (*ojs)->put("manuscript", ids.back(), manuscript(i), ""); !s.ok())
      return fail(s.status());
  }
  for (const auto& [id, r] : manager.batch_sync("manuscript", ids, Direction::kFromOjs)) {
    print("manuscript/" + id, r);
  }
  std::cout << "   re-running the same sync writes nothing:\n";
  print("manuscript/1", manager.sync("manuscript", "1"));

  std::cout
      << "\n2. An editor retitles manuscript 1 in OJS; an agent adds an analysis to manuscript 2\n";
  if (auto s = edit(
          **ojs, "1",
          [](Json& d) { d["title"]["en"] = "Soil carbon under no-till farming: a meta-analysis"; });
      !s.ok())
    return fail(s);
  if (auto s = edit(**agents, "2",
                    [](Json& d) { d["agent_analysis"] = "novelty: high; reviewers suggested: 3"; });
      !s.ok())
    return fail(s);
  print("manuscript/1", manager.sync("manuscript", "1"));
  print("manuscript/2", manager.sync("manuscript", "2"));
  std::cout << "   agents now see: \"" << title_of(**agents, "1") << "\"\n";

  std::cout << "\n3. Both sides edit manuscript 3: title in OJS and by an agent, keywords on both\n"
            << "   (strategy merge: title = ojs, keywords = union)\n";
  if (auto s = edit(**ojs, "3",
                    [](Json& d) {
                      d["title"]["en"] = "Quantum dots in thin-film photovoltaics";
                      d["keywords"].as_array().emplace_back("thin films");
                    });
      !s.ok())
    return fail(s);
  if (auto s = edit(**agents, "3",
                    [](Json& d) {
                      d["title"]["en"] = "Quantum dots for solar cells";
                      d["keywords"].as_array().emplace_back("solar");
                    });
      !s.ok())
    return fail(s);
  print("manuscript/3", manager.sync("manuscript", "3"));
  auto k = (*agents)->get("manuscript", "3");
  std::cout << "   title: \"" << title_of(**agents, "3") << "\"  keywords: "
            << (k.ok() && *k ? (*k)->snapshot.document.find("keywords")->dump() : "?") << "\n";

  std::cout << "\n4. Both sides edit the abstract of manuscript 4 (no policy: a person decides)\n";
  if (auto s = edit(**ojs, "4", [](Json& d) { d["abstract"]["en"] = "Revised by the editor."; });
      !s.ok())
    return fail(s);
  if (auto s = edit(**agents, "4", [](Json& d) { d["abstract"]["en"] = "Rewritten by an agent."; });
      !s.ok())
    return fail(s);
  auto conflicted = manager.sync("manuscript", "4");
  print("manuscript/4", conflicted);
  auto pending = manager.pending_conflicts();
  if (!pending.ok()) return fail(pending.status());
  std::cout << "   pending conflicts: " << pending->size() << "\n";
  for (const auto& c : *pending) std::cout << "   " << to_json(c).find("fields")->dump() << "\n";
  if (!pending->empty()) {
    Json resolution = Json::object();
    resolution["abstract"]["en"] = "Revised by the editor, with the agent's clarifications.";
    print("resolve conflict #" + std::to_string(pending->front().id),
          manager.resolve_conflict(pending->front().id, resolution, "editor:demo"));
  }

  std::cout << "\n5. Manuscript 5 is withdrawn (deleted) on the OJS side\n";
  if (auto s = (*ojs)->erase("manuscript", "5", ""); !s.ok()) return fail(s);
  print("manuscript/5", manager.sync("manuscript", "5"));

  auto stats = manager.statistics();
  if (!stats.ok()) return fail(stats.status());
  std::cout << "\nStatistics: " << to_json(*stats).dump() << "\n";
  std::cout << "Health:     " << to_json(manager.health()).dump() << "\n";
  return 0;
}

}  // namespace ojsync::cli
