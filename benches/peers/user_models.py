"""User-written likelihoods against the tools users would write them in, on the same CSV:
statsmodels' GenericLikelihoodModel (numerical derivatives), statsmodels' built-in
NegativeBinomial (analytic derivatives, for NB2), TMB (C++ templates with exact autodiff), and
mle's models of independent rows (examples/bench_custom.rs) on one thread and on every core.
Every fit includes its standard errors. The reference is statsmodels' built-in model with
analytic derivatives, Newton to tol 1e-12.

Usage: user_models.py make poisson|nb2 DATA.csv ROWS
       user_models.py compare poisson|nb2 DATA.csv MLE1.json MLEALL.json TMB.json
"""

import json
import sys

import numpy as np
import pandas as pd

from common import fastest


def make(model, path, rows):
    rng = np.random.default_rng(7 if model == "poisson" else 8)
    beta = np.array([0.5, 0.3, -0.2, 0.1, 0.05, -0.1]) if model == "poisson" else \
        np.array([0.8, 0.4, -0.3])
    x = rng.standard_normal((rows, len(beta) - 1))
    mu = np.exp(beta[0] + x @ beta[1:])
    if model == "poisson":
        y = rng.poisson(mu)
    else:
        alpha = 0.6  # NB2: a Poisson with a Gamma(1/alpha, alpha) multiplier
        y = rng.poisson(mu * rng.gamma(1 / alpha, alpha, size=rows))
    df = pd.DataFrame(x, columns=[f"x{j + 1}" for j in range(x.shape[1])])
    df.insert(0, "y", y)
    df.to_csv(path, index=False, float_format="%.17g")


def compare(model, path, mle_one, mle_all, tmb_json):
    import statsmodels.api as sm
    from scipy.special import gammaln
    from statsmodels.base.model import GenericLikelihoodModel

    df = pd.read_csv(path)
    y = df["y"].to_numpy(dtype=float)
    x = sm.add_constant(df.drop(columns="y").to_numpy())
    n, p = x.shape
    rows = []
    if model == "poisson":
        reference = np.asarray(sm.Poisson(y, x).fit(method="newton", tol=1e-12, disp=0).params)

        class PoissonLikelihood(GenericLikelihoodModel):
            def loglikeobs(self, params):
                eta = self.exog @ params
                return self.endog * eta - np.exp(eta) - gammaln(self.endog + 1)

        for method in ["newton", "bfgs"]:
            res, wall, cpu = fastest(lambda: PoissonLikelihood(y, x).fit(
                start_params=np.zeros(p), method=method, maxiter=1000, disp=0))
            _ = res.bse
            rows.append((f"statsmodels GenericLikelihoodModel {method}", wall, cpu,
                         np.asarray(res.params)))
    else:
        nb = lambda: sm.NegativeBinomial(y, x, loglike_method="nb2")
        reference = np.asarray(nb().fit(method="newton", tol=1e-12, maxiter=100, disp=0).params)

        def fit_nb():
            res = nb().fit(method="newton", maxiter=100, disp=0)
            _ = res.bse
            return res

        res, wall, cpu = fastest(fit_nb, runs=3)
        rows.append(("statsmodels NegativeBinomial newton (analytic)", wall, cpu,
                     np.asarray(res.params)))
    with open(tmb_json) as f:
        t = json.load(f)
    rows.append(("TMB (nlminb, sdreport)", t["seconds"], float("nan"), np.array(t["estimates"])))
    for label, file in [("one thread", mle_one), ("all threads", mle_all)]:
        with open(file) as f:
            fit = json.load(f)
        for method in ["newton", "lbfgs"]:
            r = fit[method]
            rows.append((f"mle {method}, {label} ({fit['threads']})", r["seconds"],
                         float("nan"), np.array(r["estimates"])))
    name = "Poisson regression" if model == "poisson" else "NB2 regression"
    print(f"user model: {name}, n = {n}, p = {p - 1} + intercept (fits with standard errors)")
    print(f"{'tool':<48}{'fit wall s':>12}{'fit CPU s':>12}{'max |θ − θ_ref|':>18}")
    for label, wall, cpu, b in rows:
        print(f"{label:<48}{wall:>12.4f}{cpu:>12.3f}{np.max(np.abs(b - reference)):>18.2e}")
    agree = lambda b: np.max(np.abs(b - reference)) <= 1e-6
    best = lambda prefix: min((w for label, w, _, b in rows if label.startswith(prefix) and agree(b)),
                              default=float("nan"))
    one = min(w for label, w, _, b in rows if label.startswith("mle") and "one thread" in label
              and agree(b))
    for peer in ["statsmodels", "TMB"]:
        print(f"mle on one thread against the fastest {peer} fit within 1e-6 of the reference: "
              f"{best(peer) / one:.1f}× faster")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        compare(*sys.argv[2:7])
