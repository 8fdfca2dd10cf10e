#!/usr/bin/env bash
# The main job on the bundled default config (scenario D0). Until the optimizer lands it runs
# what exists: the labelled dataset and the classical baselines, written to out/default/.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${1:-configs/default.toml}"
OUT="${2:-out/default}"
mkdir -p "$OUT"
build/bin/pixforge dataset --config "$CONFIG" --out "$OUT/dataset.h5"
build/bin/pixforge baseline --config "$CONFIG" --dataset "$OUT/dataset.h5" --out "$OUT/baseline.h5" | tee "$OUT/baseline.txt"
echo "main job: reports in $OUT/ (dataset.h5, baseline.h5, baseline.txt)"
