// The demo: a full sync from an OJS journal into the agents' embedded store, an edit on each
// side, and a conflicting edit a person settles, with the real connector, engine and store.
// Each step checks its effect on both sides, so the demo cannot print a success it did not have.
#include "demo.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "connectors/http/curl_transport.h"
#include "ojsync/embedded_store.h"
#include "ojsync/ojs_connector.h"
#include "ojsync/sync_manager.h"

namespace ojsync::cli {
namespace {

constexpr std::string_view kType = "manuscript";
constexpr std::string_view kEnglish = "en";

// At most `n` characters of UTF-8 `text`, with "…" when cut.
std::string shorten(const std::string& text, std::size_t n = 60) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == n) {
      return text.substr(0, i) + "…";
    }
  }
  return text;
}

std::string quoted(const Json* value) {
  return value != nullptr && value->is_string() ? "\"" + shorten(value->as_string()) + "\"" : "—";
}

Status expect(bool holds, const std::string& what) {
  return holds ? OkStatus() : FailedPrecondition("demo step did not hold: " + what);
}

std::string describe(const SyncReport& r) {
  std::string s(outcome_name(r.outcome));
  if (r.wrote_ojs && r.wrote_agents) {
    s += ", wrote OJS and the agents' store";
  } else if (r.wrote_ojs) {
    s += ", wrote OJS";
  } else if (r.wrote_agents) {
    s += ", wrote the agents' store";
  }
  if (r.conflict_id != 0) s += " #" + std::to_string(r.conflict_id) + " recorded";
  for (const auto& f : r.rejected_fields) s += ", OJS refused " + f;
  return s;
}

Result<std::string> read_token(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read the token file " + path);
  std::string token;
  std::getline(in, token);
  if (token.empty()) return FailedPrecondition("the token file " + path + " is empty");
  return token;
}

class Demo {
 public:
  explicit Demo(DemoOptions options) : options_(std::move(options)) {}

  Status run() {
    OJSYNC_RETURN_IF_ERROR(open());
    std::cout << "ojsync demo: OJS " << options_.ojs_version << " journal \"" << options_.journal
              << "\" at " << options_.ojs_url << "  <->  the agents' embedded store\n"
              << "state in " << options_.dir << "\n";
    OJSYNC_RETURN_IF_ERROR(full_sync());
    OJSYNC_RETURN_IF_ERROR(edit_in_ojs());
    OJSYNC_RETURN_IF_ERROR(edit_by_agent());
    OJSYNC_RETURN_IF_ERROR(conflicting_edit());
    return print_statistics();
  }

 private:
  Status open() {
    OJSYNC_ASSIGN_OR_RETURN(token_, read_token(options_.token_file));
    OjsConnectorOptions o;
    o.base_url = options_.ojs_url;
    o.journal_path = options_.journal;
    o.api_token_file = options_.token_file;
    o.version = options_.ojs_version == "3.3"   ? OjsVersion::k3_3
                : options_.ojs_version == "3.4" ? OjsVersion::k3_4
                : options_.ojs_version == "3.5" ? OjsVersion::k3_5
                                                : OjsVersion::kDetect;
    OJSYNC_ASSIGN_OR_RETURN(ojs_, make_ojs_connector(o));
    OJSYNC_ASSIGN_OR_RETURN(http_, make_curl_transport({}));
    OJSYNC_ASSIGN_OR_RETURN(agents_, EmbeddedDocumentStore::open({options_.dir + "/agents.db"}));
    OJSYNC_ASSIGN_OR_RETURN(store_, open_sqlite_store({options_.dir + "/ojsync.db"}));
    OJSYNC_RETURN_IF_ERROR(store_->migrate().status());
    SyncOptions sync;
    // Fields both sides changed differently go to a person: nothing is decided silently.
    sync.conflict_resolution = "manual";
    SyncEnv env;
    env.store = store_.get();
    env.ojs = ojs_.get();
    env.agents = agents_.get();
    OJSYNC_ASSIGN_OR_RETURN(manager_, SyncManager::create(std::move(sync), std::move(env)));
    return OkStatus();
  }

