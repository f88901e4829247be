#include "simulation/simulation.h"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "ojsync/store.h"
#include "ojsync/sync_manager.h"
#include "simulation/crashing_store.h"
#include "simulation/sim_side.h"

namespace ojsync::simulation {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr const char* kManuscript = "manuscript";
constexpr const char* kDecision = "decision";

// Every value a user writes carries a unique token "~n~", so an edit can be traced through
// merges, conflicts and the audit log to wherever it ended.
std::string token(std::int64_t n) { return "~" + std::to_string(n) + "~"; }

void collect_tokens(const std::string& text, std::set<std::string>& out) {
  std::size_t pos = 0;
  while ((pos = text.find('~', pos)) != std::string::npos) {
    std::size_t end = pos + 1;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end < text.size() && text[end] == '~' && end > pos + 1) {
      out.insert(text.substr(pos, end - pos + 1));
      pos = end + 1;
    } else {
      pos = end;
    }
  }
}

std::set<std::string> tokens_of(const Json* value) {
  std::set<std::string> out;
  if (value != nullptr) collect_tokens(value->dump(), out);
  return out;
}

// A field inside a document: member names, and "#<id>" for the author with that id.
using Path = std::vector<std::string>;

std::string path_text(const Path& path) {
  std::string out;
  for (const auto& step : path) out += (out.empty() ? "" : ".") + step;
  return out;
}

