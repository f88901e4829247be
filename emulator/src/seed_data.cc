#include "seed_data.h"

#include <array>
#include <cstdio>

#include "dataset_loader.h"
#include "ojs_constants.h"
#include "decision_types.h"

namespace ojsemu {
namespace {

// splitmix64: a small, fast, well-mixed generator whose whole state is one integer.
class Rng {
 public:
  explicit Rng(std::uint64_t state) : state_(state) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) { return items[static_cast<std::size_t>(below(static_cast<int>(N)))]; }

 private:
  std::uint64_t state_;
};

// Locale slots of the generated journal, in 3.3 spelling (converted for 3.4+ on load).
enum Slot : LocaleIndex { kEn = 0, kFr = 1, kEs = 2, kRu = 3, kJa = 4, kAr = 5 };
constexpr std::array<const char*, 6> kLocales = {"en_US", "fr_CA", "es_ES", "ru_RU", "ja_JP", "ar_IQ"};

struct Topic {
  const char* en;
  const char* fr;
  const char* es;
  const char* ru;
  const char* ja;
  const char* ar;
};

constexpr std::array<Topic, 12> kTopics = {{
    {"Soil Microbiome Resilience", "la résilience du microbiome des sols", "la resiliencia del microbioma del suelo",
     "устойчивости почвенного микробиома", "土壌マイクロバイオームの回復力", "مرونة ميكروبيوم التربة"},
    {"Urban Heat Islands", "les îlots de chaleur urbains", "las islas de calor urbanas", "городских островов тепла",
     "都市のヒートアイランド", "الجزر الحرارية الحضرية"},
    {"Quantum Dot Photovoltaics", "le photovoltaïque à points quantiques", "la fotovoltaica de puntos cuánticos",
     "фотовольтаики на квантовых точках", "量子ドット太陽電池", "الخلايا الكهروضوئية بالنقاط الكمومية"},
    {"Collective Memory in Narrative", "la mémoire collective dans le récit", "la memoria colectiva en la narrativa",
     "коллективной памяти в повествовании", "物語における集合的記憶", "الذاكرة الجماعية في السرد"},
    {"Machine Translation for Low-Resource Languages", "la traduction automatique des langues peu dotées",
     "la traducción automática de lenguas minoritarias", "машинного перевода малоресурсных языков",
     "低資源言語の機械翻訳", "الترجمة الآلية للغات منخفضة الموارد"},
    {"Ocean Acoustics", "l'acoustique océanique", "la acústica oceánica", "акустики океана", "海洋音響学",
     "الصوتيات البحرية"},
    {"α-Synuclein Aggregation", "l'agrégation de l'α-synucléine", "la agregación de α-sinucleína",
     "агрегации α-синуклеина", "αシヌクレインの凝集", "تجمع ألفا سينوكلين"},
    {"Open Access Economics", "l'économie du libre accès", "la economía del acceso abierto",
     "экономики открытого доступа", "オープンアクセスの経済学", "اقتصاديات الوصول المفتوح"},
    {"Climate Adaptation in Agriculture", "l'adaptation climatique en agriculture",
     "la adaptación climática en la agricultura", "адаптации сельского хозяйства к климату", "農業の気候適応",
     "التكيف المناخي في الزراعة"},
    {"Historical Kuzushiji Recognition", "la reconnaissance des kuzushiji historiques",
     "el reconocimiento de kuzushiji históricos", "распознавания исторических кудзусидзи", "歴史的くずし字の認識",
     "التعرف على نصوص كوزوشيجي التاريخية"},
    {"Zero-Knowledge Voting Protocols", "les protocoles de vote à divulgation nulle",
     "los protocolos de votación de conocimiento cero", "протоколов голосования с нулевым разглашением",
     "ゼロ知識投票プロトコル", "بروتوكولات التصويت بدون معرفة"},
    {"Groundwater Governance", "la gouvernance des eaux souterraines", "la gobernanza de las aguas subterráneas",
     "управления подземными водами", "地下水ガバナンス", "حوكمة المياه الجوفية"},
}};

constexpr std::array<const char*, 10> kPlaces = {"the Sahel", "Québec", "the Andes", "Siberia", "Kyūshū",
                                                 "the Nile Basin", "São Paulo", "Łódź", "Reykjavík", "Zürich"};
constexpr std::array<const char*, 6> kEmoji = {"🌊", "🐋", "🌱", "🔬", "📚", "🛰️"};

struct Person {
  const char* given;
  const char* family;
  const char* native_given;   // in the script of `script`, or nullptr
  const char* native_family;
  Slot script;
};

constexpr std::array<Person, 24> kPeople = {{
    {"José", "García Márquez", nullptr, nullptr, kEs},     {"Zoë", "Lefèvre", nullptr, nullptr, kFr},
    {"Łukasz", "Dvořák", nullptr, nullptr, kEn},           {"Åsa", "Øygard", nullptr, nullptr, kEn},
    {"Ngozi", "Okafor", nullptr, nullptr, kEn},            {"Priya", "Raman", nullptr, nullptr, kEn},
    {"Tomás", "Ó Briain", nullptr, nullptr, kEn},          {"Adébáyọ̀", "Ọlábísí", nullptr, nullptr, kEn},
    {"Anna", "Ivanova", "Анна", "Иванова", kRu},           {"Dmitry", "Petrov", "Дмитрий", "Петров", kRu},
    {"Olga", "Smirnova", "Ольга", "Смирнова", kRu},        {"Sergei", "Kuznetsov", "Сергей", "Кузнецов", kRu},
    {"Misaki", "Tanaka", "美咲", "田中", kJa},             {"Taro", "Sato", "太郎", "佐藤", kJa},
    {"Hanako", "Suzuki", "花子", "鈴木", kJa},             {"Wei", "Zhang", "伟", "张", kJa},
    {"Ahmed", "Hassan", "أحمد", "حسن", kAr},               {"Fatima", "Al-Zahraa", "فاطمة", "الزهراء", kAr},
    {"Layla", "Mansour", "ليلى", "منصور", kAr},            {"Omar", "Khalil", "عمر", "خليل", kAr},
    {"Élodie", "Tremblay", nullptr, nullptr, kFr},         {"Marie-Ève", "Gagnon", nullptr, nullptr, kFr},
    {"Lucía", "Núñez", nullptr, nullptr, kEs},             {"Hannah", "Müller", nullptr, nullptr, kEn},
}};

constexpr std::array<const char*, 10> kAffiliations = {
    "Universidad de Buenos Aires", "Université de Montréal", "Kyoto University", "Lomonosov Moscow State University",
    "University of Lagos", "Universität Zürich", "Cairo University", "Indian Institute of Science",
    "Uniwersytet Łódzki", "University of Iceland"};

constexpr std::array<const char*, 12> kKeywords = {"resilience", "remote sensing", "open access", "FRET",
                                                   "low-resource NLP", "groundwater", "photovoltaics",
                                                   "memory studies", "bioacoustics", "cryptography",
                                                   "climate adaptation", "digital humanities"};

constexpr NaiveTime kEpoch = 1672531200;  // 2023-01-01 00:00:00: generated activity starts here
constexpr NaiveTime kSpan = 2LL * 365 * 86400;  // submissions until 2025-01; activity ends before 2026

std::string fmt(const char* pattern, const char* a, const char* b = "") {
  char buf[512];
  std::snprintf(buf, sizeof buf, pattern, a, b);
  return buf;
}

std::string title_in(Slot slot, const Topic& t, const char* place) {
  switch (slot) {
    case kFr: return fmt("Étude de %s au %s", t.fr, place);
    case kEs: return fmt("Análisis de %s en %s", t.es, place);
    case kRu: return fmt("Исследование %s", t.ru);
    case kJa: return fmt("%sに関する研究", t.ja);
    case kAr: return fmt("دراسة %s", t.ar);
    default: return fmt("%s in %s", t.en, place);
  }
}

std::string abstract_in(Slot slot, const Topic& t, int n) {
  const std::string number = std::to_string(n);
  switch (slot) {
    case kFr: return "<p>Nous examinons " + std::string(t.fr) + " à partir de " + number + " sites d'étude.</p>";
    case kEs: return "<p>Examinamos " + std::string(t.es) + " con datos de " + number + " sitios.</p>";
    case kRu: return "<p>Мы изучаем вопросы " + std::string(t.ru) + " на " + number + " участках.</p>";
    case kJa: return "<p>" + std::string(t.ja) + "について" + number + "地点のデータを分析した。</p>";
    case kAr: return "<p>ندرس " + std::string(t.ar) + " باستخدام بيانات من " + number + " موقعا.</p>";
    default: return "<p>We study " + std::string(t.en) + " using data from " + number + " field sites.</p>";
  }
}

Slot pick_locale(Rng& rng) {
  const int r = rng.below(100);
  return r < 55 ? kEn : r < 65 ? kFr : r < 75 ? kEs : r < 85 ? kRu : r < 93 ? kJa : kAr;
}

void add_person_names(Author& a, const Person& p) {
  a.given_name.set(kEn, p.given);
  a.family_name.set(kEn, p.family);
  if (p.native_given != nullptr) {
    a.given_name.set(p.script, p.native_given);
    a.family_name.set(p.script, p.native_family);
  }
}

std::string ascii_handle(const Person& p, int n) {
  std::string out;
  for (const char* s = p.given; *s != 0; ++s) {
    if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) out += static_cast<char>(*s | 0x20);
  }
  return (out.empty() ? "author" : out) + std::to_string(n);
}