  Result<Json> agents_document(const std::string& id) {
    OJSYNC_ASSIGN_OR_RETURN(auto held, agents_->get(kType, id));
    if (!held) return NotFound("manuscript " + id + " is not in the agents' store");
    return held->snapshot.document;
  }

  Result<Json> ojs_document(const std::string& id) {
    OJSYNC_ASSIGN_OR_RETURN(auto held, ojs_->fetch(kType, id));
    if (!held) return NotFound("manuscript " + id + " is not in OJS");
    return held->document;
  }

  // The English text of a multilingual member. Documents name English "en" whatever the OJS
  // version (docs/ojs-connector.md, "Locale keys").
  static const Json* english(const Json& doc, std::string_view member) {
    const Json* field = doc.find(member);
    return field != nullptr ? field->find(kEnglish) : nullptr;
  }

  Result<SyncReport> sync(const std::string& id) {
    auto report = manager_->sync(kType, id);
    if (report.ok()) std::cout << "   sync manuscript/" << id << ": " << describe(*report) << "\n";
    return report;
  }

  // 1. Everything OJS lists comes over; a second pass writes nothing.
  Status full_sync() {
    std::cout << "\n1. Full sync from OJS\n";
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> ids;
    std::string cursor;
    int requests = 0;
    bool more = true;
    // Each page is synced while the next is listed.
    const auto next_page = [&]() -> Result<std::vector<std::string>> {
      if (!more) return std::vector<std::string>{};
      OJSYNC_ASSIGN_OR_RETURN(ChangePage page, ojs_->list_changed(kType, cursor, 100));
      ++requests;
      std::vector<std::string> page_ids;
      for (auto& change : page.changes) page_ids.push_back(std::move(change.side_id));
      ids.insert(ids.end(), page_ids.begin(), page_ids.end());
      cursor = std::move(page.next_cursor);
      more = page.has_more;
      return page_ids;
    };
    OutcomeCounts counts;
    Status failed;
    const auto count = [&](const std::string& id, Result<SyncReport> report) {
      if (!report.ok()) {
        if (failed.ok()) {
          failed = Status(report.status().code(), "manuscript/" + id + ": " + report.status().message());
        }
        return;
      }
      ++(report->outcome == SyncOutcome::kApplied ? counts.applied : counts.noop);
    };
    OJSYNC_RETURN_IF_ERROR(
        manager_->batch_sync_pages(kType, next_page, count, Direction::kFromOjs, "demo"));
    OJSYNC_RETURN_IF_ERROR(failed);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "   OJS listed " << ids.size() << " submissions (" << requests
              << (requests == 1 ? " list request" : " list requests") << "); synced them in "
              << std::fixed << std::setprecision(2) << seconds << " s: " << counts.applied
              << " copied to the agents' store\n";
    OJSYNC_RETURN_IF_ERROR(
        expect(!ids.empty() && counts.applied == static_cast<std::int64_t>(ids.size()),
               "every listed submission is copied"));

    // Three queued submissions with an English title (published ones cannot be edited in
    // OJS), and the one with the most title translations to show.
    std::string shown;
    std::size_t shown_locales = 0;
    for (const auto& id : ids) {
      OJSYNC_ASSIGN_OR_RETURN(Json doc, agents_document(id));
      const Json* title = doc.find("title");
      const std::size_t locales =
          title != nullptr && title->is_object() ? title->as_object().size() : 0;
      if (locales > shown_locales) {
        shown = id;
        shown_locales = locales;
      }
      if (doc.get_int("status") == 1 && english(doc, "title") != nullptr && editable_.size() < 3) {
        editable_.push_back(id);
      }
    }
    OJSYNC_RETURN_IF_ERROR(expect(editable_.size() == 3, "three queued English submissions"));
    OJSYNC_ASSIGN_OR_RETURN(Json sample, agents_document(shown));
    std::cout << "   the agents' store now holds manuscript/" << shown << ":\n";
    for (const auto& [locale, text] : sample.find("title")->as_object()) {
      std::cout << "     title[" << locale << "] " << quoted(&text) << "\n";
    }
    const Json* authors = sample.find("authors");
    std::cout << "     " << (authors != nullptr ? authors->as_array().size() : 0)
              << " authors, status " << sample.get_int("status") << ", stage "
              << sample.get_int("stageId") << "\n";

    OutcomeCounts again;
    for (const auto& [id, report] : manager_->batch_sync(kType, ids, Direction::kFromOjs, "demo")) {
      if (report.ok() && report->outcome == SyncOutcome::kNoop) ++again.noop;
    }
    std::cout << "   a second full sync finds nothing to do: " << again.noop << " of " << ids.size()
              << " unchanged\n";
    return expect(again.noop == static_cast<std::int64_t>(ids.size()),
                  "the second pass is a no-op");
  }

