#!/usr/bin/env python3
"""Data of the user-model reference tests and statsmodels' estimates on them.

    .venv-bench/bin/python tests/data/user_models/make_statsmodels.py   (statsmodels 0.15.0)
    Rscript tests/data/user_models/exact_information.R                  (then: TMB's exact SEs)

Data (CSV, beside this script):
  quine.csv     R's MASS::quine, dummy-coded (a copy of tests/data/families/quine.csv): Days
                on EthN, SexM, AgeF1-3, LrnSL (146 rows), for a user-written NB2
  zip.csv       simulated (numpy seed 21): a zero-inflated Poisson count y with count covariates
                x1, x2 (log mu = 0.5 + 0.3 x1 - 0.2 x2) and an inflation covariate z
                (logit pi = -0.4 + 0.9 z) (1500 rows)
  weibull.csv   simulated (numpy seed 22): Weibull lifetimes, log T = 1.0 + 0.5 x1 - 0.3 x2 +
                0.7 W (W standard minimum extreme value), right-censored at independent
                exponential times (mean 8); columns time, event (1 observed, 0 censored), x1, x2
                (800 rows)

Values (statsmodels.json): params and llf of statsmodels' NegativeBinomial(loglike_method="nb2")
on quine and ZeroInflatedPoisson(inflation="logit") on zip.csv, both by Newton's method to a
gradient of 1e-10, with the NB2's fitted means and their delta-method standard errors
(get_prediction); and GLM(family=NegativeBinomial(alpha=1)) on quine by Newton's method, the
NB2 with alpha held at 1. (statsmodels has no Weibull regression: survreg's answer is in
tmb.json.)
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.discrete.count_model import ZeroInflatedPoisson

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, frame):
    frame.to_csv(os.path.join(HERE, name), index=False, float_format="%.17g")


values = {}

quine = pd.read_csv(os.path.join(HERE, "quine.csv"))
X = sm.add_constant(quine.drop(columns="Days"))
nb = sm.NegativeBinomial(quine["Days"], X, loglike_method="nb2")
r = nb.fit(method="newton", tol=1e-14, maxiter=200, disp=0)
values["quine_nb2"] = {
    "names": list(r.params.index),
    "params": [float(v) for v in r.params],
    "bse": [float(v) for v in r.bse],
    "llf": float(r.llf),
}

# the fitted means of the NB2 with their delta-method standard errors (get_prediction: se of
# the mean = mean x se of the linear predictor, the delta method for exp)
pred = r.get_prediction(which="mean")
values["quine_nb2_mean"] = {
    "predicted": [float(v) for v in pred.predicted],
    "se": [float(v) for v in pred.se],
}

# the same NB2 with alpha held at 1: statsmodels' GLM with the NB2 family of fixed alpha,
# Newton's method (observed information)
glm = sm.GLM(quine["Days"], X, family=sm.families.NegativeBinomial(alpha=1.0))
r = glm.fit(method="newton", tol=1e-14, maxiter=200)
values["quine_nb2_alpha_1"] = {
    "names": list(r.params.index),
    "params": [float(v) for v in r.params],
    "bse": [float(v) for v in r.bse],
    "llf": float(r.llf),
}

rng = np.random.default_rng(21)
n = 1500
x1, x2, z = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
mu = np.exp(0.5 + 0.3 * x1 - 0.2 * x2)
pi = 1 / (1 + np.exp(-(-0.4 + 0.9 * z)))
y = np.where(rng.uniform(size=n) < pi, 0, rng.poisson(mu))
save("zip.csv", pd.DataFrame({"y": y, "x1": x1, "x2": x2, "z": z}))
exog = sm.add_constant(pd.DataFrame({"x1": x1, "x2": x2}))
infl = sm.add_constant(pd.DataFrame({"z": z}))
zip_model = ZeroInflatedPoisson(y, exog, exog_infl=infl, inflation="logit")
start = zip_model.fit(method="bfgs", maxiter=500, disp=0).params
r = zip_model.fit(start_params=start, method="newton", tol=1e-14, maxiter=200, disp=0)
values["zip"] = {
    "names": list(r.params.index),
    "params": [float(v) for v in r.params],
    "bse": [float(v) for v in r.bse],
    "llf": float(r.llf),
}

rng = np.random.default_rng(22)
n = 800
x1, x2 = rng.normal(size=n), rng.normal(size=n)
w = np.log(rng.exponential(size=n))  # standard minimum extreme value
t = np.exp(1.0 + 0.5 * x1 - 0.3 * x2 + 0.7 * w)
c = rng.exponential(8.0, size=n)
save("weibull.csv", pd.DataFrame({"time": np.minimum(t, c), "event": (t <= c).astype(int),
                                   "x1": x1, "x2": x2}))

with open(os.path.join(HERE, "statsmodels.json"), "w") as f:
    json.dump(values, f, indent=1)
    f.write("\n")
