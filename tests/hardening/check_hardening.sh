#!/usr/bin/env bash
# Checks that ELF programs carry the hardening of the top CMakeLists.txt (OJSYNC_HARDENING):
# position-independent (ELF type DYN), full RELRO (a GNU_RELRO segment and BIND_NOW), a
# non-executable stack, the stack protector (__stack_chk_fail imported) and, unless
# --no-fortify is given, FORTIFY_SOURCE (some checked __*_chk function imported).
# Usage: check_hardening.sh [--no-fortify] <elf>...   Exits 1 listing every missing property.
set -euo pipefail

fortify=1
if [[ "${1:-}" == "--no-fortify" ]]; then
  fortify=0
  shift
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 [--no-fortify] <elf>..." >&2
  exit 2
fi

failed=0
for elf in "$@"; do
  missing=()
  header=$(readelf -hW "$elf")
  segments=$(readelf -lW "$elf")
  dynamic=$(readelf -dW "$elf")
  # Undefined dynamic symbols, versions stripped: the functions this program imports.
  imports=$(readelf --dyn-syms -W "$elf" | awk '$7 == "UND" { sub(/@.*/, "", $8); print $8 }')

  grep -Eq '^ *Type: +DYN' <<<"$header" || missing+=("PIE (ELF type is not DYN)")
  grep -Eq '^ *GNU_RELRO ' <<<"$segments" || missing+=("RELRO (no GNU_RELRO segment)")
  grep -Eq '\(BIND_NOW\)|\(FLAGS_1\).*[[:space:]]NOW([[:space:]]|$)' <<<"$dynamic" ||
    missing+=("full RELRO (no BIND_NOW / FLAGS_1 NOW)")
  stack=$(grep -E '^ *GNU_STACK ' <<<"$segments" || true)
  if [[ -z "$stack" ]]; then
    missing+=("non-executable stack (no GNU_STACK segment)")
  elif [[ "$(awk '{ print $7 }' <<<"$stack")" == *E* ]]; then
    missing+=("non-executable stack (GNU_STACK is executable)")
  fi
  grep -qx '__stack_chk_fail' <<<"$imports" || missing+=("stack protector (__stack_chk_fail not imported)")
  if [[ $fortify -eq 1 ]]; then
    grep -Eqx '__[a-z0-9_]+_chk' <<<"$imports" || missing+=("FORTIFY_SOURCE (no __*_chk function imported)")
  fi

  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "ok: $elf"
  else
    failed=1
    for m in "${missing[@]}"; do echo "MISSING in $elf: $m"; done
  fi
done
exit $failed