UserGroup group(int id, int role_id, const char* name, const char* abbrev, bool self_reg, bool metadata,
                std::vector<int> stages) {
  UserGroup g;
  g.id = id;
  g.role_id = role_id;
  g.name.set(kEn, name);
  g.abbrev.set(kEn, abbrev);
  g.permit_self_registration = self_reg;
  g.permit_metadata_edit = metadata;
  g.stages = std::move(stages);
  return g;
}

constexpr int kManagerGroup = 2, kSectionEditorGroup = 5, kAuthorGroup = 14, kReviewerGroup = 16;
constexpr int kAdminId = 1, kEditorId = 2, kAuthorId = 3, kFirstReviewerId = 4;

User staff_user(int id, const char* user_name, const char* given, const char* family, std::vector<int> groups,
                const std::string& api_key) {
  User u;
  u.id = id;
  u.user_name = user_name;
  u.email = std::string(user_name) + "@example.org";
  u.given_name.set(kEn, given);
  u.family_name.set(kEn, family);
  u.date_registered = kEpoch - 86400 * 30;
  u.date_validated = u.date_registered;
  u.date_last_login = kEpoch + kSpan;
  u.group_ids = std::move(groups);
  u.api_key = api_key;
  u.api_key_enabled = true;
  return u;
}

