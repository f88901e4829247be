#!/usr/bin/env bash
# `make demo`: starts ojs-emulator (an OJS journal with generated submissions) on a free port,
# then runs `ojsync demo` against it with the embedded store: a full sync from OJS, an edit on
# each side, a conflicting edit, statistics. The emulator is stopped at the end, also when a
# step fails; any failed step makes the script exit non-zero.
#   scripts/demo.sh [build-dir] [ojs-version]
set -euo pipefail
build_dir=${1:-build}
ojs_version=${2:-3.3}
demo_dir="$build_dir/demo"

rm -rf "$demo_dir"
mkdir -p "$demo_dir"
chmod 700 "$demo_dir"

emulator_pid=""
stop_emulator() {
  if [[ -n "$emulator_pid" ]]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
}
trap stop_emulator EXIT

# Throwaway secrets for this run only.
secret=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
admin_key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

"$build_dir/emulator/ojs-emulator" --port 0 --ojs-version "$ojs_version" --seed 42 \
  --submissions 40 --reviewers 5 --api-key-secret "$secret" --admin-api-key "$admin_key" \
  >"$demo_dir/emulator.out" 2>"$demo_dir/emulator.log" &
emulator_pid=$!

# The emulator prints "listening on 127.0.0.1:<port>" once bound (port 0 = a free one).
port=""
for _ in $(seq 300); do
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$demo_dir/emulator.out")
  [[ -n "$port" ]] && break
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "demo: ojs-emulator exited early:" >&2
    cat "$demo_dir/emulator.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "demo: ojs-emulator did not start within 30 s" >&2
  exit 1
fi
ojs_url="http://127.0.0.1:$port"

# The journal manager's API token, as OJS shows it under User Profile > API Key.
(umask 077 && python3 - "$ojs_url" >"$demo_dir/ojs-token" <<'EOF'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/__emulator/token?user=admin", timeout=10) as r:
    print(json.load(r)["token"])
EOF
)

"$build_dir/ojsync" demo --dir "$demo_dir/state" --ojs-url "$ojs_url" --journal testj \
  --token-file "$demo_dir/ojs-token" --ojs-version "$ojs_version"
