"""Fits one Poisson or Gamma regression (log link) with statsmodels, scikit-learn and glum on
the CSV that `mle` fitted, times each fit (from arrays in memory, building the model included,
the fastest of five), checks that every tool's coefficients agree with statsmodels' answer, and
prints one table with mle's row.

Usage: glm.py poisson|gamma DATA.csv MLE.json
"""

import json
import sys

import numpy as np
import pandas as pd

from common import fastest, require_agreement


def main():
    family, path, mle_json = sys.argv[1], sys.argv[2], sys.argv[3]
    df = pd.read_csv(path)
    y = df["y"].to_numpy()
    x = df.drop(columns="y").to_numpy()
    n, p = x.shape
    rows = []

    import statsmodels.api as sm

    xc = sm.add_constant(x)
    sm_family = (
        sm.families.Poisson()
        if family == "poisson"
        else sm.families.Gamma(sm.families.links.Log())
    )
    res, wall, cpu = fastest(lambda: sm.GLM(y, xc, family=sm_family).fit(tol=1e-12))
    reference = np.asarray(res.params)
    rows.append(("statsmodels GLM (IRLS)", wall, cpu, reference))

    from sklearn.linear_model import GammaRegressor, PoissonRegressor

    regressor = PoissonRegressor if family == "poisson" else GammaRegressor
    m, wall, cpu = fastest(
        lambda: regressor(alpha=0, solver="newton-cholesky", tol=1e-12, max_iter=100).fit(x, y)
    )
    rows.append((f"scikit-learn {regressor.__name__}", wall, cpu, np.r_[m.intercept_, m.coef_]))

    from glum import GeneralizedLinearRegressor

    g, wall, cpu = fastest(
        lambda: GeneralizedLinearRegressor(family=family, alpha=0, gradient_tol=1e-8).fit(x, y)
    )
    rows.append((f"glum {family}", wall, cpu, np.r_[g.intercept_, g.coef_]))

    with open(mle_json) as f:
        fit = json.load(f)
    # the coefficients; Gamma's shape follows them
    beta = np.array([q["estimate"] for q in fit["params"]])[: p + 1]
    rows.append((f"mle fit ({fit['optimizer']})", fit["wall_time_s"], float("nan"), beta))

    print(f"{family} regression (log link), n = {n}, p = {p} + intercept")
    print(f"{'tool':<30}{'fit wall s':>12}{'fit CPU s':>12}{'max |β − β_sm|':>18}{'× mle':>8}")
    mle_wall = rows[-1][1]
    for name, wall, cpu, b in rows:
        diff = np.max(np.abs(b - reference))
        print(f"{name:<30}{wall:>12.3f}{cpu:>12.3f}{diff:>18.2e}{wall / mle_wall:>8.2f}")
    require_agreement(rows, reference, 1e-7)


if __name__ == "__main__":
    main()
