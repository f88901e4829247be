// A deterministic simulation of ojsync: the real engine (SyncManager, SQLite store in a file,
// three-way merge, durable job queue) between two simulated sides, under a schedule drawn from
// one seed: edits on both sides, deletions, decisions, events that are duplicated, reordered or
// dropped, injected 5xx/429/timeouts (also after the write took effect), clock skew, and process
// crashes followed by a restart on the same store file. After quiescence it checks the
// invariants of docs/invariants.md and returns every violation found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ojsync::simulation {

// Deliberate defects, to prove the checks can fail (a check that cannot fail proves nothing).
enum class Sabotage : std::uint8_t {
  kNone,
  kDropAbstractOnAgentWrites,  // The agents' side silently drops "abstract" from engine writes.
  kForgetCreates,              // OJS creates never find an earlier attempt (no idempotency).
};

struct SimulationOptions {
  std::uint64_t seed = 1;
  // Forces a poisoned record (otherwise the seed decides).
  bool force_poison = false;
  Sabotage sabotage = Sabotage::kNone;
  // Prints every step, side write and sync outcome to stdout (for replaying one seed).
  bool trace = false;
};

struct SimulationResult {
  std::vector<std::string> violations;  // Empty when every invariant held.
  std::string summary;                  // The seed's parameters and counters, one line.
};

SimulationResult run_simulation(const SimulationOptions& options);

}  // namespace ojsync::simulation
