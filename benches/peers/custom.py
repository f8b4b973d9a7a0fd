"""A custom likelihood, Poisson regression, fitted by statsmodels' GenericLikelihoodModel (the
statsmodels way to fit a likelihood you write yourself: numerical derivatives) and by mle's
generic autodiff path (examples/bench_custom.rs) on the same CSV, one thread each. The reference
is statsmodels' built-in Poisson with analytic derivatives, Newton to tol 1e-12.

Usage: custom.py make DATA.csv ROWS          writes the simulated data
       custom.py compare DATA.csv MLE.json    prints the table
"""

import json
import sys

import numpy as np
import pandas as pd

from common import fastest



def make(path, rows):
    rng = np.random.default_rng(7)
    beta = np.array([0.5, 0.3, -0.2, 0.1, 0.05, -0.1])
    x = rng.standard_normal((rows, len(beta) - 1))
    y = rng.poisson(np.exp(beta[0] + x @ beta[1:]))
    df = pd.DataFrame(x, columns=[f"x{j + 1}" for j in range(x.shape[1])])
    df.insert(0, "y", y)
    df.to_csv(path, index=False, float_format="%.17g")


def compare(path, mle_json):
    import statsmodels.api as sm
    from scipy.special import gammaln
    from statsmodels.base.model import GenericLikelihoodModel

    df = pd.read_csv(path)
    y = df["y"].to_numpy(dtype=float)
    x = sm.add_constant(df.drop(columns="y").to_numpy())
    n, p = x.shape
    reference = np.asarray(sm.Poisson(y, x).fit(method="newton", tol=1e-12, disp=0).params)

    class PoissonLikelihood(GenericLikelihoodModel):
        def loglikeobs(self, params):
            eta = self.exog @ params
            return self.endog * eta - np.exp(eta) - gammaln(self.endog + 1)

    rows = []
    for method in ["newton", "bfgs"]:
        res, wall, cpu = fastest(
            lambda: PoissonLikelihood(y, x).fit(
                start_params=np.zeros(p), method=method, maxiter=1000, disp=0
            )
        )
        rows.append((f"statsmodels GenericLikelihoodModel {method}", wall, cpu,
                     np.asarray(res.params)))
    with open(mle_json) as f:
        fit = json.load(f)
    for method in ["newton", "lbfgs"]:
        r = fit[method]
        rows.append((f"mle autodiff {method}", r["seconds"], float("nan"),
                     np.array(r["estimates"])))
    print(f"custom likelihood (Poisson regression), n = {n}, p = {p - 1} + intercept")
    print(f"{'tool':<44}{'fit wall s':>12}{'fit CPU s':>12}{'max |β − β_ref|':>18}")
    for name, wall, cpu, b in rows:
        print(f"{name:<44}{wall:>12.3f}{cpu:>12.3f}{np.max(np.abs(b - reference)):>18.2e}")
    agree = lambda b: np.max(np.abs(b - reference)) <= 1e-6
    best_sm = min((w for name, w, _, b in rows if name.startswith("statsmodels") and agree(b)),
                  default=float("nan"))
    best_mle = min((w for name, w, _, b in rows if name.startswith("mle") and agree(b)),
                   default=float("nan"))
    print(f"fastest within 1e-6 of the reference: statsmodels {best_sm:.3f} s, mle {best_mle:.3f} s "
          f"({best_sm / best_mle:.1f}× faster)")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    else:
        compare(sys.argv[2], sys.argv[3])
