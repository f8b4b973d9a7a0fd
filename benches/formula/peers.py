"""The formula fit of benches/formula/run.sh by the peers, from the CSV file (reading it, building
the design from the formula and fitting, as `mle fit --formula` does), the fastest of three runs,
one thread: statsmodels' formula API (patsy), and pandas with categorical columns + glum (its
own categorical handling, no dense dummy columns). Checks every tool's coefficients against
statsmodels' and prints one table with mle's rows.

    python peers.py FORMULA.csv MLE_FORMULA.json MLE_TOTAL_S MLE_RSS_KIB NUMERIC_ROWS...
"""

import json
import os
import resource
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
from common import fastest  # noqa: E402 (benches/peers/common.py)

FORMULA = "y ~ " + " + ".join(f"x{j}" for j in range(1, 11)) + " + C(g1) + C(g2)"


def statsmodels_fit(path):
    import statsmodels.formula.api as smf

    df = pd.read_csv(path)
    res = smf.logit(FORMULA, df).fit(disp=0, tol=1e-10, maxiter=100)
    return dict(zip(res.params.index, np.asarray(res.params)))


def glum_fit(path):
    from glum import GeneralizedLinearRegressor

    df = pd.read_csv(path, dtype={"g1": "category", "g2": "category"})
    x = df.drop(columns="y")
    g = GeneralizedLinearRegressor(
        family="binomial", alpha=0, gradient_tol=1e-8, drop_first=True
    ).fit(x, df["y"])
    names = ["Intercept"] + list(g.feature_names_)
    return dict(zip(names, np.r_[g.intercept_, g.coef_]))


def glum_name(name):
    """glum's `g1[a01]` as patsy's `C(g1)[T.a01]`."""
    if "[" in name:
        column, level = name[:-1].split("[", 1)
        return f"C({column})[T.{level}]"
    return name


def main():
    path, mle_json, mle_total, mle_rss = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    extra = sys.argv[5:]
    rows = []
    sm, wall, cpu = fastest(lambda: statsmodels_fit(path), runs=3)
    rows.append(("statsmodels smf.logit (patsy)", wall, cpu, sm))
    gl, wall, cpu = fastest(lambda: glum_fit(path), runs=3)
    rows.append(("pandas category + glum", wall, cpu, {glum_name(k): v for k, v in gl.items()}))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(mle_json) as f:
        fit = json.load(f)
    est = {("Intercept" if q["name"] == "intercept" else q["name"]): q["estimate"]
           for q in fit["params"]}
    rows.append(("mle fit --formula (newton)", mle_total, float("nan"), est))
    n, p = fit["n_obs"], len(fit["params"])
    print(f"logistic regression from CSV with a formula, n = {n}: 10 numeric columns and two text")
    print(f"columns of 50 levels each, {p} coefficients; reading, coding and fitting, one thread")
    print(f"{'tool':<34}{'wall s':>10}{'CPU s':>10}{'max |β − β_sm|':>18}{'× mle':>8}")
    worst = 0.0
    for name, wall, cpu, b in rows:
        diff = max(abs(b[k] - sm[k]) for k in sm)
        worst = max(worst, diff)
        print(f"{name:<34}{wall:>10.2f}{cpu:>10.2f}{diff:>18.2e}{wall / mle_total:>8.2f}")
    print(f"peak RSS: mle {int(mle_rss) / 1024:.0f} MiB; the Python peers' process {peak / 1024:.0f} MiB")
    for line in extra:
        print(line)
    if worst > 1e-6:
        print(f"DISAGREEMENT: coefficients differ by {worst:.2e} > 1e-6")
        sys.exit(1)


if __name__ == "__main__":
    main()