void add_review(Submission& s, ReviewRound& round, int& next_ra, int reviewer_id, Rng& rng, NaiveTime start) {
  ReviewAssignment a;
  a.id = next_ra++;
  a.review_round_id = round.id;
  a.reviewer_id = reviewer_id;
  a.round = round.round;
  a.date_assigned = start + rng.below(5 * 86400);
  a.date_notified = a.date_assigned;
  a.date_response_due = (a.date_assigned / 86400 + 7) * 86400;
  a.date_due = (a.date_assigned / 86400 + 28) * 86400;
  const int outcome = rng.below(10);
  if (outcome < 1) {
    a.declined = true;
  } else if (outcome < 6) {
    a.date_confirmed = a.date_assigned + 86400;
    a.date_completed = a.date_assigned + (5 + rng.below(20)) * 86400;
    a.considered = rng.chance(50);
    a.recommendation = 1 + rng.below(6);
  } else if (outcome < 8) {
    a.date_confirmed = a.date_assigned + 86400;
  }
  s.review_assignments.push_back(a);
}

struct IdCounters {
  int publication = 1, author = 1, review_round = 1, review_assignment = 1, decision = 1;
};

Decision make_decision(IdCounters& ids, int type, int stage_id, NaiveTime when, const ReviewRound* round) {
  Decision d;
  d.id = ids.decision++;
  d.decision = type;
  d.stage_id = stage_id;
  d.editor_id = kEditorId;
  d.date_decided = when;
  if (round != nullptr) {
    d.review_round_id = round->id;
    d.round = round->round;
  }
  return d;
}

