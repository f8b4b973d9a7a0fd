"""Reference values for tests/formula.rs: statsmodels' formula API (patsy) on Fair's affairs
data and Grunfeld's investment data, both as shipped with statsmodels.

    .venv-bench/bin/python tests/data/formula/make_references.py

Writes fair.csv (religious and occupation recoded to their labels, as text), fair_missing.csv
(the same with cells blanked or written NA), fair_missing.parquet (that file as Parquet), grunfeld.csv, new_fair.csv (rows to predict, one
with a missing cell), fair_counts*.csv (fair's rows aggregated with their counts, for frequency
weights) and references.json.
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf

from numpy import log  # noqa: F401 (the formulas call log)

here = os.path.dirname(os.path.abspath(__file__))

fair = sm.datasets.fair.load_pandas().data
fair["affair"] = (fair["affairs"] > 0).astype(float)
fair["religious"] = fair["religious"].map({1: "none", 2: "mildly", 3: "fairly", 4: "strongly"})
fair["occupation"] = fair["occupation"].map(
    {1: "student", 2: "farming", 3: "white-collar", 4: "teacher", 5: "managerial", 6: "professional"}
)
fair["affairs_count"] = np.round(fair["affairs"] * 2)
fair = fair[["affair", "affairs_count", "rate_marriage", "age", "yrs_married", "children",
             "religious", "educ", "occupation"]]
fair.to_csv(os.path.join(here, "fair.csv"), index=False)

rng = np.random.default_rng(17)
missing = fair.copy().astype(object)
for column in ["age", "religious", "educ", "affair"]:
    rows = rng.choice(len(missing), size=40, replace=False)
    missing.loc[rows, column] = np.nan
# empty cells, and NA in some of them
text = missing.copy()
text.to_csv(os.path.join(here, "fair_missing.csv"), index=False, na_rep="")
lines = open(os.path.join(here, "fair_missing.csv")).read().split("\n")
gaps = [i for i, line in enumerate(lines) if ",," in line]
for k, i in enumerate(gaps[:30]):
    lines[i] = lines[i].replace(",,", ",NA," if k % 2 else ",NaN,", 1)
open(os.path.join(here, "fair_missing.csv"), "w").write("\n".join(lines))
missing_read = pd.read_csv(os.path.join(here, "fair_missing.csv"))
# The same data as Parquet, in the types a Parquet writer produces: text as dictionary-encoded
# categories, a nullable float with nulls, whole numbers as int64, floats with NaN.
typed = missing_read.copy()
for column in ["religious", "occupation"]:
    typed[column] = typed[column].astype("category")
typed["age"] = typed["age"].astype("Float64")
typed["rate_marriage"] = typed["rate_marriage"].astype("int64")
typed.to_parquet(os.path.join(here, "fair_missing.parquet"), index=False)

grunfeld = sm.datasets.grunfeld.load_pandas().data
grunfeld.to_csv(os.path.join(here, "grunfeld.csv"), index=False)

new = fair.iloc[[0, 5, 17, 400]].copy().astype(object)
new.loc[new.index[2], "age"] = np.nan
new.to_csv(os.path.join(here, "new_fair.csv"), index=False, na_rep="")


def params(res):
    return {name: [float(res.params[name]), float(res.bse[name])] for name in res.params.index}


out = {"source": f"statsmodels {statsmodels.__version__} formula API (patsy); numpy {np.__version__}"}

f1 = ("affair ~ rate_marriage + age + C(religious) + C(occupation) + age:yrs_married"
      " + log(yrs_married)")
r1 = smf.logit(f1, fair).fit(disp=0, tol=1e-12, maxiter=100)
out["logit"] = {"formula": f1, "data": "fair.csv", "params": params(r1), "nobs": int(r1.nobs),
                "llf": float(r1.llf)}

f2 = 'affair ~ C(religious, Treatment(reference="strongly")) * educ + I(age**2) + religious:age'
r2 = smf.logit(f2, fair).fit(disp=0, tol=1e-12, maxiter=100)
out["logit_interactions"] = {"formula": f2, "data": "fair.csv", "params": params(r2),
                             "nobs": int(r2.nobs), "llf": float(r2.llf)}

f3 = "invest ~ value + capital + C(firm)"
r3 = smf.ols(f3, grunfeld).fit()
out["ols_firm"] = {"formula": f3, "data": "grunfeld.csv", "params": params(r3),
                   "nobs": int(r3.nobs), "llf": float(r3.llf)}

f4 = "invest ~ C(firm):value - 1"
r4 = smf.ols(f4, grunfeld).fit()
out["ols_no_intercept"] = {"formula": f4, "data": "grunfeld.csv", "params": params(r4),
                           "nobs": int(r4.nobs), "llf": float(r4.llf)}

r5 = smf.logit(f1, missing_read).fit(disp=0, tol=1e-12, maxiter=100)
out["logit_missing"] = {"formula": f1, "data": "fair_missing.csv", "params": params(r5),
                        "nobs": int(r5.nobs), "llf": float(r5.llf),
                        "n_dropped": int(len(missing_read) - r5.nobs)}

f6 = "affairs_count ~ rate_marriage + C(religious) + children"
r6 = smf.glm(f6, fair, family=sm.families.Poisson(),
             offset=np.log(fair["yrs_married"])).fit(tol=1e-13)
out["poisson_offset"] = {"formula": f6 + " + offset(log(yrs_married))", "data": "fair.csv",
                         "params": params(r6), "nobs": int(r6.nobs), "llf": float(r6.llf)}

new_read = pd.read_csv(os.path.join(here, "new_fair.csv"))
pred = r1.predict(new_read)  # patsy leaves out the row with a missing age
out["predict"] = {"model": "logit", "data": "new_fair.csv",
                  "predicted": [float(pred[i]) if i in pred.index and np.isfinite(pred[i])
                                else None for i in range(len(new_read))]}

# Frequency weights: the rows of fair aggregated over the columns a model uses, with their count
# in `n`, and one row of weight 0 (left out); a weighted fit must equal the fit of every row.
def counted(columns, zero):
    groups = fair.groupby(columns, sort=True).size().reset_index(name="n")
    return pd.concat([groups, pd.DataFrame([zero])], ignore_index=True)


def robust(res, cov_type, **kwds):
    r = res.model.fit(cov_type=cov_type, cov_kwds=kwds, **res._fit_kwds)
    return {name: float(r.bse[name]) for name in r.params.index}


counts = counted(["affair", "rate_marriage", "religious", "children"],
                 {"affair": 1.0, "rate_marriage": 5.0, "religious": "none", "children": 9.0,
                  "n": 0})
counts.to_csv(os.path.join(here, "fair_counts.csv"), index=False)
f7 = "affair ~ rate_marriage + C(religious) + children"
r7 = smf.glm(f7, fair, family=sm.families.Binomial()).fit(tol=1e-13)
r7._fit_kwds = {"tol": 1e-13}
groups = pd.factorize(fair["religious"])[0]
r7w = smf.glm(f7, counts[counts.n > 0], family=sm.families.Binomial(),
              freq_weights=counts[counts.n > 0]["n"]).fit(tol=1e-13)
out["weighted_logit"] = {
    "formula": f7, "data": "fair_counts.csv", "weights": "n", "params": params(r7),
    "nobs": int(r7.nobs), "llf": float(r7.llf), "rows": int((counts.n > 0).sum()),
    "bse_hc0": robust(r7, "HC0"), "bse_cluster": robust(r7, "cluster", groups=groups),
    "freq_weights_params": params(r7w), "freq_weights_llf": float(r7w.llf),
    "note": "params, bse, llf and the robust bse from the fit of every row of fair.csv; "
            "freq_weights_* from statsmodels' GLM(freq_weights=n) on fair_counts.csv",
}

pcounts = counted(["affairs_count", "rate_marriage", "religious"],
                  {"affairs_count": 3.0, "rate_marriage": 1.0, "religious": "mildly", "n": 0})
pcounts.to_csv(os.path.join(here, "fair_counts_poisson.csv"), index=False)
f8 = "affairs_count ~ rate_marriage + C(religious)"
r8 = smf.glm(f8, fair, family=sm.families.Poisson()).fit(tol=1e-13)
out["weighted_poisson"] = {"formula": f8, "data": "fair_counts_poisson.csv", "weights": "n",
                           "params": params(r8), "nobs": int(r8.nobs), "llf": float(r8.llf),
                           "rows": int((pcounts.n > 0).sum())}

gcounts = counted(["educ", "rate_marriage", "religious"],
                  {"educ": 12.0, "rate_marriage": 2.0, "religious": "fairly", "n": 0})
gcounts.to_csv(os.path.join(here, "fair_counts_gaussian.csv"), index=False)
f9 = "educ ~ rate_marriage + C(religious)"
r9 = smf.ols(f9, fair).fit()
n9, k9 = r9.nobs, len(r9.params)
# the Gaussian maximum likelihood's standard errors: σ̂² = RSS/n where OLS has RSS/(n − k)
out["weighted_gaussian"] = {
    "formula": f9, "data": "fair_counts_gaussian.csv", "weights": "n",
    "params": {name: [float(r9.params[name]), float(r9.bse[name] * np.sqrt((n9 - k9) / n9))]
               for name in r9.params.index},
    "nobs": int(n9), "llf": float(r9.llf), "rows": int((gcounts.n > 0).sum()),
    "note": "OLS of every row of fair.csv; standard errors times sqrt((n - k)/n), the MLE's",
}

json.dump(out, open(os.path.join(here, "references.json"), "w"), indent=1)
print(json.dumps({k: v.get("nobs") for k, v in out.items() if isinstance(v, dict)}))
