#!/usr/bin/python3
"""Plot of a strategy comparison (OUT/comparison.json of pixforge compare-strategies).

Usage: /usr/bin/python3 scripts/plot_strategies.py OUT/comparison.json [--out DIR]

Writes strategies.png/.pdf in DIR (default: beside the JSON): per strategy, the final hypervolume of
each seed (points) and their median (bar), and the spec violations of each run's answer.
Needs only Debian's python3-matplotlib (use /usr/bin/python3).
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("comparison")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    try:
        with open(args.comparison) as f:
            data = json.load(f)
        table, runs = data["table"], data["runs"]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"plot_strategies: {args.comparison}: not a pixforge compare-strategies result ({e})")
    out = args.out or os.path.dirname(os.path.abspath(args.comparison))
    os.makedirs(out, exist_ok=True)
    names = [row["strategy"] for row in table]
    fig, (hv_axis, violation_axis) = plt.subplots(1, 2, figsize=(10, 4))
    for i, name in enumerate(names):
        mine = [r for r in runs if r["strategy"] == name]
        hv_axis.bar(i, table[i]["hypervolume_median"] or 0, color="C0", alpha=0.4)
        hv_axis.scatter([i] * len(mine), [r["hypervolume"] for r in mine], color="C0", zorder=3)
        violation_axis.bar(i, table[i]["violations_median"] or 0, color="C3", alpha=0.4)
        violation_axis.scatter([i] * len(mine), [r["violations"] for r in mine], color="C3", zorder=3)
    for axis, label in ((hv_axis, "final hypervolume (real objectives)"), (violation_axis, "spec violations in the answer")):
        axis.set_xticks(range(len(names)))
        axis.set_xticklabels(names, rotation=20)
        axis.set_ylabel(label)
    fig.suptitle(f"{data['budget']} trials per study, seeds {data['seeds']}: {os.path.basename(data['config'])}")
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(out, f"strategies.{ext}"), dpi=130, bbox_inches="tight")
    print(f"wrote {os.path.join(out, 'strategies')}.png/.pdf")


if __name__ == "__main__":
    main()
