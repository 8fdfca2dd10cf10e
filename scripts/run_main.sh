#!/usr/bin/env bash
# The main job on the bundled default config (scenario D0 in a 250 um pixel): the labelled dataset and the
# classical baselines, then the default co-design study, its summary and its plots, in out/default/.
# Running it again resumes the study (nothing finished is recomputed).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${1:-configs/default.toml}"
OUT="${2:-out/default}"
mkdir -p "$OUT"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
build/bin/pixforge dataset --config "$CONFIG" --out "$OUT/dataset.h5"
build/bin/pixforge baseline --config "$CONFIG" --dataset "$OUT/dataset.h5" --out "$OUT/baseline.h5" | tee "$OUT/baseline.txt"
RESUME=()
[ -f "$OUT/study/journal.jsonl" ] && RESUME=(--resume)
build/bin/pixforge optimize --config "$CONFIG" --out "$OUT/study" "${RESUME[@]}" | tee "$OUT/study_summary.txt"
/usr/bin/python3 scripts/plot_report.py "$OUT/study/report.h5" --out "$OUT/study/plots"
echo "main job: $OUT/baseline.txt, $OUT/study_summary.txt, $OUT/study/report.h5, $OUT/study/plots/"
