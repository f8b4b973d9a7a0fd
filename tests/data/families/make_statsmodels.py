#!/usr/bin/env python3
"""Writes the data sets of the family reference tests and statsmodels' answers on them.

    .venv-bench/bin/python tests/data/families/make_statsmodels.py   (statsmodels 0.15.0)

Data (CSV, beside this script):
  spector.csv   statsmodels' spector: GRADE (0/1) on GPA, TUCE, PSI (32 rows)
  star98.csv    statsmodels' star98: successes = NABOVE of trials = NABOVE + NBELOW on its 20
                covariates (303 rows; scales from 1 to about 1e6)
  cpunish.csv   statsmodels' cpunish: EXECUTIONS on INCOME, PERPOVERTY, PERBLACK, LN_VC100k96
                (= ln VC100k96), SOUTH, DEGREE (17 rows)
  scotland.csv  statsmodels' scotland: YES (a positive share) on its 7 covariates (32 rows)
  exposure.csv  simulated (numpy seed 5): counts y over exposure t with covariates x1, x2 and a
                column off = ln t; Poisson and NB2 (alpha 0.7) responses y_pois, y_nb (500 rows)
quine.csv (R's MASS::quine, dummy-coded) is written by references.R.

Values (statsmodels.json): per fit, params, bse (from the observed information, the maximum
likelihood convention: Newton's method, or the discrete-choice models), llf.
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, frame):
    frame.to_csv(os.path.join(HERE, name), index=False, float_format="%.17g")


def result(r, names, scale_note=None):
    out = {
        "names": names,
        "params": [float(v) for v in np.asarray(r.params)],
        "bse": [float(v) for v in np.asarray(r.bse)],
        "llf": float(r.llf),
    }
    return out


values = {}

# spector: binary response, logit / probit / cloglog
spector = sm.datasets.spector.load_pandas().data
save("spector.csv", spector)
X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
y = spector["GRADE"]
names = ["intercept", "GPA", "TUCE", "PSI"]
values["spector_logit"] = result(sm.Logit(y, X).fit(method="newton", tol=1e-14, disp=0), names)
values["spector_probit"] = result(sm.Probit(y, X).fit(method="newton", tol=1e-14, disp=0), names)
cloglog = sm.GLM(y, X, family=sm.families.Binomial(sm.families.links.CLogLog()))
values["spector_cloglog"] = result(cloglog.fit(method="newton", tol=1e-14, max_start_irls=0), names)

# star98: successes out of trials, 20 covariates on scales up to 1e6
star = sm.datasets.star98.load_pandas().data
covariates = [c for c in star.columns if c not in ("NABOVE", "NBELOW")]
frame = pd.DataFrame({"successes": star["NABOVE"], "trials": star["NABOVE"] + star["NBELOW"]})
frame = pd.concat([frame, star[covariates]], axis=1)
save("star98.csv", frame)
X = sm.add_constant(star[covariates])
endog = np.column_stack([star["NABOVE"], star["NBELOW"]])
names = ["intercept"] + covariates
for link, name in [(sm.families.links.Logit(), "logit"), (sm.families.links.Probit(), "probit"),
                   (sm.families.links.CLogLog(), "cloglog")]:
    glm = sm.GLM(endog, X, family=sm.families.Binomial(link))
    start = sm.GLM(endog, X, family=sm.families.Binomial(link)).fit().params
    values[f"star98_{name}"] = result(glm.fit(method="newton", start_params=start, tol=1e-14,
                                              max_start_irls=0), names)

# cpunish: Poisson counts
cp = sm.datasets.cpunish.load_pandas().data
cp["LN_VC100k96"] = np.log(cp["VC100k96"])
cp = cp.drop(columns=["VC100k96"])
save("cpunish.csv", cp)
covariates = ["INCOME", "PERPOVERTY", "PERBLACK", "LN_VC100k96", "SOUTH", "DEGREE"]
X = sm.add_constant(cp[covariates])
poisson = sm.GLM(cp["EXECUTIONS"], X, family=sm.families.Poisson())
start = poisson.fit().params
values["cpunish_poisson"] = result(
    poisson.fit(method="newton", start_params=start, tol=1e-14, max_start_irls=0),
    ["intercept"] + covariates)

# scotland: Gamma, log and inverse links; β's standard errors from the observed information at
# the maximum likelihood shape (taken from R's MASS::gamma.shape in r.json, passed as the scale)
sc = sm.datasets.scotland.load_pandas().data
save("scotland.csv", sc)
covariates = [c for c in sc.columns if c != "YES"]
X = sm.add_constant(sc[covariates])
names = ["intercept"] + covariates
with open(os.path.join(HERE, "r.json")) as f:
    r_values = json.load(f)
for link, name in [(sm.families.links.Log(), "log"), (sm.families.links.InversePower(), "inverse")]:
    shape = r_values[f"scotland_gamma_{name}"]["shape"]
    glm = sm.GLM(sc["YES"], X, family=sm.families.Gamma(link))
    start = glm.fit().params
    r = glm.fit(method="newton", start_params=start, scale=1.0 / shape, tol=1e-14, max_start_irls=0)
    values[f"scotland_gamma_{name}"] = result(r, names)

# simulated counts with exposure: Poisson and NB2 (offset = ln exposure)
rng = np.random.default_rng(5)
n = 500
x1, x2 = rng.normal(size=n), rng.normal(size=n)
t = rng.uniform(0.5, 4.0, size=n)
mu = t * np.exp(0.3 + 0.5 * x1 - 0.4 * x2)
y_pois = rng.poisson(mu)
alpha = 0.7
y_nb = rng.poisson(rng.gamma(1 / alpha, alpha * mu))
exposure = pd.DataFrame({"y_pois": y_pois, "y_nb": y_nb, "x1": x1, "x2": x2, "t": t,
                         "off": np.log(t)})
save("exposure.csv", exposure)
X = sm.add_constant(exposure[["x1", "x2"]])
names = ["intercept", "x1", "x2"]
values["exposure_poisson"] = result(
    sm.Poisson(exposure["y_pois"], X, exposure=exposure["t"]).fit(method="newton", tol=1e-14,
                                                                   disp=0), names)
nb = sm.NegativeBinomial(exposure["y_nb"], X, loglike_method="nb2", exposure=exposure["t"])
values["exposure_negbin"] = result(nb.fit(method="newton", tol=1e-14, maxiter=200, disp=0),
                                   names + ["alpha"])

# quine (R's MASS): NB2 on dummy-coded factors; the data are written by references.R
quine = pd.read_csv(os.path.join(HERE, "quine.csv"))
covariates = [c for c in quine.columns if c != "Days"]
X = sm.add_constant(quine[covariates])
nb = sm.NegativeBinomial(quine["Days"], X, loglike_method="nb2")
values["quine_negbin"] = result(nb.fit(method="newton", tol=1e-14, maxiter=200, disp=0),
                                ["intercept"] + covariates + ["alpha"])

with open(os.path.join(HERE, "statsmodels.json"), "w") as f:
    json.dump(values, f, indent=1)
    f.write("\n")
