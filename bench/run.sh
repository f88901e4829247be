#!/usr/bin/env bash
# `make bench`: runs the micro-benchmarks; copy the figures into bench/RESULTS.md with the
# machine they ran on.
set -euo pipefail
build_dir=${1:-build}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$build_dir/bench/ojsync_bench" --benchmark_min_time=1 "${@:2}"
echo "--- webhook-to-applied latency at a fixed event rate (emulator + daemon as processes)"
"$build_dir/bench/ojsync_event_latency" --rate 500 --seconds 10
