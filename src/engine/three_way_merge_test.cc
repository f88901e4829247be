#include "engine/three_way_merge.h"

#include <gtest/gtest.h>

#include "engine/strategy_decider.h"

namespace ojsync {
namespace {

Json J(std::string_view text) {
  auto r = Json::parse(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? std::move(r).value() : Json();
}

// Decides every leaf conflict the same way, recording what it was asked.
class FixedDecider final : public ConflictDecider {
 public:
  explicit FixedDecider(Resolution::Kind kind) : kind_(kind) {}
  Resolution decide(const LeafConflict& c, std::string& name) const override {
    name = "fixed";
    asked.emplace_back(c.path);
    policy_paths.emplace_back(c.policy_path);
    return {kind_, Json(), "fixed"};
  }
  mutable std::vector<std::string> asked;
  mutable std::vector<std::string> policy_paths;

 private:
  Resolution::Kind kind_;
};

class MergeTest : public ::testing::Test {
 protected:
  MergeTest() { type_.array_keys = {{"authors", "id"}}; }
  MergeOutcome merge(const ConflictDecider& d, const char* b, const char* o, const char* a) {
    std::optional<Json> base = b ? std::optional<Json>(J(b)) : std::nullopt;
    std::optional<Json> ojs = o ? std::optional<Json>(J(o)) : std::nullopt;
    std::optional<Json> agents = a ? std::optional<Json>(J(a)) : std::nullopt;
    return three_way_merge(type_, d, base ? &*base : nullptr, ojs ? &*ojs : nullptr,
                           agents ? &*agents : nullptr);
  }
  EntityTypeConfig type_;
  FixedDecider manual_{Resolution::Kind::kManual};
  FixedDecider ojs_wins_{Resolution::Kind::kTakeOjs};
  FixedDecider agents_wins_{Resolution::Kind::kTakeAgents};
};

TEST_F(MergeTest, OneSideChangedPropagates) {
  auto m = merge(manual_, R"({"t":"a","s":1})", R"({"t":"b","s":1})", R"({"t":"a","s":1})");
  ASSERT_TRUE(m.merged);
  EXPECT_EQ(*m.merged, J(R"({"t":"b","s":1})"));
  EXPECT_TRUE(m.unresolved.empty());
  EXPECT_TRUE(manual_.asked.empty());
}

TEST_F(MergeTest, DifferentFieldsMergeWithoutConflict) {
  auto m = merge(manual_, R"({"t":"a","s":1,"k":[]})", R"({"t":"b","s":1,"k":[]})",
                 R"({"t":"a","s":2,"k":["x"]})");
  EXPECT_EQ(*m.merged, J(R"({"t":"b","s":2,"k":["x"]})"));
  EXPECT_TRUE(m.unresolved.empty());
}

TEST_F(MergeTest, SameChangeOnBothSidesIsNoConflict) {
  auto m = merge(manual_, R"({"t":"a"})", R"({"t":"b"})", R"({"t":"b"})");
  EXPECT_EQ(*m.merged, J(R"({"t":"b"})"));
  EXPECT_TRUE(manual_.asked.empty());
}

TEST_F(MergeTest, SameFieldBothChangedGoesToDecider) {
  auto m = merge(manual_, R"({"t":"a","s":1})", R"({"t":"b","s":1})", R"({"t":"c","s":2})");
  ASSERT_EQ(m.unresolved.size(), 1u);
  EXPECT_EQ(m.unresolved[0].path, "t");
  EXPECT_EQ(*m.unresolved[0].ojs, Json("b"));
  EXPECT_EQ(*m.unresolved[0].agents, Json("c"));
  EXPECT_EQ(*m.unresolved[0].base, Json("a"));
  EXPECT_EQ(m.unresolved_by, "fixed");

  auto w = merge(agents_wins_, R"({"t":"a","s":1})", R"({"t":"b","s":1})", R"({"t":"c","s":2})");
  EXPECT_EQ(*w.merged, J(R"({"t":"c","s":2})"));
  ASSERT_EQ(w.decided.size(), 1u);
  EXPECT_EQ(w.decided[0].field.path, "t");
}

TEST_F(MergeTest, MultilingualFieldsMergeByLocale) {
  auto m = merge(manual_, R"({"title":{"en":"Soil","fr_CA":"Sol"}})",
                 R"({"title":{"en":"Soils","fr_CA":"Sol"}})",
                 R"({"title":{"en":"Soil","fr_CA":"Sols","ja":"土"}})");
  EXPECT_TRUE(m.unresolved.empty());
  EXPECT_EQ(*m.merged, J(R"({"title":{"en":"Soils","fr_CA":"Sols","ja":"土"}})"));
}

TEST_F(MergeTest, SameLocaleConflictHasFullPath) {
  auto m = merge(ojs_wins_, R"({"title":{"en":"Soil","fr_CA":"Sol"}})",
                 R"({"title":{"en":"A","fr_CA":"Sol"}})", R"({"title":{"en":"B","fr_CA":"Sol2"}})");
  EXPECT_EQ(ojs_wins_.asked, std::vector<std::string>{"title.en"});
  EXPECT_EQ(*m.merged, J(R"({"title":{"en":"A","fr_CA":"Sol2"}})"));
}

TEST_F(MergeTest, AuthorsMergeByIdNotAsBlob) {
  // OJS edits author 1's name; agents add author 3 and change author 2's email.
  auto m = merge(manual_,
                 R"({"authors":[{"id":1,"name":"Ann"},{"id":2,"email":"b@x"}]})",
                 R"({"authors":[{"id":1,"name":"Anne"},{"id":2,"email":"b@x"}]})",
                 R"({"authors":[{"id":1,"name":"Ann"},{"id":2,"email":"bob@x"},{"id":3,"name":"Cy"}]})");
  EXPECT_TRUE(m.unresolved.empty());
  EXPECT_EQ(*m.merged,
            J(R"({"authors":[{"id":1,"name":"Anne"},{"id":2,"email":"bob@x"},{"id":3,"name":"Cy"}]})"));
}

TEST_F(MergeTest, AuthorRemovedOnOneSideIsRemoved) {
  auto m = merge(manual_, R"({"authors":[{"id":1},{"id":2}]})", R"({"authors":[{"id":1}]})",
                 R"({"authors":[{"id":1},{"id":2}],"x":1})");
  EXPECT_EQ(*m.merged, J(R"({"authors":[{"id":1}],"x":1})"));
}

TEST_F(MergeTest, AuthorRemovedVersusEditedIsAConflictOnTheElement) {
  auto m = merge(manual_, R"({"authors":[{"id":1},{"id":2,"n":"a"}]})", R"({"authors":[{"id":1}]})",
                 R"({"authors":[{"id":1},{"id":2,"n":"b"}]})");
  ASSERT_EQ(m.unresolved.size(), 1u);
  EXPECT_EQ(m.unresolved[0].path, "authors[2]");
  EXPECT_FALSE(m.unresolved[0].ojs.has_value());
  EXPECT_EQ(manual_.policy_paths, std::vector<std::string>{"authors"});
}

TEST_F(MergeTest, AuthorFieldConflictHasKeyedPathAndPolicyPath) {
  merge(manual_, R"({"authors":[{"id":7,"email":"a"}]})", R"({"authors":[{"id":7,"email":"b"}]})",
        R"({"authors":[{"id":7,"email":"c"}]})");
  EXPECT_EQ(manual_.asked, std::vector<std::string>{"authors[7].email"});
  EXPECT_EQ(manual_.policy_paths, std::vector<std::string>{"authors.email"});
}

TEST_F(MergeTest, ReorderOnOneSideIsKept) {
  auto m = merge(manual_, R"({"authors":[{"id":1},{"id":2}]})", R"({"authors":[{"id":2},{"id":1}]})",
                 R"({"authors":[{"id":1},{"id":2,"n":1}]})");
  EXPECT_EQ(*m.merged, J(R"({"authors":[{"id":2,"n":1},{"id":1}]})"));
}

TEST_F(MergeTest, UnkeyedArraysAreOneValue) {
  auto m = merge(manual_, R"({"k":["a"]})", R"({"k":["a","b"]})", R"({"k":["a","c"]})");
  ASSERT_EQ(m.unresolved.size(), 1u);
  EXPECT_EQ(m.unresolved[0].path, "k");
}

TEST_F(MergeTest, DeleteOnOneSidePropagates) {
  auto m = merge(manual_, R"({"t":"a"})", nullptr, R"({"t":"a"})");
  EXPECT_FALSE(m.merged.has_value());
  EXPECT_TRUE(m.unresolved.empty());
}

TEST_F(MergeTest, DeleteVersusEditIsADocumentConflict) {
  auto m = merge(manual_, R"({"t":"a"})", nullptr, R"({"t":"b"})");
  ASSERT_EQ(m.unresolved.size(), 1u);
  EXPECT_EQ(m.unresolved[0].path, "");
  auto keep = merge(agents_wins_, R"({"t":"a"})", nullptr, R"({"t":"b"})");
  EXPECT_EQ(*keep.merged, J(R"({"t":"b"})"));
}

TEST_F(MergeTest, CreatedOnBothSidesMergesAgainstEmptyBase) {
  auto m = merge(manual_, nullptr, R"({"t":"a","x":1})", R"({"t":"a","y":2})");
  EXPECT_EQ(*m.merged, J(R"({"t":"a","x":1,"y":2})"));
}

TEST_F(MergeTest, FieldDeletedOnOneSideIsDeleted) {
  auto m = merge(manual_, R"({"t":"a","s":"x"})", R"({"t":"a"})", R"({"t":"b","s":"x"})");
  EXPECT_EQ(*m.merged, J(R"({"t":"b"})"));
}

TEST(AgreedBaseTest, KeepsOldBaseWhereSidesDisagree) {
  Json o = J(R"({"a":1,"b":2,"t":{"en":"x","fr":"y"}})");
  Json g = J(R"({"a":1,"b":3,"t":{"en":"x","fr":"z"}})");
  Json b = J(R"({"a":0,"b":1,"t":{"en":"w","fr":"v"}})");
  EXPECT_EQ(*agreed_base(&o, &g, &b), J(R"({"a":1,"b":1,"t":{"en":"x","fr":"v"}})"));
  EXPECT_EQ(*agreed_base(&o, &o, &b), o);
  EXPECT_FALSE(agreed_base(nullptr, nullptr, &b).has_value());
}

// The real strategies, through StrategyDecider.
class StrategyTest : public ::testing::Test {
 protected:
  MergeOutcome run(const SyncOptions& options, const EntityTypeConfig& type, const char* b,
                   const char* o, const char* a, Timestamp to, Timestamp ta) {
    Json base = J(b), ojs = J(o), agents = J(a);
    StrategyDecider decider(options, type, resolvers_, key_, to, ta);
    return three_way_merge(type, decider, &base, &ojs, &agents);
  }
  ResolverRegistry resolvers_ = ResolverRegistry::with_builtins();
  EntityKey key_{"manuscript", "1"};
  Timestamp t0_{std::chrono::seconds(1000)};
};

TEST_F(StrategyTest, LatestWinsByModificationTime) {
  SyncOptions options;
  EntityTypeConfig type;
  auto m = run(options, type, R"({"t":"a"})", R"({"t":"o"})", R"({"t":"g"})", t0_,
               t0_ + std::chrono::seconds(10));
  EXPECT_EQ(*m.merged, J(R"({"t":"g"})"));
  m = run(options, type, R"({"t":"a"})", R"({"t":"o"})", R"({"t":"g"})", t0_ + std::chrono::seconds(10), t0_);
  EXPECT_EQ(*m.merged, J(R"({"t":"o"})"));
}

TEST_F(StrategyTest, LatestWinsTieWithinSkewGoesToConfiguredSide) {
  SyncOptions options;
  options.clock_skew_tolerance = std::chrono::seconds(5);
  EntityTypeConfig type;
  options.tie_winner = Side::kAgents;
  auto m = run(options, type, R"({"t":"a"})", R"({"t":"o"})", R"({"t":"g"})",
               t0_ + std::chrono::seconds(4), t0_);
  EXPECT_EQ(*m.merged, J(R"({"t":"g"})"));
  options.tie_winner = Side::kOjs;
  m = run(options, type, R"({"t":"a"})", R"({"t":"o"})", R"({"t":"g"})", t0_, t0_ + std::chrono::seconds(5));
  EXPECT_EQ(*m.merged, J(R"({"t":"o"})"));
  m = run(options, type, R"({"t":"a"})", R"({"t":"o"})", R"({"t":"g"})", t0_, t0_ + std::chrono::seconds(6));
  EXPECT_EQ(*m.merged, J(R"({"t":"g"})"));
}

TEST_F(StrategyTest, MergeUsesFieldPoliciesThenFallback) {
  SyncOptions options;
  options.conflict_resolution = "merge";
  options.merge_fallback = "manual";
  EntityTypeConfig type;
  type.field_policies = {{"keywords", "union"}, {"title", "ojs"}, {"agent_analysis", "agents"}};
  auto m = run(options, type,
               R"({"keywords":["a","b"],"title":"T","agent_analysis":"x","abstract":"A"})",
               R"({"keywords":["a","c"],"title":"T-ojs","agent_analysis":"y","abstract":"A1"})",
               R"({"keywords":["b","d"],"title":"T-ag","agent_analysis":"z","abstract":"A2"})", t0_, t0_);
  ASSERT_EQ(m.unresolved.size(), 1u);
  EXPECT_EQ(m.unresolved[0].path, "abstract");
  EXPECT_EQ(m.unresolved_by, "manual");
  EXPECT_EQ(m.merged->as_object().at("keywords"), J(R"(["c","d"])"));
  EXPECT_EQ(m.merged->as_object().at("title"), Json("T-ojs"));
  EXPECT_EQ(m.merged->as_object().at("agent_analysis"), Json("z"));
}

TEST_F(StrategyTest, PolicyOnParentAppliesToLocales) {
  SyncOptions options;
  options.conflict_resolution = "merge";
  EntityTypeConfig type;
  type.field_policies = {{"title", "agents"}};
  auto m = run(options, type, R"({"title":{"en":"a"}})", R"({"title":{"en":"o"}})",
               R"({"title":{"en":"g"}})", t0_ + std::chrono::hours(1), t0_);
  EXPECT_EQ(*m.merged, J(R"({"title":{"en":"g"}})"));
}

TEST_F(StrategyTest, ManualLeavesEveryConflict) {
  SyncOptions options;
  options.conflict_resolution = "manual";
  EntityTypeConfig type;
  auto m = run(options, type, R"({"a":1,"b":1})", R"({"a":2,"b":2})", R"({"a":3,"b":3})", t0_, t0_);
  EXPECT_EQ(m.unresolved.size(), 2u);
}

class AlwaysAgents final : public ConflictResolver {
 public:
  Resolution resolve(const ConflictContext& c) const override {
    return Resolution::take(Side::kAgents, "custom for " + std::string(c.path));
  }
};

TEST_F(StrategyTest, CustomResolverRegisteredByName) {
  ASSERT_TRUE(resolvers_.add("always_agents", std::make_shared<AlwaysAgents>()).ok());
  SyncOptions options;
  options.conflict_resolution = "always_agents";
  EXPECT_TRUE(validate_strategy(options, resolvers_).ok());
  EntityTypeConfig type;
  auto m = run(options, type, R"({"a":1})", R"({"a":2})", R"({"a":3})", t0_ + std::chrono::hours(1), t0_);
  EXPECT_EQ(*m.merged, J(R"({"a":3})"));
  ASSERT_EQ(m.decided.size(), 1u);
  EXPECT_EQ(m.decided[0].reason, "custom for a");
  options.conflict_resolution = "nope";
  EXPECT_EQ(validate_strategy(options, resolvers_).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(resolvers_.add("merge", std::make_shared<AlwaysAgents>()).ok());
}

TEST_F(StrategyTest, UnionKeepsAdditionsAndRemovals) {
  SyncOptions options;
  options.conflict_resolution = "union";
  EntityTypeConfig type;
  auto m = run(options, type, R"({"k":["a","b","c"]})", R"({"k":["a","c","x"]})",
               R"({"k":["b","c","y","a"]})", t0_, t0_);
  // b removed by OJS, a kept by both, x and y added.
  EXPECT_EQ(*m.merged, J(R"({"k":["a","c","x","y"]})"));
  auto scalar = run(options, type, R"({"k":"a"})", R"({"k":"b"})", R"({"k":"c"})", t0_, t0_);
  EXPECT_EQ(scalar.unresolved.size(), 1u);  // Union of strings makes no sense: manual.
}

}  // namespace
}  // namespace ojsync