const Json* at_path(const Json& doc, const Path& path) {
  const Json* cur = &doc;
  for (const auto& step : path) {
    if (step[0] == '#') {
      if (!cur->is_array()) return nullptr;
      const Json* found = nullptr;
      for (const auto& element : cur->as_array()) {
        const Json* id = element.find("id");
        if (id != nullptr && id->is_int() && std::to_string(id->as_int()) == step.substr(1))
          found = &element;
      }
      cur = found;
    } else {
      cur = cur->find(step);
    }
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

// True when `value` is at `path`: equal to it, or an element of the array there.
bool holds(const Json& doc, const Path& path, const std::string& value) {
  const Json* v = at_path(doc, path);
  if (v == nullptr) return false;
  if (v->is_string()) return v->as_string() == value;
  if (v->is_array()) {
    for (const auto& element : v->as_array()) {
      if (element.is_string() && element.as_string() == value) return true;
    }
  }
  return false;
}

// One user edit, as the harness journals it.
struct Edit {
  std::int64_t id = 0;
  Side side = Side::kOjs;
  std::string type;
  std::string side_id;
  Path path;
  std::string value;  // Holds exactly one token.
  int step = 0;
  bool superseded = false;  // A user later removed it from a side where it was visible.
};

struct PendingEvent {
  Side side;
  SideChange change;
};

class Simulation {
 public:
  explicit Simulation(const SimulationOptions& options)
      : options_(options),
        clock_(Timestamp(seconds(1'800'000'000))),
        schedule_(options.seed * 0x9E3779B97F4A7C15ULL + 1),
        engine_random_(options.seed ^ 0xD1B54A32D192ED03ULL),
        faults_(options.seed + 0x5EED),
        ojs_(Side::kOjs, clock_, skew(), /*assigns_ids=*/true),
        agents_(Side::kAgents, clock_, skew(), /*assigns_ids=*/false) {
    choose_parameters();
    if (options_.trace) {
      ojs_.trace = agents_.trace = [this](const std::string& line) { trace(line); };
    }
    agents_.after_read = [this](const std::string& type, const std::string& id) {
      if (type != kManuscript || mid_sync_edit_percent_ == 0 || !chance(mid_sync_edit_percent_)) {
        return;
      }
      const bool held = agents_.get(type, id).has_value();
      // The agent API refuses a new document under an id OJS could hold (SyncManager::
      // check_new_agents_entity): the engine reads one when it looks for OJS's entity there.
      if (!held && ojs_.could_hold(id)) return;
      ++mid_sync_edits_;
      trace("an agent changes " + type + "/" + id + " between the engine's read and its write:");
      if (held) {
        edit_manuscript(Side::kAgents, id);
      } else {
        create_manuscript(Side::kAgents, id);
      }
    };
  }

  ~Simulation() {
    stop_process();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  SimulationResult run() {
    if (!make_dir()) return {{"cannot create a temporary directory"}, ""};
    if (!start_process()) return result();
    for (step_ = 0; step_ < steps_ && manager_; ++step_) {  // A failed restart is reported.
      if (poison_at_ == step_) poison_one();
      act();
      collect_events();
    }
    if (!manager_) return result();
    quiesce();
    check();
    return result();
  }

 private:
  // ------------------------------------------------------------------ set-up
  Duration skew() {
    return seconds(static_cast<std::int64_t>(schedule_.uniform(121))) - seconds(60);
  }
  std::uint64_t pick(std::uint64_t n) { return schedule_.uniform(n); }
  bool chance(int percent) { return static_cast<int>(pick(100)) < percent; }

  void choose_parameters() {
    static const char* const kStrategies[][2] = {{"latest_wins", "latest_wins"},
                                                 {"merge", "latest_wins"},
                                                 {"merge", "manual"},
                                                 {"manual", "latest_wins"}};
    const auto& s = kStrategies[pick(4)];
    sync_options_.conflict_resolution = s[0];
    sync_options_.merge_fallback = s[1];
    sync_options_.workers = 1;  // One worker keeps the run a function of the seed.
    sync_options_.batch_size = 1 + pick(8);
    sync_options_.retry_limit = 3 + static_cast<std::int32_t>(pick(3));
    sync_options_.retry_backoff_base = milliseconds(200);
    sync_options_.retry_backoff_max = minutes(2);
    static const int kFaultPercent[] = {0, 2, 10, 25};
    fault_percent_ = kFaultPercent[pick(4)];
    faults_.set_rate(fault_percent_ / 100.0);
    // An agent's edit (or new manuscript) between a sync's read of the agents' side and its
    // write there, per read: the engine's conditional writes must neither lose nor overwrite it.
    static const int kMidSyncEditPercent[] = {0, 0, 3, 10};
    mid_sync_edit_percent_ = kMidSyncEditPercent[pick(4)];
    static const int kCrashPermille[] = {0, 10, 30};
    crash_permille_ = kCrashPermille[pick(3)];
    steps_ = 120 + static_cast<int>(pick(180));
    if (options_.force_poison || chance(30)) {
      poison_at_ = static_cast<int>(pick(static_cast<std::uint64_t>(steps_) / 2));
    }
    append_only_ = {kDecision};
  }

  bool make_dir() {
    // tmpfs when there is one: the store's commits then cost no disk I/O.
    std::filesystem::path root =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    std::string templ = (root / "ojsync-sim-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) return false;
    dir_ = templ;
    return true;
  }

  bool start_process() {
    SqliteStoreOptions store_options;
    store_options.path = (dir_ / "ojsync.db").string();
    auto store = open_sqlite_store(store_options);
    if (!store.ok()) return fail("open store: " + store.status().to_string());
    real_store_ = std::move(store).value();
    if (auto m = real_store_->migrate(); !m.ok()) return fail("migrate: " + m.status().to_string());
    store_ = std::make_unique<CrashingStore>(*real_store_, crash_);
    const bool forget = options_.sabotage == Sabotage::kForgetCreates;
    ojs_connector_ =
        std::make_unique<SimConnector>(ojs_, faults_, crash_, append_only_, !forget, "");
    agents_connector_ = std::make_unique<SimConnector>(
        agents_, faults_, crash_, append_only_, true,
        options_.sabotage == Sabotage::kDropAbstractOnAgentWrites ? "abstract" : "");
    SyncEnv env;
    env.store = store_.get();
    env.ojs = ojs_connector_.get();
    env.agents = agents_connector_.get();
    env.clock = &clock_;
    env.random = &engine_random_;
    env.sleep = [this](Duration d) { clock_.advance(d); };
    if (options_.trace) {
      env.on_record = [this](const SyncRecord& r) {
        trace("  sync " + r.key.to_string() + " " + r.trigger + " " +
              std::string(direction_name(r.direction)) + " -> " +
              std::string(outcome_name(r.outcome)) + (r.wrote_ojs ? " wrote ojs" : "") +
              (r.wrote_agents ? " wrote agents" : "") +
              (r.error.empty() ? "" : " error " + r.error));
      };
    }
    auto manager = SyncManager::create(sync_options_, std::move(env));
    if (!manager.ok()) return fail("create SyncManager: " + manager.status().to_string());
    manager_ = std::move(manager).value();
    return true;
  }

  void stop_process() {
    manager_.reset();  // Joins the worker; tasks of a dead process throw at their first call.
    ojs_connector_.reset();
    agents_connector_.reset();
    store_.reset();
    real_store_.reset();
  }

  // The process died: everything in its memory is gone; the store file and the sides remain.
  void restart() {
    ++crashes_;
    trace("CRASH; restart");
    stop_process();
    crash_.restart();
    // Leases of jobs the dead process held expire at some point; maybe not yet.
    clock_.advance(seconds(static_cast<std::int64_t>(pick(600))));
    start_process();
  }

  // Runs `f` against the process; a simulated crash restarts it.
  template <typename F>
  void guarded(F&& f) {
    if (!manager_) return;
    try {
      f();
    } catch (const SimulatedCrash&) {
    }
    if (crash_.dead()) restart();  // Also when only a job on the worker died.
  }

  // SyncManager::run_due_jobs, except that a crash ends the wait: run_due_jobs waits for every
  // job to report its end, which a job of a dead process never does.
  void run_jobs() {
    std::mutex mu;
    std::condition_variable cv;
    std::size_t finished = 0;
    const std::size_t crashed_before = crash_.worker_crashes();
    auto done = [&](JobOutcome) {
      std::lock_guard lock(mu);
      ++finished;
      cv.notify_one();
    };
    // As the service's job runner: one job per worker, or a backlog's claim on the bulk path,
    // streaming on through up to three more claims (at most 32 jobs: one group of the bulk
    // path, so the run stays a function of the seed).
    int more_claims = static_cast<int>(pick(4));
    auto claim_more = [&more_claims] { return more_claims-- > 0; };
    auto claimed =
        chance(50) ? manager_->start_due_jobs("sim", sync_options_.batch_size, done)
                   : manager_->run_due_jobs_in_bulk("sim", sync_options_.batch_size, done, claim_more);
    if (!claimed.ok()) return;
    std::unique_lock lock(mu);
    // A crashed job says nothing, so the wait looks again every millisecond; with one worker the
    // jobs run in claim order, so the run is the same whatever the timing.
    while (finished + (crash_.worker_crashes() - crashed_before) < *claimed) {
      cv.wait_for(lock, milliseconds(1));
    }
  }

  void trace(const std::string& line) const {
    if (options_.trace) std::printf("[%d] %s\n", step_, line.c_str());
  }

  bool fail(std::string what) {
    violations_.push_back(std::move(what));
    return false;
  }

  SimSide& side(Side s) { return s == Side::kOjs ? ojs_ : agents_; }

  // ------------------------------------------------------------------ the schedule
  void act() {
    if (crash_permille_ > 0 && static_cast<int>(pick(1000)) < crash_permille_) {
      crash_.arm(1 + static_cast<int>(pick(40)));
    }
    const int roll = static_cast<int>(pick(100));
    const Side s = chance(50) ? Side::kOjs : Side::kAgents;
    if (roll < 44) {
      user_edit(s);
    } else if (roll < 48) {
      create_manuscript(s);
    } else if (roll < 51) {
      create_decision(s);
    } else if (roll < 53) {
      delete_manuscript(s);
    } else if (roll < 68) {
      deliver_events();
    } else if (roll < 82) {
      guarded([&] { run_jobs(); });
      clock_.advance(milliseconds(pick(3000)));
    } else if (roll < 91) {
      direct_sync();
    } else if (roll < 97) {
      clock_.advance(seconds(1 + static_cast<std::int64_t>(pick(300))));
    } else {
      settle_a_conflict();
    }
  }

  std::int64_t next_token() { return ++tokens_; }

  // Journals a value the user just wrote at `path`.
  std::string journal(Side s, const std::string& type, const std::string& id, Path path,
                      const std::string& prefix) {
    Edit e;
    e.id = next_token();
    e.side = s;
    e.type = type;
    e.side_id = id;
    e.path = std::move(path);
    e.value = prefix + token(e.id);
    e.step = step_;
    edits_.emplace(e.value.substr(prefix.size()), e);
    return e.value;
  }

  // A user replaces a document: tokens that were visible there and are gone were overwritten
  // knowingly (superseded), not lost.
  void user_put(Side s, const std::string& type, const std::string& id, std::optional<Json> doc) {
    std::optional<Snapshot> old = side(s).get(type, id);
    std::set<std::string> before = old ? tokens_of(&old->document) : std::set<std::string>{};
    std::set<std::string> after = doc ? tokens_of(&*doc) : std::set<std::string>{};
    for (const auto& t : before) {
      if (after.count(t) == 0) {
        if (auto it = edits_.find(t); it != edits_.end()) it->second.superseded = true;
      }
    }
    trace("user " + std::string(side_name(s)) + " " + type + "/" + id +
          " := " + (doc ? doc->dump() : "(deleted)"));
    last_user_doc_[{s, {type, id}}] = doc;
    side(s).put(type, id, std::move(doc));
    ++user_writes_;
  }

  Json author(Side s, const std::string& id) {
    const std::int64_t author_id = ++authors_;
    Json a = Json::object();
    a["id"] = author_id;
    a["name"] = journal(s, kManuscript, id, {"authors", "#" + std::to_string(author_id), "name"},
                        "Author ");
    a["email"] = "author" + std::to_string(author_id) + "@example.org";
    return a;
  }

  void create_manuscript(Side s) { create_manuscript(s, side(s).new_id()); }

  void create_manuscript(Side s, const std::string& id) {
    Json doc = Json::object();
    doc["origin"] = journal(s, kManuscript, id, {"origin"}, "origin ");
    doc["title"]["en"] = journal(s, kManuscript, id, {"title", "en"}, "Title ");
    doc["title"]["fr_CA"] = journal(s, kManuscript, id, {"title", "fr_CA"}, "Titre ");
    doc["abstract"]["en"] = journal(s, kManuscript, id, {"abstract", "en"}, "Abstract ");
    Json::Array authors;
    for (std::uint64_t i = 0, n = 1 + pick(2); i < n; ++i) authors.push_back(author(s, id));
    doc["authors"] = Json(std::move(authors));
    doc["keywords"] = Json(Json::Array{Json(journal(s, kManuscript, id, {"keywords"}, "kw "))});
    doc["status"] = journal(s, kManuscript, id, {"status"}, "status ");
    user_put(s, kManuscript, id, std::move(doc));
  }

  void create_decision(Side s) {
    const std::string id = side(s).new_id();
    Json doc = Json::object();
    static const char* const kCodes[] = {"accept", "decline", "revisions"};
    doc["decision"] = kCodes[pick(3)];
    doc["note"] = journal(s, kDecision, id, {"note"}, "note ");
    user_put(s, kDecision, id, std::move(doc));
  }

  std::optional<std::string> random_doc(Side s, const std::string& type) {
    std::vector<std::string> ids = side(s).ids(type);
    if (ids.empty()) return std::nullopt;
    return ids[pick(ids.size())];
  }

  void delete_manuscript(Side s) {
    if (auto id = random_doc(s, kManuscript)) user_put(s, kManuscript, *id, std::nullopt);
  }

  // One change a person makes to a manuscript: few fields, so both sides often touch the same one.
  void user_edit(Side s) {
    auto id = random_doc(s, kManuscript);
    if (!id) return create_manuscript(s);
    edit_manuscript(s, *id);
  }

  void edit_manuscript(Side s, const std::string& id) {
    Json doc = side(s).get(kManuscript, id)->document;
    doc.as_object().erase("lastModified");
    static const char* const kLocales[] = {"en", "fr_CA", "de_DE"};
    // Both lists are added before either is referenced: adding a member moves the others.
    for (const char* list : {"authors", "keywords"}) {
      if (!doc[list].is_array()) doc[list] = Json::array();
    }
    Json& authors = doc["authors"];
    Json& keywords = doc["keywords"];
    switch (pick(10)) {
      case 0:
      case 1: {
        const std::string locale = kLocales[pick(3)];
        doc["title"][locale] = journal(s, kManuscript, id, {"title", locale}, "Title ");
        break;
      }
      case 2: {
        const std::string locale = kLocales[pick(3)];
        if (Json* title = doc.find("title");
            title != nullptr && title->is_object() && title->as_object().size() > 1) {
          title->as_object().erase(locale);
        }
        break;
      }
      case 3: {
        const std::string locale = kLocales[pick(2)];
        doc["abstract"][locale] = journal(s, kManuscript, id, {"abstract", locale}, "Abstract ");
        break;
      }
      case 4: {
        if (authors.as_array().empty()) break;
        Json& a = authors.as_array()[pick(authors.as_array().size())];
        if (!a.find("id") || !a.find("id")->is_int()) break;
        const std::string aid = "#" + std::to_string(a.find("id")->as_int());
        a["name"] = journal(s, kManuscript, id, {"authors", aid, "name"}, "Author ");
        break;
      }
      case 5:
        authors.as_array().push_back(author(s, id));
        break;
      case 6:
        if (!authors.as_array().empty())
          authors.as_array().erase(authors.as_array().begin() +
                                   static_cast<long>(pick(authors.as_array().size())));
        break;
      case 7:
        if (authors.as_array().size() > 1)
          std::swap(authors.as_array().front(), authors.as_array().back());
        break;
      case 8:
        if (chance(60) || keywords.as_array().empty()) {
          keywords.as_array().push_back(Json(journal(s, kManuscript, id, {"keywords"}, "kw ")));
        } else {
          keywords.as_array().erase(keywords.as_array().begin() +
                                    static_cast<long>(pick(keywords.as_array().size())));
        }
        break;
      default:
        doc["status"] = journal(s, kManuscript, id, {"status"}, "status ");
        break;
    }
    user_put(s, kManuscript, id, std::move(doc));
  }

  void poison_one() {
    const Side s = chance(50) ? Side::kOjs : Side::kAgents;
    auto id = random_doc(s, kManuscript);
    if (!id) id = random_doc(other_side(s), kManuscript);
    if (!id) return;
    poisoned_side_ = side(s).get(kManuscript, *id) ? s : other_side(s);
    poisoned_id_ = *id;
    side(poisoned_side_).poisoned.insert(*id);
  }

  void collect_events() {
    for (Side s : {Side::kOjs, Side::kAgents}) {
      for (auto& change : side(s).take_changes()) events_.push_back({s, std::move(change)});
    }
  }

  // The ojsync id of a side's document, as the event intake and the sweeps find it.
  std::string entity_id_of(Store& store, Side s, const std::string& type,
                           const std::string& side_id) {
    auto state = store.find_state_by_side_id(type, s, side_id);
    return state.ok() && *state ? (*state)->key.id : side_id;
  }

  // Events are hints: delivered late, out of order, twice, or never.
  void deliver_events() {
    for (std::uint64_t n = 1 + pick(3); n > 0 && !events_.empty(); --n) {
      const std::size_t i = pick(events_.size());
      const PendingEvent event = events_[i];
      const int roll = static_cast<int>(pick(100));
      if (roll >= 15) events_.erase(events_.begin() + static_cast<long>(i));  // else: duplicated
      if (roll >= 90) continue;                                               // dropped
      trace("event " + std::string(side_name(event.side)) + " " + event.change.type + "/" +
            event.change.side_id + (roll < 15 ? " (duplicated)" : ""));
      guarded([&] {
        const std::string id =
            entity_id_of(*store_, event.side, event.change.type, event.change.side_id);
        (void)manager_->enqueue(event.change.type, id, Direction::kBoth, "event");
      });
    }
  }

  void direct_sync() {
    const Side s = chance(50) ? Side::kOjs : Side::kAgents;
    const std::string type = chance(85) ? kManuscript : kDecision;
    auto side_id = random_doc(s, type);
    if (!side_id) return;
    const int roll = static_cast<int>(pick(10));
    const Direction d = roll == 0   ? Direction::kToOjs
                        : roll == 1 ? Direction::kFromOjs
                                    : Direction::kBoth;
    // A third of the calls sync several entities at once (the API's batch, the bulk path).
    if (chance(33)) {
      std::vector<std::pair<Side, std::string>> side_ids{{s, *side_id}};
      for (std::size_t n = pick(6); n > 0; --n) {
        const Side more_side = chance(50) ? Side::kOjs : Side::kAgents;
        if (auto more = random_doc(more_side, type)) side_ids.emplace_back(more_side, *more);
      }
      guarded([&] {
        std::vector<std::string> ids;
        for (const auto& [on, sid] : side_ids) ids.push_back(entity_id_of(*store_, on, type, sid));
        (void)manager_->batch_sync(type, ids, d, "api");
      });
      return;
    }
    guarded([&] {
      const std::string id = entity_id_of(*store_, s, type, *side_id);
      (void)manager_->sync(type, id, d, "api");
    });
  }

  // A person settles an open conflict by taking one side.
  void settle_a_conflict() {
    auto open = real_store_->list_conflicts(ConflictStatus::kOpen, 100);
    if (!open.ok() || open->empty()) return;
    settle((*open)[pick(open->size())]);
  }

  void settle(const ConflictRecord& conflict) {
    Json take = Json::object();
    take["take"] = chance(50) ? "ojs" : "agents";
    guarded([&] { (void)manager_->resolve_conflict(conflict.id, take, "editor:sim"); });
  }

  // ------------------------------------------------------------------ quiescence
  // Every entity either side holds or the store knows, by its ojsync key.
  // A document the engine created for an entity belongs to it even before the store records its
  // id (the create's key it carries names the entity, as the engine reads it): when that entity
  // cannot sync (a poisoned record), its document is not an entity of its own.
  std::set<EntityKey> all_keys() {
    std::set<EntityKey> keys;
    for (const auto& state : all_states()) keys.insert(state.key);
    for (const char* type : {kManuscript, kDecision}) {
      for (Side s : {Side::kOjs, Side::kAgents}) {
        for (const auto& id : side(s).ids(type)) {
          EntityKey key{type, entity_id_of(*real_store_, s, type, id)};
          const std::string created_by = side(s).get(type, id)->created_by;
          const std::size_t slash = created_by.find('/');
          const std::size_t mark = created_by.find(":create:");
          if (key.id == id && slash != std::string::npos && mark != std::string::npos) {
            EntityKey owner{created_by.substr(0, slash),
                            created_by.substr(slash + 1, mark - slash - 1)};
            auto state = real_store_->get_state(owner);
            if (state.ok() && *state) key = owner;
          }
          keys.insert(std::move(key));
        }
      }
    }
    return keys;
  }

  bool is_poisoned(const EntityKey& key) {
    if (poisoned_id_.empty() || key.type != kManuscript) return false;
    if (key.id == poisoned_id_) return true;
    auto state = real_store_->get_state(key);
    if (!state.ok() || !*state) return false;
    return (poisoned_side_ == Side::kOjs ? (*state)->ojs_id : (*state)->agents_id) == poisoned_id_;
  }

  // Runs due jobs, moving the clock to the next due job, until the queue holds only dead jobs.
  void drain(const char* phase) {
    for (int round = 0; round < 20000; ++round) {
      auto summary = manager_->run_due_jobs("sim");
      if (!summary.ok()) {
        fail(std::string(phase) + ": run_due_jobs failed: " + summary.status().to_string());
        return;
      }
      if (summary->claimed > 0) continue;
      auto jobs = real_store_->list_jobs(std::nullopt, 100000);
      if (!jobs.ok()) {
        fail(std::string(phase) + ": list_jobs failed");
        return;
      }
      std::optional<Timestamp> next;
      for (const auto& job : *jobs) {
        if (job.state == JobState::kDead) continue;
        const Timestamp due =
            job.state == JobState::kPending ? job.run_at : job.lease_until + Duration(1);
        if (!next || due < *next) next = due;
      }
      if (!next) return;
      if (*next > clock_.now()) clock_.set(*next);
    }
    fail(std::string(phase) + ": the queue never drained");
  }

  int engine_writes() const { return ojs_.engine_writes_total + agents_.engine_writes_total; }

  std::vector<SyncState> all_states() {
    std::vector<SyncState> states;
    for (const char* type : {kManuscript, kDecision}) {
      std::string after;
      while (true) {
        auto page = real_store_->list_states(type, after, 500);
        if (!page.ok() || page->empty()) break;
        after = page->back().key.id;
        for (auto& state : *page) states.push_back(std::move(state));
      }
    }
    return states;
  }

  void quiesce() {
    mid_sync_edit_percent_ = 0;  // The users stop, so that the sides can converge.
    crash_.arm(0);
    if (crash_.dead()) restart();
    faults_.set_rate(0);
    // A person settles some open conflicts; others stay open on purpose.
    if (auto open = real_store_->list_conflicts(ConflictStatus::kOpen, 100000); open.ok()) {
      for (const auto& c : *open) {
        if (!chance(50)) settle(c);
      }
    }
    // Anti-entropy: every entity once, through the queue.
    for (const auto& key : all_keys())
      (void)manager_->enqueue(key.type, key.id, Direction::kBoth, "anti-entropy");
    drain("anti-entropy");

    // No echo: the sides announce the engine's own writes; syncing them must write nothing.
    collect_events();
    const int before_echoes = engine_writes();
    for (const auto& event : events_) {
      const std::string id =
          entity_id_of(*real_store_, event.side, event.change.type, event.change.side_id);
      (void)manager_->enqueue(event.change.type, id, Direction::kBoth, "event");
    }
    events_.clear();
    drain("echo");
    if (engine_writes() != before_echoes) {
      fail("no echo: syncing the sides' announcements of the engine's own writes wrote " +
           std::to_string(engine_writes() - before_echoes) + " times");
    }

    // A final sync of every entity finds nothing to do: the queue alone converged everything
    // (the poisoned record did not hold the others up), and nothing ping-pongs.
    const int before_final = engine_writes();
    for (const auto& key : all_keys()) {
      auto report = manager_->sync(key.type, key.id, Direction::kBoth, "final");
      if (is_poisoned(key)) continue;
      if (!report.ok()) {
        fail("final sync of " + key.to_string() + " failed: " + report.status().to_string());
      } else if (report->outcome != SyncOutcome::kNoop &&
                 report->outcome != SyncOutcome::kConflict) {
        fail("final sync of " + key.to_string() + " was " +
             std::string(outcome_name(report->outcome)) +
             " after the queue drained (not converged, or echo)");
      }
    }
    if (engine_writes() != before_final) {
      fail("the final sync round wrote " + std::to_string(engine_writes() - before_final) +
           " times after the queue drained");
    }
  }

  // ------------------------------------------------------------------ the invariants
  std::optional<Json> final_doc(Side s, const std::string& type, const std::string& side_id) {
    if (side_id.empty()) return std::nullopt;
    auto snapshot = side(s).get(type, side_id);
    if (!snapshot) return std::nullopt;
    const EntityTypeConfig* config = sync_options_.entity_types.find(type);
    for (const auto& field : config->volatile_fields) snapshot->document.as_object().erase(field);
    return snapshot->document;
  }

  void check() {
    std::map<EntityKey, ConflictRecord> open_conflicts;
    std::set<std::string> recorded;  // Tokens a conflict or a decided conflict keeps.
    if (auto all = real_store_->list_conflicts(std::nullopt, 1000000); all.ok()) {
      for (const auto& c : *all) {
        if (c.status == ConflictStatus::kOpen) open_conflicts[c.key] = c;
        for (const auto& field : c.fields) {
          for (const auto* value : {&field.ojs, &field.agents}) {
            if (*value) collect_tokens((*value)->dump(), recorded);
          }
        }
      }
    }
    const std::set<EntityKey> keys = all_keys();
    for (const auto& key : keys) {
      auto audit = real_store_->list_audit(key, 1000000);
      if (!audit.ok()) continue;
      for (const auto& entry : *audit) {
        if (entry.reason.rfind("a create whose reply never arrived", 0) == 0) ++found_creates_;
        if (entry.action != "conflict_decided") continue;
        check_resolver(entry);
        const std::string winner = entry.details.get_string("winner");
        // The losing side's value is what must be on record. A combined value (union) loses
        // nothing a user did not remove, so it excuses nothing.
        if (winner != "ojs" && winner != "agents") continue;
        if (const Json* v = entry.details.find(winner == "ojs" ? "agents" : "ojs")) {
          collect_tokens(v->dump(), recorded);
        }
      }
    }

    check_convergence(keys, open_conflicts);
    check_at_most_once();
    check_no_lost_update(recorded);
    check_dead_letter(keys);
  }

  // The resolver the configured strategy names for a conflict at `path`; "" when the strategy
  // leaves it to a person. Array element keys ("authors[5].name") are not part of policy paths.
  std::string expected_resolver(const std::string& type, const std::string& path) const {
    std::string policy_path;
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '[') {
        i = path.find(']', i);
        if (i == std::string::npos) break;
      } else {
        policy_path += path[i];
      }
    }
    std::string name = sync_options_.conflict_resolution;
    if (name == "merge") {
      auto policy = sync_options_.entity_types.find(type)->policy_for(policy_path);
      name = policy ? *policy : sync_options_.merge_fallback;
    }
    return name == "manual" ? "" : name;
  }

  // Every conflict the engine decided was decided by the resolver the strategy names (or by a
  // person's resolution).
  void check_resolver(const AuditEntry& entry) {
    const std::string resolver = entry.details.get_string("resolver");
    if (resolver == "resolution") return;
    const std::string path = entry.details.get_string("path");
    const std::string expected = expected_resolver(entry.key.type, path);
    if (resolver != expected) {
      fail("strategy: the conflict at " + entry.key.to_string() + " " + path + " was decided by '" +
           resolver + "', but " + sync_options_.conflict_resolution + "/" +
           sync_options_.merge_fallback + " says " + (expected.empty() ? "a person" : expected));
    }
  }

  // Where users wrote on one side only, the strategy has nothing to decide: both sides end
  // holding that side's last user write.
  void check_one_sided(const EntityKey& key, const SyncState& st,
                       const std::optional<Json>& final) {
    auto last = [&](Side s, const std::string& id) -> const std::optional<Json>* {
      auto it = last_user_doc_.find({s, {key.type, id}});
      return it == last_user_doc_.end() ? nullptr : &it->second;
    };
    const std::optional<Json>* ojs = st.ojs_id.empty() ? nullptr : last(Side::kOjs, st.ojs_id);
    const std::optional<Json>* agents =
        st.agents_id.empty() ? nullptr : last(Side::kAgents, st.agents_id);
    if ((ojs == nullptr) == (agents == nullptr)) return;
    // The entity's id is the side id it was first seen under. When OJS deleted that document
    // and a settled conflict created it again there under a new id, OJS's users wrote the
    // entity too, under its old id (seed 2426 after session 7's schedule change).
    const Side other = ojs != nullptr ? Side::kAgents : Side::kOjs;
    if (last(other, key.id) != nullptr) return;

    std::optional<Json> expected = ojs != nullptr ? *ojs : *agents;
    if (expected) expected->as_object().erase("lastModified");
    if (expected != final) {
      fail("strategy: only " + std::string(ojs != nullptr ? "OJS" : "agents") + " users wrote " +
           key.to_string() + ", yet it ends " + (final ? final->dump() : "(absent)") +
           " instead of " + (expected ? expected->dump() : "(absent)"));
    }
  }

  void check_convergence(const std::set<EntityKey>& keys,
                         const std::map<EntityKey, ConflictRecord>& open) {
    for (const auto& key : keys) {
      if (is_poisoned(key) || open.count(key) != 0) continue;
      auto state = real_store_->get_state(key);
      if (!state.ok() || !*state) {
        fail("convergence: " + key.to_string() + " has no archive entry after quiescence");
        continue;
      }
      const SyncState& st = **state;
      auto o = final_doc(Side::kOjs, key.type, st.ojs_id);
      auto a = final_doc(Side::kAgents, key.type, st.agents_id);
      if (o != a) {
        fail("convergence: " + key.to_string() + " differs: ojs " + (o ? o->dump() : "(absent)") +
             " agents " + (a ? a->dump() : "(absent)"));
      } else {
        check_one_sided(key, st, o);
      }
      if (o == a && st.base != o) {
        fail("convergence: " + key.to_string() + " base " + (st.base ? st.base->dump() : "(none)") +
             " is not what both sides hold");
      }
    }
  }

  // Each created document exists at most once per side (its "origin" or "note" names it).
  void check_at_most_once() {
    for (Side s : {Side::kOjs, Side::kAgents}) {
      std::map<std::string, std::vector<std::string>> by_origin;
      for (const auto& [key, snapshot] : side(s).docs()) {
        const char* name = key.first == kDecision ? "note" : "origin";
        by_origin[key.first + ":" + snapshot.document.get_string(name)].push_back(key.second);
      }
      for (const auto& [origin, ids] : by_origin) {
        if (ids.size() < 2) continue;
        std::string list;
        for (const auto& id : ids) list += " " + id;
        fail("at most once: " + std::string(side_name(s)) + " holds " + std::to_string(ids.size()) +
             " copies of " + origin + ":" + list);
      }
    }
  }

  void check_no_lost_update(const std::set<std::string>& recorded) {
    // Where each token ends: (side, type, id) of every final document holding it.
    std::map<std::string, std::vector<std::pair<Side, std::pair<std::string, std::string>>>> where;
    for (Side s : {Side::kOjs, Side::kAgents}) {
      for (const auto& [key, snapshot] : side(s).docs()) {
        for (const auto& t : tokens_of(&snapshot.document)) {
          where[t].push_back({s, key});
          if (edits_.count(t) == 0)
            fail("phantom value " + t + " in " + std::string(side_name(s)) + " " + key.second);
        }
      }
    }
    int reported = 0;
    for (const auto& [t, e] : edits_) {
      if (e.superseded || recorded.count(t) != 0) continue;
      bool kept = false;
      for (const auto& [s, key] : where[t]) {
        if (key.first == e.type &&
            holds(side(s).get(key.first, key.second)->document, e.path, e.value))
          kept = true;
      }
      if (kept) continue;
      if (++reported <= 10) {
        fail("lost update: edit " + t + " (" + std::string(side_name(e.side)) + " " + e.type + "/" +
             e.side_id + " " + path_text(e.path) + " = \"" + e.value + "\", step " +
             std::to_string(e.step) + ") is in no final document, no conflict and no audit entry");
      }
    }
  }

  // A poisoned record ends dead-lettered; nothing else does after quiescence.
  void check_dead_letter(const std::set<EntityKey>& keys) {
    auto dead = real_store_->list_jobs(JobState::kDead, 100000);
    if (!dead.ok()) return;
    std::set<EntityKey> dead_keys;
    for (const auto& job : *dead) dead_keys.insert(job.key);
    for (const auto& key : keys) {
      if (is_poisoned(key) && dead_keys.count(key) == 0) {
        fail("no head-of-line blocking: the poisoned " + key.to_string() + " is not dead-lettered");
      }
    }
  }

  SimulationResult result() {
    SimulationResult r;
    r.violations = violations_;
    auto counted = [](std::size_t n, const char* what) {
      return n == 0 ? std::string() : ", " + std::to_string(n) + " " + what;
    };
    r.summary = "seed " + std::to_string(options_.seed) + ": " + sync_options_.conflict_resolution +
                "/" + sync_options_.merge_fallback + ", " + std::to_string(steps_) +
                " steps, faults " + std::to_string(fault_percent_) + "% (" +
                std::to_string(faults_.injected()) + " injected), " + std::to_string(crashes_) +
                " crashes, " + std::to_string(edits_.size()) + " edits, " +
                std::to_string(user_writes_) + " user writes, " + std::to_string(engine_writes()) +
                " engine writes" + counted(found_creates_, "lost creates found by their key") +
                counted(mid_sync_edits_, "agents' changes between a sync's read and its write") +
                (poisoned_id_.empty() ? "" : ", poisoned " + poisoned_id_);
    return r;
  }

  const SimulationOptions options_;
  ManualClock clock_;
  SeededRandom schedule_;
  SeededRandom engine_random_;
  FaultPlan faults_;
  CrashSwitch crash_;
  SimSide ojs_;
  SimSide agents_;
  std::set<std::string, std::less<>> append_only_;
  SyncOptions sync_options_;
  int fault_percent_ = 0;
  int mid_sync_edit_percent_ = 0;
  int crash_permille_ = 0;
  int steps_ = 0;
  int poison_at_ = -1;
  Side poisoned_side_ = Side::kOjs;
  std::string poisoned_id_;

  std::filesystem::path dir_;
  std::unique_ptr<Store> real_store_;
  std::unique_ptr<CrashingStore> store_;
  std::unique_ptr<SimConnector> ojs_connector_;
  std::unique_ptr<SimConnector> agents_connector_;
  std::unique_ptr<SyncManager> manager_;

  int step_ = 0;
  std::int64_t tokens_ = 0;
  std::int64_t authors_ = 0;
  int crashes_ = 0;
  int user_writes_ = 0;
  std::size_t mid_sync_edits_ = 0;
  std::size_t found_creates_ = 0;  // Creates whose reply never arrived, found by their key.
  std::map<std::string, Edit> edits_;  // By token.
  // The last document a user wrote (nullopt: deleted), per (side, (type, id)).
  std::map<std::pair<Side, std::pair<std::string, std::string>>, std::optional<Json>>
      last_user_doc_;
  std::vector<PendingEvent> events_;
  std::vector<std::string> violations_;
};

}  // namespace

SimulationResult run_simulation(const SimulationOptions& options) {
  Simulation simulation(options);
  return simulation.run();
}

}  // namespace ojsync::simulation
