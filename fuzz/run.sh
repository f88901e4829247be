#!/usr/bin/env bash
# Runs every fuzz target for a bounded time: fuzz/run.sh <build dir> <seconds per target>.
# `make fuzz` calls it after building the targets (fuzz/README.md).
#
# Each target starts from its corpus fuzz/corpus/<target>/, which it only reads: inputs it finds
# go to a scratch directory under the build dir. With FUZZ_MERGE=1 the scratch inputs that add
# coverage are merged into the corpus afterwards (review and commit them). A crash, a sanitizer
# report, a timeout or running out of memory fails the script, which prints the saved input.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:?usage: fuzz/run.sh <build dir> <seconds per target>}
seconds=${2:?usage: fuzz/run.sh <build dir> <seconds per target>}

# target:max_len (bytes). The longest seeds are captured OJS list pages (~25 KB).
targets=(webhook_event:4096 canonical_json:16384 config:8192 ojs_response:32768)

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for entry in "${targets[@]}"; do
  target=${entry%%:*}
  max_len=${entry##*:}
  binary="$build_dir/fuzz/fuzz_$target"
  scratch="$build_dir/fuzz-scratch/$target"
  artifacts="$build_dir/fuzz-artifacts/$target"
  mkdir -p "$scratch" "$artifacts"
  echo "fuzz: $target for ${seconds}s (new inputs in $scratch)"
  if ! "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$max_len" \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$scratch" "fuzz/corpus/$target" \
      >"$build_dir/fuzz-$target.log" 2>&1; then
    tail -n 60 "$build_dir/fuzz-$target.log"
    echo "fuzz: $target FAILED; the input is saved as:"
    ls -1t "$artifacts"/* 2>/dev/null | head -n 3 | sed 's/^/  /'
    echo "  (reproduce: $binary <input>; keep it: fuzz/README.md, 'Adding a regression')"
    failed+=("$target")
    continue
  fi
  grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|^#[0-9]+[[:space:]]+DONE' \
    "$build_dir/fuzz-$target.log" | sed 's/^/  /' || true
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$binary" -merge=1 -max_len="$max_len" "fuzz/corpus/$target" "$scratch" \
      >"$build_dir/fuzz-$target-merge.log" 2>&1
    echo "  merged into fuzz/corpus/$target: $(tail -n 1 "$build_dir/fuzz-$target-merge.log")"
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: findings in ${failed[*]}"
  exit 1
fi
echo "fuzz: every target ran ${seconds}s without a finding"
