#!/usr/bin/python3
"""Plots of a co-design study report (STUDY/report.h5, schema pixforge.codesign_report).

Usage: /usr/bin/python3 scripts/plot_report.py STUDY/report.h5 [--out DIR]

Writes, as PNG and PDF in DIR (default: beside the report):
  pareto_matrix   every pair of objectives; all feasible trials, the Pareto set highlighted,
                  infeasible ones faded, the classical baseline's energy FWHM and latency as lines
  hypervolume     hypervolume of the feasible set against completed trials
  spectra         measured energy spectra of the Pareto designs (full-chain simulation)
  rate_sweep      mean FWHM and output rate against input rate: the most accurate feasible
                  design and the classical optimal filter (when the study ran the sweep)
A FWHM that was not fitted (null in JSON, NaN in HDF5) is drawn as such, never as 0: a cross
labelled "not fitted" at the top of the resolution axis; a trial whose FWHM objective holds the
100 % penalty for an unfitted line (trials/energy_fwhm_fitted = 0) is a hollow marker.
Needs only Debian's python3-h5py and python3-matplotlib (use /usr/bin/python3).
"""
import argparse
import json
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def save(fig, out, name):
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(out, f"{name}.{ext}"), dpi=130, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {os.path.join(out, name)}.png/.pdf")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    out = args.out or os.path.dirname(os.path.abspath(args.report))
    os.makedirs(out, exist_ok=True)
    with h5py.File(args.report, "r") as f:
        if f.attrs.get("schema") != "pixforge.codesign_report":
            sys.exit(f"{args.report}: not a pixforge co-design report")
        setup = json.loads(f.attrs["setup"])
        names = setup["objectives"]
        t = f["trials"]
        feasible = t["feasible"][:].astype(bool)
        ok = t["ok"][:].astype(bool)
        ids = t["id"][:]
        fitted = t["energy_fwhm_fitted"][:].astype(bool) if "energy_fwhm_fitted" in t else np.ones(len(ids), bool)
        obj = np.stack([t["objective_" + n][:] for n in names], axis=1)
        pareto_ids = set(f["pareto/id"][:].tolist())
        on_front = np.array([i in pareto_ids for i in ids])
        hv = f["hypervolume"][:]
        baseline = json.loads(f["baseline"].attrs["json"]) if "baseline" in f else {}
        sweeps = []
        if "rate_sweep" in f:
            for key in sorted(f["rate_sweep"].keys(), key=int):
                g = f["rate_sweep"][key]
                sweeps.append((g.attrs["name"], g["input_rate"][:], g["output_rate"][:], g["mean_fwhm"][:]))
        classical = np.empty((0, len(names)))  # the classical hardware front, when the study made one
        classical_feasible = np.zeros(0, dtype=bool)
        if "classical" in f and len(f["classical/id"]) > 0:
            cg = f["classical"]
            cok = cg["ok"][:].astype(bool)
            classical = np.stack([cg["objective_" + n][:] for n in names], axis=1)[cok]
            classical_feasible = cg["feasible"][:].astype(bool)[cok]
        spectra = {}
        for pid in sorted(pareto_ids):
            g = f[f"pareto/{pid}"]
            if "energy_counts" in g:
                spectra[pid] = (g["energy_edges"][:], g["energy_counts"][:], g.attrs["design"])

    units = {"energy_fwhm_eV": "eV", "area_um2": "um^2", "power_uW": "uW", "pixel_power_uW": "uW", "latency_ns": "ns"}
    base = {}
    base_unfitted = []  # baseline figures that were not fitted: named in the title, not drawn
    if baseline.get("lines"):
        # The chain summary's mean over lines (null when a line was not fitted), never recomputed here.
        if baseline.get("energy_fwhm_mean_eV") is None:
            base_unfitted.append("energy_fwhm_eV")
        else:
            base["energy_fwhm_eV"] = float(baseline["energy_fwhm_mean_eV"])
        base["latency_ns"] = baseline["latency_mean_s"] * 1e9

    n = len(names)
    fig, axes = plt.subplots(n, n, figsize=(3.0 * n, 3.0 * n))
    for r in range(n):
        for c in range(n):
            ax = axes[r, c]
            if r == c:
                ax.hist(obj[ok, r], bins=15, color="0.7")
                ax.set_xlabel(f"{names[r]} [{units.get(names[r], '')}]")
                continue
            ax.scatter(obj[ok & ~feasible, c], obj[ok & ~feasible, r], s=10, c="0.8", label="infeasible")
            ax.scatter(obj[feasible & ~on_front, c], obj[feasible & ~on_front, r], s=14, c="tab:blue", label="feasible")
            ax.scatter(obj[on_front, c], obj[on_front, r], s=30, c="tab:red", label="Pareto")
            if len(classical):
                ax.scatter(classical[classical_feasible, c], classical[classical_feasible, r], s=40, marker="s",
                           c="tab:green", label="classical hardware")
                ax.scatter(classical[~classical_feasible, c], classical[~classical_feasible, r], s=40, marker="s",
                           facecolors="none", edgecolors="tab:green", label="classical, infeasible")
            if "energy_fwhm_eV" in (names[r], names[c]) and (ok & ~fitted).any():
                ax.scatter(obj[ok & ~fitted, c], obj[ok & ~fitted, r], s=60, facecolors="none", edgecolors="k",
                           label="FWHM not fitted (100 % penalty)")
            if names[c] in base:
                ax.axvline(base[names[c]], color="k", ls="--", lw=0.8)
            if names[r] in base:
                ax.axhline(base[names[r]], color="k", ls="--", lw=0.8, label="classical (OF)")
            if r == n - 1:
                ax.set_xlabel(f"{names[c]} [{units.get(names[c], '')}]")
            if c == 0:
                ax.set_ylabel(f"{names[r]} [{units.get(names[r], '')}]")
    axes[0, 1].legend(fontsize=7)
    title = f"Co-design study: {ok.sum()} trials, {feasible.sum()} feasible, {on_front.sum()} on the front"
    if base_unfitted:
        title += "\nclassical baseline (OF): energy FWHM not fitted"
    fig.suptitle(title)
    fig.tight_layout()
    save(fig, out, "pareto_matrix")

    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(np.arange(1, len(hv) + 1), hv, marker=".")
    ax.set_xlabel("completed trials")
    ax.set_ylabel("hypervolume (feasible set)")
    ax.grid(alpha=0.3)
    save(fig, out, "hypervolume")

    if spectra:
        fig, ax = plt.subplots(figsize=(6, 4))
        for pid, (edges, counts, design) in spectra.items():
            centers = 0.5 * (edges[:-1] + edges[1:])
            ax.step(centers, counts, where="mid", lw=0.8, label=f"trial {pid}")
        ax.set_xlabel("measured energy [keV]")
        ax.set_ylabel("results per 100 eV")
        ax.legend(fontsize=7)
        ax.set_title("Energy spectra of the Pareto designs (full chain)")
        save(fig, out, "spectra")

    if sweeps:
        plot_sweeps(sweeps, out)


def plot_sweeps(sweeps, out):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    finite = [v for _, _, _, fwhm in sweeps for v in fwhm if np.isfinite(v)]
    top = max(finite) * 1.15 if finite else 1.0
    for name, rin, rout, fwhm in sweeps:
        line, = a.plot(rin, fwhm, marker="o", label=name)  # NaN (not fitted) leaves a gap
        missing = ~np.isfinite(fwhm)
        if missing.any():
            a.scatter(rin[missing], np.full(missing.sum(), top), marker="x", s=50, color=line.get_color(),
                      label=f"{name}: not fitted")
        b.plot(rin, rout, marker="o", label=name)
    rmax = max(max(r) for _, r, _, _ in sweeps) if sweeps else 1
    b.plot([0, rmax], [0, rmax], "k:", lw=0.8, label="no loss")
    for ax in (a, b):
        ax.set_xscale("log")
        ax.set_xlabel("input rate [1/s]")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    a.set_ylabel("mean energy FWHM [eV]")
    b.set_yscale("log")
    b.set_ylabel("output rate [1/s]")
    fig.suptitle("Resolution and throughput against rate (full chain)")
    fig.tight_layout()
    save(fig, out, "rate_sweep")


if __name__ == "__main__":
    main()
