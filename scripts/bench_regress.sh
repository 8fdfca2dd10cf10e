#!/usr/bin/env bash
# Regression throughput on 1 process and on 2, 3 and 5 MPI ranks (1, 1, 2 and 4 workers: rank 0
# coordinates), each from an empty output folder on the same suite; prints chain runs per second and
# what stays serial on rank 0 (flushing each result, then merging), per run. On this 2-core machine
# more than two workers only oversubscribe. Usage: scripts/bench_regress.sh [SUITE] [RANKS...]
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-configs/regress/four_scenarios.toml}"
shift || true
ranks=("${@:-1 2 3 5}")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf "%-8s %-8s %8s %8s %10s %14s %14s\n" ranks workers runs wall_s "runs/s" "flush ms/run" "merge ms/run"
for n in ${ranks[@]}; do
  out="$work/np$n"
  if [ "$n" = 1 ]; then
    build/bin/pixforge regress "$suite" -o "$out" > /dev/null 2>&1 || true
  else
    mpirun --allow-run-as-root --oversubscribe --enable-recovery -np "$n" \
      build/bin/pixforge regress "$suite" -o "$out" > /dev/null 2>&1 || true
  fi
  python3 - "$out/results.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
runs = r["runs"] - r["resumed"]
print(f'{sys.argv[2]:<8} {r["workers"]:<8} {runs:>8} {r["wall_s"]:>8.1f} {runs / r["wall_s"]:>10.3f} '
      f'{1e3 * r["coordinator_flush_s"] / runs:>14.2f} {1e3 * r["coordinator_merge_s"] / runs:>14.2f}')
PY
done
