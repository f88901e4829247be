// Engine hot paths: canonical hashing and the three-way merge of ~2 KB manuscripts.
#include <benchmark/benchmark.h>

#include "bench_documents.h"
#include "engine/strategy_decider.h"
#include "engine/three_way_merge.h"
#include "ojsync/canonical.h"
#include "ojsync/options.h"

namespace ojsync::bench {
namespace {

void BM_CanonicalHash(benchmark::State& state) {
  const Json doc = manuscript_document(1);
  const std::size_t bytes = canonical_json(doc).size();
  for (auto _ : state) benchmark::DoNotOptimize(content_hash(doc));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["doc_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_CanonicalHash);

void BM_JsonParse(benchmark::State& state) {
  const std::string text = manuscript_document(1).dump();
  for (auto _ : state) benchmark::DoNotOptimize(Json::parse(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_JsonParse);

// Both sides changed: OJS the English title and an author's name, agents the keywords and a
// French title, and both the status (a real conflict decided by latest_wins).
void BM_ThreeWayMerge(benchmark::State& state) {
  const Json base = manuscript_document(1);
  Json ojs = base, agents = base;
  ojs["title"]["en"] = "A new English title";
  ojs["authors"].as_array()[0]["givenName"]["en"] = "Anne";
  ojs["status"] = 3;
  agents["keywords"].as_array().emplace_back("new keyword");
  agents["title"]["fr_CA"] = "Un nouveau titre";
  agents["status"] = 4;
  const SyncOptions options;
  const EntityTypeConfig& type = *options.entity_types.find("manuscript");
  const ResolverRegistry resolvers = ResolverRegistry::with_builtins();
  const EntityKey key{"manuscript", "1"};
  const Timestamp t0{std::chrono::seconds(1'800'000'000)};
  StrategyDecider decider(options, type, resolvers, key, t0, t0 + std::chrono::seconds(30));
  for (auto _ : state) {
    MergeOutcome m = three_way_merge(type, decider, &base, &ojs, &agents);
    benchmark::DoNotOptimize(m.merged);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["doc_bytes"] = static_cast<double>(base.dump().size());
}
BENCHMARK(BM_ThreeWayMerge);

// A full sync decision as the engine makes it: merge, hash the result, compute the new base.
void BM_MergeHashAndBase(benchmark::State& state) {
  const Json base = manuscript_document(2);
  Json ojs = base, agents = base;
  ojs["title"]["en"] = "Changed in OJS";
  agents["abstract"]["fr_CA"] = "Changé par un agent";
  const SyncOptions options;
  const EntityTypeConfig& type = *options.entity_types.find("manuscript");
  const ResolverRegistry resolvers = ResolverRegistry::with_builtins();
  const EntityKey key{"manuscript", "2"};
  const Timestamp t0{std::chrono::seconds(1'800'000'000)};
  StrategyDecider decider(options, type, resolvers, key, t0, t0);
  for (auto _ : state) {
    MergeOutcome m = three_way_merge(type, decider, &base, &ojs, &agents);
    benchmark::DoNotOptimize(content_hash(*m.merged, type.canonical_options()));
    benchmark::DoNotOptimize(agreed_base(&*m.merged, &*m.merged, &base));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MergeHashAndBase);

}  // namespace
}  // namespace ojsync::bench
