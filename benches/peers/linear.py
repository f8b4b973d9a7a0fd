"""The Gaussian linear model on one simulated CSV: statsmodels OLS and scikit-learn
LinearRegression against mle's closed-form OLS (Householder QR) and its iterative Gaussian MLE
(Newton), fit only, one thread each; every β checked against statsmodels' OLS.

Usage: linear.py DATA.csv COMPARE.json FIT.json
  COMPARE.json: `mle compare --json` (the OLS time and β); FIT.json: `mle fit linear --json`.
"""

import json
import sys

import numpy as np
import pandas as pd

from common import fastest, require_agreement



def main():
    path, compare_json, fit_json = sys.argv[1:4]
    df = pd.read_csv(path)
    y = df["y"].to_numpy()
    x = df.drop(columns="y").to_numpy()
    n, p = x.shape

    import statsmodels.api as sm
    from sklearn.linear_model import LinearRegression

    xc = sm.add_constant(x)
    rows = []
    res, wall, cpu = fastest(lambda: sm.OLS(y, xc).fit())
    reference = np.asarray(res.params)
    rows.append(("statsmodels OLS (pinv)", wall, cpu, reference))
    res, wall, cpu = fastest(lambda: sm.OLS(y, xc).fit(method="qr"))
    rows.append(("statsmodels OLS (qr)", wall, cpu, np.asarray(res.params)))
    m, wall, cpu = fastest(lambda: LinearRegression().fit(x, y))
    rows.append(("scikit-learn LinearRegression", wall, cpu, np.r_[m.intercept_, m.coef_]))

    with open(compare_json) as f:
        c = json.load(f)
    rows.append(("mle ols (Householder QR)", c["ols_time_s"], float("nan"),
                 np.array([q["estimate"] for q in c["ols"]["params"]])))
    with open(fit_json) as f:
        fit = json.load(f)
    beta = np.array([q["estimate"] for q in fit["params"] if q["name"] != "sigma"])
    rows.append((f"mle fit linear ({fit['optimizer']}, MLE)", fit["wall_time_s"], float("nan"), beta))

    print(f"linear regression, n = {n}, p = {p} + intercept")
    print(f"{'tool':<36}{'fit wall s':>12}{'fit CPU s':>12}{'max |β − β_sm|':>18}")
    for name, wall, cpu, b in rows:
        print(f"{name:<36}{wall:>12.3f}{cpu:>12.3f}{np.max(np.abs(b - reference)):>18.2e}")
    peers = min(w for name, w, _, _ in rows if not name.startswith("mle"))
    for name, w, _, _ in rows:
        if name.startswith("mle"):
            print(f"{name}: {peers / w:.2f}× faster than the fastest peer")
    require_agreement(rows, reference, 1e-8)


if __name__ == "__main__":
    main()
