#!/usr/bin/env bash
# The pixel block of one trained network on every template, clock-gated, on SKY130 hd (its
# integrated gate) and OSU 0.18 um (a discrete gate, docs/rtl.md), balanced ABC, the config's
# clock, ADC rate and pulse rate.
#   bash scripts/pixel_block_table.sh NETWORK.h5 [CONFIG] [extra pixforge synth arguments]
# Prints one line per design: area, power (clock), flip-flops (gated), latency, slack, windows.
set -euo pipefail
cd "$(dirname "$0")/.."
net=${1:?usage: $0 NETWORK.h5 [CONFIG] [synth arguments]}
config=${2:-configs/default.toml}
shift $(($# >= 2 ? 2 : 1))
run() {  # library, template arguments...
  local lib=$1
  shift
  local json
  json=$(build/bin/pixforge synth -c "$config" -n "$net" "$@" --block pixel \
    --set 'synthesis.strategy="balanced"' --set "synthesis.liberty=\"$lib\"" --json) || true
  python3 - "$lib $*" "$json" <<'PY'
import json, sys
name, text = sys.argv[1], sys.argv[2]
try:
    d = json.loads(text)
except ValueError:
    print(f"{name}: no result"); sys.exit()
if not d.get("ok"):
    print(f"{name}: FAILED at {d.get('failed_stage')}: {d.get('error')}"); sys.exit()
p = d["power_uW"]
print(f"{name}: {d['area_um2']:.0f} um^2, {p['total']:.1f} uW (clock {p['clock']:.1f}), "
      f"{d['flip_flops']} flip-flops ({d['gated_flip_flops']} gated), latency {d['latency_cycles']} cycles, "
      f"slack {d['worst_slack_s'] * 1e9:.2f} ns, {d['power_windows']} windows")
PY
}
for lib in sky130hd osu018; do
  for t in "-t streaming -r 1" "-t serial" "-t folded -r 2" "-t parallel -p 1"; do
    # shellcheck disable=SC2086
    run $lib $t --clock-gating "$@"
  done
done
