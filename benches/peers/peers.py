"""Fits one logistic regression with statsmodels, scikit-learn and glum on the CSV that `mle`
fitted, times each (CSV load by pandas, then the fit alone from arrays in memory, building the
model included, wall and CPU), checks that every tool's coefficients agree with statsmodels'
Newton answer, and prints one table with mle's row.

Usage: peers.py DATA.csv MLE.json MLE_TOTAL_SECONDS MLE_PEAK_KIB MLE_LOAD_1 MLE_LOAD_ALL
"""

import json
import sys

import numpy as np
import pandas as pd

from common import fastest, require_agreement, timed



def main():
    path, mle_json, mle_total = sys.argv[1], sys.argv[2], float(sys.argv[3])
    mle_rss_mb = float(sys.argv[4]) * 1024 / 1e6
    mle_load_1, mle_load_all = float(sys.argv[5]), float(sys.argv[6])
    df, load_wall, _ = fastest(lambda: pd.read_csv(path))
    y = df["y"].to_numpy()
    x = df.drop(columns="y").to_numpy()
    n, p = x.shape
    rows = []

    import statsmodels.api as sm

    xc = sm.add_constant(x)
    res, wall, cpu = fastest(lambda: sm.Logit(y, xc).fit(method="newton", disp=0, tol=1e-12))
    reference = np.asarray(res.params)
    rows.append(("statsmodels Logit newton", wall, cpu, reference))

    from sklearn.linear_model import LogisticRegression

    def sklearn_fit():
        try:
            m = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12, max_iter=100)
        except TypeError:
            m = LogisticRegression(penalty=None, solver="newton-cholesky", tol=1e-12, max_iter=100)
        return m.fit(x, y)

    m, wall, cpu = fastest(sklearn_fit)
    rows.append(("scikit-learn newton-cholesky", wall, cpu, np.r_[m.intercept_, m.coef_.ravel()]))

    from glum import GeneralizedLinearRegressor

    # glum stops 2.6e-4 away from the maximum at its default tolerance; 1e-8 is the tightest
    # that converges (2.8e-8 from statsmodels; 1e-9 takes 89 iterations and 25 s)

    g, wall, cpu = fastest(
        lambda: GeneralizedLinearRegressor(family="binomial", alpha=0, gradient_tol=1e-8).fit(x, y)
    )
    rows.append(("glum binomial", wall, cpu, np.r_[g.intercept_, g.coef_]))

    with open(mle_json) as f:
        fit = json.load(f)
    beta = np.array([q["estimate"] for q in fit["params"]])
    rows.append((f"mle fit ({fit['optimizer']})", fit["wall_time_s"], float("nan"), beta))

    design_mb = n * (p + 1) * 8 / 1e6
    print(f"logistic regression, n = {n}, p = {p} + intercept (design {design_mb:.0f} MB in f64)")
    print(f"reading the CSV: pandas read_csv {load_wall:.2f} s; mle (into the model's frame) "
          f"{mle_load_1:.2f} s on one thread, {mle_load_all:.2f} s on every core")
    print(f"mle fit as a whole process (load + fit + report, one thread): {mle_total:.2f} s, "
          f"peak resident memory {mle_rss_mb:.0f} MB = {mle_rss_mb / design_mb:.2f} × the design")
    print(f"{'tool':<30}{'fit wall s':>12}{'fit CPU s':>12}{'max |β − β_sm|':>18}{'× mle':>8}")
    mle_wall = rows[-1][1]
    for name, wall, cpu, b in rows:
        diff = np.max(np.abs(b - reference))
        print(f"{name:<30}{wall:>12.3f}{cpu:>12.3f}{diff:>18.2e}{wall / mle_wall:>8.2f}")
    # the floor: every pass of mle reads X once; numpy's sum over the same array is one read at
    # memory speed (the fastest of five), so passes × that time bounds any method making them
    xc_c = np.ascontiguousarray(xc)
    read_x = min(timed(lambda: xc_c.sum())[1] for _ in range(5))
    passes = fit["gradient_evals"]
    floor = passes * read_x
    print(f"floor: {passes} passes over X × {read_x * 1e3:.1f} ms per read of X (numpy sum) = "
          f"{floor:.3f} s; mle's fit is {mle_wall / floor:.1f} × the floor")
    require_agreement(rows, reference, 1e-7)


if __name__ == "__main__":
    main()
