#!/usr/bin/python3
"""Optuna's multi-objective samplers on pixforge's benchmark problems, for a side-by-side with
`pixforge bench-optimizer`: same problems (unit cube, minimized), same budgets and seeds, same
output (one line per evaluation: problem algo seed eval hypervolume log10_gap; --json as the C++).

Uses Debian's interpreter and python3-optuna (3.1):
    /usr/bin/python3 scripts/bench_optuna.py --problem zdt1 --algo tpe --evals 100 --seeds 5
"""
import argparse
import json
import math
import sys

import warnings

import optuna

warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

optuna.logging.set_verbosity(optuna.logging.WARNING)


def zdt(variant, d):
    def f(x):
        g = 1 + 9 * sum(x[1:]) / (d - 1)
        r = x[0] / g
        return [x[0], g * (1 - (math.sqrt(r) if variant == 1 else r * r))], []
    return f, d, [1.1, 1.1], 1.21 - (1 / 3 if variant == 1 else 2 / 3)


def dtlz2(d):
    def f(x):
        g = sum((xi - 0.5) ** 2 for xi in x[1:])
        return [(1 + g) * math.cos(x[0] * math.pi / 2), (1 + g) * math.sin(x[0] * math.pi / 2)], []
    return f, d, [1.1, 1.1], 1.21 - math.pi / 4


def branin_currin(constrained):
    def f(x):
        u, v = 15 * x[0] - 5, 15 * x[1]
        t = v - 5.1 / (4 * math.pi ** 2) * u * u + 5 / math.pi * u - 6
        branin = t * t + 10 * (1 - 1 / (8 * math.pi)) * math.cos(u) + 10
        a, b = x[0], max(x[1], 1e-12)
        currin = (1 - math.exp(-1 / (2 * b))) * (2300 * a ** 3 + 1900 * a ** 2 + 2092 * a + 60) / (
            100 * a ** 3 + 500 * a ** 2 + 4 * a + 20)
        cons = [(u - 2.5) ** 2 + (v - 7.5) ** 2 - 50] if constrained else []
        return [branin, currin], cons
    if constrained:
        return f, 2, [80.0, 12.0], 608.4004237022673
    return f, 2, [18.0, 6.0], 59.36011874867746


PROBLEMS = {
    "zdt1": lambda d: zdt(1, d or 6),
    "zdt2": lambda d: zdt(2, d or 6),
    "dtlz2": lambda d: dtlz2(d or 6),
    "branin_currin": lambda d: branin_currin(False),
    "constrained_branin_currin": lambda d: branin_currin(True),
}


def hypervolume_2d(points, ref):
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    volume, best_y = 0.0, ref[1]
    for x, y in pts:
        if y < best_y:
            volume += (ref[0] - x) * (best_y - y)
            best_y = y
    return volume


def run(problem, algo, evals, seed, dims, init):
    f, d, ref, hv_max = PROBLEMS[problem](dims)
    constraints = {}

    def constraints_func(trial):
        return constraints[trial.number]

    kwargs = {"seed": seed}
    if problem.startswith("constrained"):
        kwargs["constraints_func"] = constraints_func
    if algo == "tpe":
        sampler = optuna.samplers.TPESampler(n_startup_trials=init, multivariate=True, **kwargs)
    else:
        sampler = optuna.samplers.NSGAIISampler(population_size=init, **kwargs)
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    feasible, hv = [], []
    for _ in range(evals):
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(d)]
        objectives, cons = f(x)
        constraints[trial.number] = cons
        study.tell(trial, objectives)
        if all(c <= 0 for c in cons):
            feasible.append(objectives)
        hv.append(hypervolume_2d(feasible, ref))
    gaps = [math.log10(max(hv_max - h, 1e-12)) for h in hv]
    return {"seed": seed, "hypervolume": hv, "log10_gap": gaps}, hv_max


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-p", "--problem", default="branin_currin", choices=sorted(PROBLEMS))
    ap.add_argument("-a", "--algo", default="tpe", choices=["tpe", "nsga2"])
    ap.add_argument("-n", "--evals", type=int, default=100)
    ap.add_argument("-s", "--seeds", type=int, default=1)
    ap.add_argument("-d", "--dims", type=int, default=0)
    ap.add_argument("--init", type=int, default=10, help="TPE startup trials / NSGA-II population")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    runs, hv_max = [], None
    for seed in range(1, args.seeds + 1):
        r, hv_max = run(args.problem, args.algo, args.evals, seed, args.dims, args.init)
        runs.append(r)
        print(f"{args.problem} optuna-{args.algo} seed {seed}: final HV {r['hypervolume'][-1]:.6g} (max {hv_max:.6g}), "
              f"log10 gap {r['log10_gap'][-1]:.3f}", file=sys.stderr)

    def median_gap(i):
        g = sorted(r["log10_gap"][i] for r in runs)
        n = len(g)
        return g[n // 2] if n % 2 else 0.5 * (g[n // 2 - 1] + g[n // 2])

    medians = [median_gap(i) for i in range(args.evals)]
    if args.json:
        print(json.dumps({"problem": args.problem, "algo": "optuna-" + args.algo, "evals": args.evals,
                          "max_hypervolume": hv_max, "runs": runs, "median_log10_gap": medians}))
        return
    print("# problem algo seed eval hypervolume log10_gap")
    for r in runs:
        for i, (h, g) in enumerate(zip(r["hypervolume"], r["log10_gap"])):
            print(f"{args.problem} optuna-{args.algo} {r['seed']} {i + 1} {h:.8g} {g:.4f}")
    print(f"# median over {len(runs)} seeds at {args.evals} evaluations: log10 gap {medians[-1]:.4f}")


if __name__ == "__main__":
    main()