Submission make_submission(const SeedSpec& spec, OjsVersion version, int id, int total, IdCounters& ids,
                           int reviewers) {
  Rng rng(spec.seed * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(id) * 0xD1B54A32D192ED03ULL);
  Submission s;
  s.id = id;
  const Slot slot = pick_locale(rng);
  s.locale = locale_code_for_version(kLocales[slot], version);
  // Spread over the span in id order; every 8th submission shares the previous one's second.
  const NaiveTime submitted = kEpoch + kSpan * (id - 1) / std::max(1, total) - (id % 8 == 0 ? 0 : rng.below(30));
  s.date_submitted = submitted;
  s.last_modified = submitted;
  NaiveTime activity = submitted;

  const int r = rng.below(100);
  s.stage_id = r < 25 ? stage::kSubmission : r < 60 ? stage::kExternalReview : r < 75 ? stage::kEditing : stage::kProduction;
  const bool incomplete = s.stage_id == stage::kSubmission && rng.chance(6);
  s.submission_progress = incomplete ? 1 : 0;
  if (incomplete) s.date_submitted.reset();

  Publication p;
  p.id = ids.publication++;
  p.submission_id = id;
  const Topic& topic = rng.pick(kTopics);
  const char* place = rng.pick(kPlaces);
  std::string title = title_in(slot, topic, place);
  if (rng.chance(4)) title = std::string(rng.pick(kEmoji)) + " " + title;
  p.title.set(slot, title);
  p.abstract.set(slot, abstract_in(slot, topic, 3 + rng.below(90)));
  if (slot != kEn) {
    p.title.set(kEn, title_in(kEn, topic, place));
    p.abstract.set(kEn, abstract_in(kEn, topic, 3 + rng.below(90)));
  }
  if (rng.chance(15)) p.subtitle.set(kEn, "A Comparative Study");
  if (rng.chance(5)) p.prefix.set(kEn, "The");
  std::vector<std::string> keywords;
  for (int k = 0, n = 2 + rng.below(3); k < n; ++k) keywords.emplace_back(rng.pick(kKeywords));
  p.keywords.set(kEn, std::move(keywords));
  p.section_id = 1 + rng.below(3);
  for (int a = 0, n = 1 + rng.below(4); a < n; ++a) {
    const Person& person = rng.pick(kPeople);
    Author au;
    au.id = ids.author++;
    au.publication_id = p.id;
    au.seq = a;
    au.email = ascii_handle(person, au.id) + "@example.org";
    add_person_names(au, person);
    au.affiliation.set(kEn, rng.pick(kAffiliations));
    if (rng.chance(30)) {
      au.orcid = "https://orcid.org/0000-0002-" + std::to_string(1000 + au.id % 9000) + "-" +
                 std::to_string(1000 + (au.id * 7) % 9000);
    }
    au.user_group_id = kAuthorGroup;
    p.authors.push_back(std::move(au));
  }
  p.primary_contact_id = p.authors.front().id;

  // Workflow history: decisions and review rounds consistent with the stage reached.
  const NaiveTime day = 86400;
  if (s.stage_id >= stage::kExternalReview) {
    activity += (2 + rng.below(10)) * day;
    s.decisions.push_back(make_decision(ids, decision::kExternalReview, stage::kSubmission, activity, nullptr));
    ReviewRound round{ids.review_round++, stage::kExternalReview, 1, round_status::kPendingReviewers};
    if (reviewers > 0) {
      for (int k = 0, n = 1 + rng.below(3); k < n; ++k) {
        add_review(s, round, ids.review_assignment, kFirstReviewerId + rng.below(reviewers), rng, activity);
      }
    }
    activity += (10 + rng.below(40)) * day;
    if (s.stage_id >= stage::kEditing) {
      round.status = round_status::kAccepted;
      s.decisions.push_back(make_decision(ids, decision::kAccept, stage::kExternalReview, activity, &round));
    }
    s.review_rounds.push_back(round);
  }
  if (s.stage_id == stage::kProduction) {
    activity += (5 + rng.below(20)) * day;
    s.decisions.push_back(make_decision(ids, decision::kSendToProduction, stage::kEditing, activity, nullptr));
    const int outcome = rng.below(10);
    if (outcome < 7) {
      p.status = status::kPublished;
      p.issue_id = 1 + rng.below(2);
      activity += (3 + rng.below(10)) * day;
      p.date_published = activity - activity % day;
      p.pages = std::to_string(1 + rng.below(200)) + "-" + std::to_string(201 + rng.below(100));
    } else if (outcome < 8) {
      p.status = status::kScheduled;
      p.issue_id = 3;
    }
  }
  if ((s.stage_id == stage::kSubmission && !incomplete && rng.chance(12)) ||
      (s.stage_id == stage::kExternalReview && rng.chance(15))) {
    activity += (1 + rng.below(5)) * day;
    const bool initial = s.stage_id == stage::kSubmission;
    const ReviewRound* round = initial || s.review_rounds.empty() ? nullptr : &s.review_rounds.back();
    s.decisions.push_back(make_decision(ids, initial ? decision::kInitialDecline : decision::kDecline, s.stage_id,
                                        activity, round));
    if (!initial && !s.review_rounds.empty()) s.review_rounds.back().status = round_status::kDeclined;
    s.status = status::kDeclined;
  }
  s.status = s.status == status::kDeclined ? status::kDeclined : p.status;
  p.last_modified = activity;
  s.last_modified = std::max(s.last_modified, activity - rng.below(2) * day);
  s.date_last_activity = activity;
  s.current_publication_id = p.id;
  s.publications.push_back(std::move(p));
  if (rng.chance(60)) s.stage_assignments.push_back({kEditorId, kSectionEditorGroup, false});
  if (rng.chance(5)) s.stage_assignments.push_back({kAuthorId, kAuthorGroup, false});
  return s;
}

}  // namespace

