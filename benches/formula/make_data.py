"""Writes the data of benches/formula/run.sh: ROWS rows of a logistic model with 10 numeric
covariates x1..x10 and two text columns g1, g2 of 50 levels each ("a00".."a49", "b00".."b49"),
as CSV, and the same 10 numeric columns and response alone (the numeric-only CSV, for the
comparison of the plain CSV -> fit path with the formula path on the same numbers).

    python make_data.py ROWS OUT_DIR
"""

import os
import sys

import numpy as np
import pandas as pd


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = np.random.default_rng(17)
    x = rng.standard_normal((rows, 10))
    g1 = rng.integers(0, 50, rows)
    g2 = rng.integers(0, 50, rows)
    beta = np.linspace(-0.5, 0.5, 10)
    effect1 = np.linspace(-1.0, 1.0, 50)
    effect2 = np.linspace(0.8, -0.8, 50)
    eta = 0.2 + x @ beta + effect1[g1] + effect2[g2]
    y = (rng.random(rows) < 1.0 / (1.0 + np.exp(-eta))).astype(int)
    df = pd.DataFrame(x, columns=[f"x{j}" for j in range(1, 11)]).round(6)
    df.insert(0, "y", y)
    df.to_csv(os.path.join(out, f"numeric_{rows}.csv"), index=False)
    df["g1"] = np.char.add("a", np.char.zfill(g1.astype(str), 2))
    df["g2"] = np.char.add("b", np.char.zfill(g2.astype(str), 2))
    df.to_csv(os.path.join(out, f"formula_{rows}.csv"), index=False)


if __name__ == "__main__":
    main()
