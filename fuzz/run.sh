#!/usr/bin/env bash
# Runs every fuzz target for FUZZ_SECONDS each (nightly + cargo-fuzz), starting from the
# committed corpus; prints the executions per target and exits non-zero on any crash. A crash
# input lands in fuzz/artifacts/<target>/: copy it into fuzz/corpus/<target>/ with the fix so
# the corpus test in `make test` keeps it fixed. FUZZ_TARGETS="classify headers" runs a subset.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"
work="${FUZZ_WORK:-$PWD/../build/fuzz}"
all_targets=(notification classify headers timestamp emulator doctor orders_csv journal binding_input)
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "fuzz: no target named $target (targets: ${all_targets[*]})" >&2; exit 2; }
done
mkdir -p "$work"
summary=()
status=0
cargo +nightly fuzz build
for target in "${targets[@]}"; do
  corpus="$work/corpus-$target"
  mkdir -p "$corpus"
  log="$work/$target.log"
  if cargo +nightly fuzz run "$target" "$corpus" "$PWD/corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    result=ok
  else
    result=CRASH
    status=1
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  summary+=("$(printf '%-13s %-6s %12s executions in %ss' "$target" "$result" "$runs" "$seconds")")
  [ "$result" = ok ] || tail -30 "$log"
done
printf '%s\n' "fuzz summary (logs in $work):" "${summary[@]}"
exit "$status"
