"""Compares `leaksim explore` with the reference implementations on the same data.

SALib's `sobol.analyze` (calc_second_order=False) on the design rows of inputs.csv and the
estimates of draws.csv, against sensitivity.csv: first-order and total indices within TOL_SOBOL
(the same estimators; the differences are the 12 significant digits of the CSV files). The
bootstrap intervals use different random resamples and are not compared.

The EMA Workbench's PRIM (prim.Prim, peel_alpha 0.05, mass_min 0.05, lenient1 objective) on the
inputs and the draws of interest (estimate above the threshold), against discovery.csv: each
step of leaksim's peeling trajectory has the coverage and density of the Workbench's step of the
same number within TOL_PRIM, with the same quasi-p value for every restricted end (Bryant and
Lempert's one-sided binomial test), and the last peel restricts the same inputs.

Usage: explore_reference.py FOLDER DEAL THRESHOLD
"""
import sys

import numpy as np
import pandas as pd

TOL_SOBOL = 1e-6
TOL_PRIM = 1e-9


def main(folder, deal, threshold):
    inputs = pd.read_csv(f"{folder}/inputs.csv").drop(columns="draw").astype(float)
    draws = pd.read_csv(f"{folder}/draws.csv")
    y = (
        draws[(draws.deal == deal) & (draws.metric == "reached")]
        .sort_values("draw")["estimate"]
        .to_numpy()
    )
    names = list(inputs.columns)
    failures = []

    from SALib.analyze import sobol

    problem = {"num_vars": len(names), "names": names, "bounds": [[0, 1]] * len(names)}
    si = sobol.analyze(problem, y, calc_second_order=False, seed=1)
    sens = pd.read_csv(f"{folder}/sensitivity.csv")
    sens = sens[(sens.deal == deal) & (sens.metric == "reached") & (sens.weighting == "prior")]
    for j, name in enumerate(names):
        row = sens[sens.input == name].iloc[0]
        for ours, theirs, what in [
            (row.first_order, si["S1"][j], "S1"),
            (row.total, si["ST"][j], "ST"),
        ]:
            ok = abs(ours - theirs) <= TOL_SOBOL
            print(f"sobol {what} {name}: leaksim {ours:.6f} SALib {theirs:.6f} {'ok' if ok else 'DIFFERENT'}")
            if not ok:
                failures.append(f"{what} {name}")

    from ema_workbench.analysis import prim

    interest = y > threshold
    p = prim.Prim(inputs, interest, threshold=0.8, peel_alpha=0.05, mass_min=0.05)
    box = p.find_box()
    traj = box.peeling_trajectory
    disc = pd.read_csv(f"{folder}/discovery.csv")
    disc = disc[disc.deal == deal].sort_values("step")
    for _, r in disc.iterrows():
        i = int(r.step)
        cov, den = traj.coverage.iloc[i], traj.density.iloc[i]
        ok = abs(cov - r.coverage) <= TOL_PRIM and abs(den - r.density) <= TOL_PRIM
        print(
            f"prim step {i}: leaksim coverage {r.coverage:.4f} density {r.density:.4f}; "
            f"EMA Workbench {cov:.4f} {den:.4f} {'ok' if ok else 'DIFFERENT'}"
        )
        if not ok:
            failures.append(f"prim step {i}")
    # Quasi-p values of every restricted end, step by step (-1 in the Workbench: not restricted).
    for _, r in disc.iterrows():
        i = int(r.step)
        parts = [] if pd.isna(r.quasi_p) else str(r.quasi_p).split("; ")
        for part in parts:
            name, ends = part.rsplit(" [", 1)
            for k, v in enumerate(ends.rstrip("]").split(", ")):
                theirs = box.qp[i][name][k]
                ours = -1.0 if v == "-" else float(v)
                ok = abs(ours - theirs) <= TOL_PRIM
                if not ok:
                    print(f"prim step {i} quasi-p {name}[{k}]: leaksim {ours} EMA Workbench {theirs} DIFFERENT")
                    failures.append(f"prim step {i} quasi-p {name}")
        if parts:
            print(f"prim step {i}: quasi-p values of {len(parts)} restricted input(s) compared")
    last = disc.iloc[-1]
    ours = sorted(part.split(" in ")[0] for part in str(last["box"]).split("; ") if " in " in part)
    lims = box.box_lims[int(last.step)]
    init = box.box_lims[0]
    theirs = sorted(c for c in lims.columns if not np.allclose(lims[c].to_numpy(float), init[c].to_numpy(float)))
    ok = ours == theirs
    print(f"prim restricted inputs: leaksim {ours}; EMA Workbench {theirs} {'ok' if ok else 'DIFFERENT'}")
    if not ok:
        failures.append("prim restricted inputs")
    if failures:
        print("explore reference: FAILED: " + ", ".join(failures))
        sys.exit(1)
    print("explore reference: ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
