"""Designs for the existence checks (tests/existence.rs) and their reference decisions.

Writes quasi.csv, complete.csv and poisson_zero.csv (seeded draws), and lp.json: for each design
(and R's brglm2::endometrial, endometrial.csv, written by references.R), whether a separating
direction exists and which coefficients it makes infinite, decided by an independent solver:
SciPy's linprog (HiGHS) on Konis's (2007) linear program in its box form, as R's
detectseparation solves it: maximize sum_i s_i x_i d subject to s_i x_i d >= 0 (rows with a
side), x_i d = 0 (the others), -1 <= d_j <= 1; coefficients with |d_j| > 1e-6 are infinite,
with the sign of d_j.

Run from the repository root: .venv-bench/bin/python tests/data/existence/make_references.py
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog

HERE = Path(__file__).parent
rng = np.random.default_rng(20261203)


def quasi():
    # one binary covariate z present only with events: quasi-complete separation by z
    n = 200
    x = rng.normal(size=n)
    z = (rng.random(n) < 0.2).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-0.5 + x)))).astype(float)
    y[z == 1] = 1.0
    return pd.DataFrame({"y": y, "x": np.round(x, 6), "z": z})


def complete():
    # y = 1 exactly where x1 + 0.5 x2 > 0: complete separation by a combination of two columns
    n = 30
    x1 = np.round(rng.normal(size=n), 6)
    x2 = np.round(rng.normal(size=n), 6)
    y = (x1 + 0.5 * x2 > 0).astype(float)
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2})


def poisson_zero():
    # three groups (dummies gb, gc); every count of group c is zero
    n = 150
    g = np.repeat([0, 1, 2], n // 3)
    x = np.round(rng.normal(size=n), 6)
    mu = np.exp(0.5 + 0.3 * x + 0.4 * (g == 1))
    y = rng.poisson(mu).astype(float)
    y[g == 2] = 0.0
    return pd.DataFrame({"y": y, "x": x, "gb": (g == 1).astype(float), "gc": (g == 2).astype(float)})


def konis(X, sides):
    with_side = sides != 0
    A = sides[with_side, None] * X[with_side]
    c = -A.sum(axis=0)  # linprog minimizes
    res = linprog(
        c,
        A_ub=-A,
        b_ub=np.zeros(A.shape[0]),
        A_eq=X[~with_side] if (~with_side).any() else None,
        b_eq=np.zeros((~with_side).sum()) if (~with_side).any() else None,
        bounds=[(-1, 1)] * X.shape[1],
        method="highs",
    )
    assert res.status == 0, res.message
    return res.x


def decide(df, y, covariates, sides_of):
    X = np.column_stack([np.ones(len(df))] + [df[c].to_numpy(float) for c in covariates])
    names = ["intercept"] + covariates
    d = konis(X, sides_of(df[y].to_numpy(float)))
    infinite = {n: float(np.sign(v)) for n, v in zip(names, d) if abs(v) > 1e-6}
    return {"separated": bool(infinite), "infinite": infinite}


binary = lambda y: np.where(y == 1, 1.0, -1.0)
counts = lambda y: np.where(y == 0, -1.0, 0.0)

frames = {"quasi": quasi(), "complete": complete(), "poisson_zero": poisson_zero()}
for name, df in frames.items():
    df.to_csv(HERE / f"{name}.csv", index=False)
endometrial = pd.read_csv(HERE / "endometrial.csv")
out = {
    "source": "tests/data/existence/make_references.py (SciPy linprog, HiGHS)",
    "quasi": decide(frames["quasi"], "y", ["x", "z"], binary),
    "complete": decide(frames["complete"], "y", ["x1", "x2"], binary),
    "poisson_zero": decide(frames["poisson_zero"], "y", ["x", "gb", "gc"], counts),
    "endometrial": decide(endometrial, "HG", ["NV", "PI", "EH"], binary),
}
(HERE / "lp.json").write_text(json.dumps(out, indent=2) + "\n")
print(json.dumps(out, indent=2))
