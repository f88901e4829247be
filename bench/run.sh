#!/usr/bin/env bash
# `make bench`: runs the micro-benchmarks, then the initial sync of 100,000 submissions from the
# ojs-emulator (bench/initial_sync_bench.cc), then the HTTP ceiling of this machine
# (bench/http_limit_bench.cc); copy the figures into bench/RESULTS.md with the machine they ran
# on. Not part of `make test`.
#   bench/run.sh [build-dir] [google-benchmark flags...]
set -euo pipefail
build_dir=${1:-build}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$build_dir/bench/ojsync_bench" --benchmark_min_time=1 "${@:2}"
echo "--- webhook-to-applied latency at a fixed event rate (emulator + daemon as processes)"
"$build_dir/bench/ojsync_event_latency" --rate 500 --seconds 10
echo "--- initial sync from the emulator (OJS 3.4) into the embedded store, against the floor"
"$build_dir/bench/ojsync_initial_sync_bench" --emulator "$build_dir/emulator/ojs-emulator" \
  --submissions "${OJSYNC_BENCH_SUBMISSIONS:-100000}" --rounds "${OJSYNC_BENCH_ROUNDS:-3}"
echo "--- HTTP exchanges per second with ojsync's transport against a server that does no work"
"$build_dir/bench/ojsync_http_limit_bench"
"$build_dir/bench/ojsync_http_limit_bench" --parse
