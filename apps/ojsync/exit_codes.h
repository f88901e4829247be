// The exit codes of every ojsync command (also listed in `ojsync --help` and docs/operations.md):
//   0  done (a sync applied or found nothing to do; a listing; a healthy check)
//   1  failed (the operation ran and failed: a connector or store error)
//   2  usage (bad arguments or configuration)
//   3  not found (entity, conflict or job)
//   4  conflict (the sync stopped at a recorded conflict, or the state refused the request:
//      a conflict already resolved, a job not dead-lettered)
//   5  partial (a batch where some ids failed; health degraded)
//   6  unavailable (store busy, OJS or the daemon unreachable, health unhealthy)
#pragma once

#include "ojsync/status.h"

namespace ojsync::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,
  kExitUsage = 2,
  kExitNotFound = 3,
  kExitConflict = 4,
  kExitPartial = 5,
  kExitUnavailable = 6,
};

// The one mapping from an error's code to the exit code.
ExitCode exit_code_for(StatusCode code);

}  // namespace ojsync::cli
