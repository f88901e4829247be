#!/usr/bin/env bash
# `make demo`: runs the engine end to end on the embedded default.
set -euo pipefail
build_dir=${1:-build}
exec "$build_dir/ojsync" demo --dir "$build_dir/demo"
