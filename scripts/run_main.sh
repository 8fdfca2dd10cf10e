#!/usr/bin/env bash
# The main job on the bundled default config (scenario D0). Until the co-design study lands it
# runs what exists: the labelled dataset, the classical baselines, and the default network
# trained with quantization awareness and scored beside them, written to out/default/.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${1:-configs/default.toml}"
OUT="${2:-out/default}"
mkdir -p "$OUT"
build/bin/pixforge dataset --config "$CONFIG" --out "$OUT/dataset.h5"
build/bin/pixforge baseline --config "$CONFIG" --dataset "$OUT/dataset.h5" --out "$OUT/baseline.h5" | tee "$OUT/baseline.txt"
build/bin/pixforge train --config "$CONFIG" --dataset "$OUT/dataset.h5" --out "$OUT/network.h5" | tee "$OUT/network.txt"
echo "main job: reports in $OUT/ (dataset.h5, baseline.h5/.txt, network.h5/.txt)"