std::string seeded_api_key(std::uint64_t seed, const std::string& user_name) {
  Rng rng(seed ^ 0xA5A5A5A5A5A5A5A5ULL);
  std::uint64_t h = rng.next();
  for (char c : user_name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  std::string key;
  Rng keys(h);
  static constexpr char kHex[] = "0123456789abcdef";
  while (key.size() < 64) {
    std::uint64_t v = keys.next();
    for (int i = 0; i < 16 && key.size() < 64; ++i, v >>= 4) key += kHex[v & 0xF];
  }
  return key;
}

Database generate_seeded_database(const SeedSpec& spec, OjsVersion version) {
  Database db;
  db.journal.id = 1;
  db.journal.path = spec.journal_path;
  for (const char* code : kLocales) db.journal.locales.push_back(locale_code_for_version(code, version));
  db.journal.name.set(kEn, "Journal of Emulated Research");
  const char* section_titles[] = {"Articles", "Reviews", "Short Communications"};
  const char* section_abbrevs[] = {"ART", "REV", "SC"};
  for (int i = 0; i < 3; ++i) {
    Section s;
    s.id = i + 1;
    s.title.set(kEn, section_titles[i]);
    s.abbrev.set(kEn, section_abbrevs[i]);
    s.abstracts_not_required = i == 1;
    s.seq = i;
    db.journal.sections.push_back(std::move(s));
  }
  const NaiveTime published[] = {kEpoch + 200 * 86400, kEpoch + 600 * 86400};
  for (int i = 0; i < 3; ++i) {
    Issue issue;
    issue.id = i + 1;
    issue.volume = i < 2 ? 1 : 2;
    issue.number = i < 2 ? i + 1 : 1;
    issue.year = 2024 + i;
    issue.published = i < 2;
    if (i < 2) issue.date_published = published[i];
    db.journal.issues.push_back(std::move(issue));
  }
  db.user_groups = {group(1, role::kSiteAdmin, "Site Admin", "admin", false, false, {}),
                    group(kManagerGroup, role::kManager, "Journal manager", "JM", false, true, {1, 3, 4, 5}),
                    group(kSectionEditorGroup, role::kSubEditor, "Section editor", "SecE", false, true, {1, 3, 4, 5}),
                    group(kAuthorGroup, role::kAuthor, "Author", "AU", true, false, {1, 3, 4, 5}),
                    group(kReviewerGroup, role::kReviewer, "Reviewer", "R", true, false, {3})};
  User admin = staff_user(kAdminId, "admin", "admin", "admin", {kManagerGroup, 1},
                          spec.admin_api_key.value_or(seeded_api_key(spec.seed, "admin")));
  admin.site_admin = true;
  db.users.emplace(admin.id, std::move(admin));
  db.users.emplace(kEditorId, staff_user(kEditorId, "editor", "Élodie", "Tremblay", {kSectionEditorGroup},
                                         seeded_api_key(spec.seed, "editor")));
  db.users.emplace(kAuthorId, staff_user(kAuthorId, "author", "Lucía", "Núñez", {kAuthorGroup},
                                         seeded_api_key(spec.seed, "author")));
  for (int i = 0; i < spec.reviewers; ++i) {
    Rng rng(spec.seed * 31 + static_cast<std::uint64_t>(i));
    const Person& person = rng.pick(kPeople);
    User u;
    u.id = kFirstReviewerId + i;
    u.user_name = "reviewer" + std::to_string(i + 1);
    u.email = u.user_name + "@example.org";
    u.given_name.set(kEn, person.given);
    u.family_name.set(kEn, person.family);
    if (person.native_given != nullptr) {
      u.given_name.set(person.script, person.native_given);
      u.family_name.set(person.script, person.native_family);
    }
    u.affiliation.set(kEn, rng.pick(kAffiliations));
    u.date_registered = kEpoch - 86400 * (10 + i % 300);
    u.date_validated = u.date_registered;
    u.date_last_login = kEpoch + kSpan - 86400 * (i % 90);
    u.group_ids = {kReviewerGroup};
    u.interests = {rng.pick(kKeywords)};
    u.api_key = seeded_api_key(spec.seed, u.user_name);  // so that tests can act as a reviewer
    u.api_key_enabled = true;
    db.users.emplace(u.id, std::move(u));
  }
  IdCounters ids;
  for (int id = 1; id <= spec.submissions; ++id) {
    db.submissions.emplace(id, make_submission(spec, version, id, spec.submissions, ids, spec.reviewers));
  }
  db.reindex();
  return db;
}

}  // namespace ojsemu