  // English as the journal itself names it: OJS 3.3 says en_US, 3.4+ say en. Documents say en
  // for every version (docs/ojs-connector.md, "Locale keys").
  std::string journal_english() const { return options_.ojs_version == "3.3" ? "en_US" : "en"; }

  // Sets one multilingual member of a publication in OJS itself, as an editor would.
  Status ojs_put(const std::string& id, std::string_view member, const std::string& text) {
    OJSYNC_ASSIGN_OR_RETURN(Json doc, ojs_document(id));
    Json body = Json::object();
    body[member][journal_english()] = text;
    const std::string url = options_.ojs_url + "/index.php/" + options_.journal +
                            "/api/v1/submissions/" + id + "/publications/" +
                            std::to_string(doc.get_int("publicationId"));
    OJSYNC_ASSIGN_OR_RETURN(
        HttpResponse response,
        http_->send({"PUT",
                     url,
                     {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}},
                     body.dump()}));
    return expect(response.status == 200,
                  "OJS accepts the editor's edit (HTTP " + std::to_string(response.status) + ")");
  }

  // Changes the agents' copy of one manuscript through the store's ETag check, as an agent would.
  Status agents_put(const std::string& id, const std::function<void(Json&)>& change) {
    OJSYNC_ASSIGN_OR_RETURN(auto held, agents_->get(kType, id));
    if (!held) return NotFound("manuscript " + id + " is not in the agents' store");
    Json doc = held->snapshot.document;
    change(doc);
    return agents_->put(kType, id, doc, held->etag).status();
  }

  // 2. OJS → agents.
  Status edit_in_ojs() {
    const std::string& id = editable_[0];
    OJSYNC_ASSIGN_OR_RETURN(Json before, agents_document(id));
    const std::string title = english(before, "title")->as_string() + ": a field study";
    std::cout << "\n2. An editor retitles manuscript/" << id << " in OJS (title["
              << journal_english() << "] there)\n";
    OJSYNC_RETURN_IF_ERROR(ojs_put(id, "title", title));
    OJSYNC_ASSIGN_OR_RETURN(SyncReport report, sync(id));
    OJSYNC_ASSIGN_OR_RETURN(Json after, agents_document(id));
    std::cout << "   the agents see " << quoted(english(after, "title")) << "\n";
    return expect(report.wrote_agents && english(after, "title")->as_string() == title,
                  "the new title reaches the agents");
  }

  // 3. agents → OJS.
  Status edit_by_agent() {
    const std::string& id = editable_[1];
    const std::string keyword = "reviewer-matched";
    std::cout << "\n3. An agent adds the keyword \"" << keyword << "\" to manuscript/" << id
              << "\n";
    OJSYNC_RETURN_IF_ERROR(agents_put(id, [&](Json& doc) {
      Json& list = doc["keywords"][kEnglish];
      if (!list.is_array()) list = Json::array();
      list.as_array().emplace_back(keyword);
    }));
    OJSYNC_ASSIGN_OR_RETURN(SyncReport report, sync(id));
    OJSYNC_ASSIGN_OR_RETURN(Json in_ojs, ojs_document(id));
    const Json* keywords = english(in_ojs, "keywords");
    std::cout << "   OJS now lists the keywords " << (keywords ? keywords->dump() : "[]") << "\n";
    bool found = false;
    if (keywords != nullptr && keywords->is_array()) {
      for (const Json& k : keywords->as_array()) found = found || k == Json(keyword);
    }
    return expect(report.wrote_ojs && found, "the agent's keyword reaches OJS");
  }

  // 4. Both sides rewrite the same field: a conflict, kept until a person settles it.
  Status conflicting_edit() {
    const std::string& id = editable_[2];
    std::cout << "\n4. The editor (in OJS) and an agent both rewrite the abstract of manuscript/"
              << id << "\n";
    OJSYNC_RETURN_IF_ERROR(ojs_put(id, "abstract", "<p>Revised by the editor.</p>"));
    OJSYNC_RETURN_IF_ERROR(agents_put(id, [&](Json& doc) {
      doc["abstract"][kEnglish] = "<p>Shortened by the summarising agent.</p>";
    }));
    OJSYNC_ASSIGN_OR_RETURN(SyncReport report, sync(id));
    OJSYNC_RETURN_IF_ERROR(
        expect(report.outcome == SyncOutcome::kConflict, "the two edits make a conflict"));
    OJSYNC_ASSIGN_OR_RETURN(auto pending, manager_->pending_conflicts());
    OJSYNC_RETURN_IF_ERROR(expect(pending.size() == 1, "one open conflict"));
    for (const FieldConflict& f : pending.front().fields) {
      std::cout << "   conflict #" << pending.front().id << " on " << f.path << ": OJS "
                << quoted(f.ojs ? &*f.ojs : nullptr) << ", agents "
                << quoted(f.agents ? &*f.agents : nullptr) << "\n";
    }
    std::cout << "   neither side was overwritten; an editor settles it:\n";
    const std::string settled = "<p>Revised by the editor, shortened by the agent.</p>";
    Json resolution = Json::object();
    resolution["abstract"][kEnglish] = settled;
    OJSYNC_ASSIGN_OR_RETURN(
        SyncReport resolved,
        manager_->resolve_conflict(pending.front().id, resolution, "editor:demo"));
    std::cout << "   resolve conflict #" << pending.front().id << ": " << describe(resolved)
              << "\n";
    OJSYNC_ASSIGN_OR_RETURN(Json in_ojs, ojs_document(id));
    OJSYNC_ASSIGN_OR_RETURN(Json in_agents, agents_document(id));
    std::cout << "   both sides now hold " << quoted(english(in_ojs, "abstract")) << "\n";
    const Json* a = english(in_ojs, "abstract");
    const Json* b = english(in_agents, "abstract");
    return expect(a != nullptr && b != nullptr && *a == Json(settled) && *b == Json(settled),
                  "both sides hold the resolution");
  }

  Status print_statistics() {
    OJSYNC_ASSIGN_OR_RETURN(SyncStatistics stats, manager_->statistics());
    const OutcomeCounts& c = stats.store.all_time;
    std::cout << "\nStatistics: " << c.total << " syncs (" << c.applied << " applied, " << c.noop
              << " unchanged, " << c.conflict << " conflict, " << c.failed << " failed); "
              << "p50 "
              << std::chrono::duration<double, std::milli>(stats.store.p50_duration_24h).count()
              << " ms, p99 "
              << std::chrono::duration<double, std::milli>(stats.store.p99_duration_24h).count()
              << " ms; open conflicts " << stats.store.pending_conflicts << "\n";
    const HealthReport health = manager_->health();
    std::cout << "Health: " << health_status_name(health.overall_status) << "\n";
    return expect(c.failed == 0 && stats.store.pending_conflicts == 0,
                  "no failed sync, no open conflict");
  }

  DemoOptions options_;
  std::string token_;
  std::unique_ptr<Connector> ojs_;
  std::unique_ptr<HttpTransport> http_;
  std::unique_ptr<EmbeddedDocumentStore> agents_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SyncManager> manager_;  // Last: destroyed before what it uses.
  std::vector<std::string> editable_;
};

}  // namespace

int run_demo(const DemoOptions& options) {
  std::error_code ec;
  std::filesystem::remove_all(options.dir, ec);
  std::filesystem::create_directories(options.dir, ec);
  if (ec) {
    std::cerr << "ojsync demo: cannot create " << options.dir << ": " << ec.message() << "\n";
    return 1;
  }
  Status status = Demo(options).run();
  if (!status.ok()) {
    std::cerr << "\nojsync demo FAILED: " << status.to_string() << "\n";
    return 1;
  }
  std::cout << "\nThe demo ran to the end.\n";
  return 0;
}

}  // namespace ojsync::cli
