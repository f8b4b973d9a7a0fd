#!/usr/bin/env bash
# User-written likelihoods (models of independent rows) against statsmodels and TMB, in one run:
# a Poisson regression at n = 100,000 (p = 5 + intercept) and an NB2 regression at n = 1,000,000
# (p = 2 + intercept), each fit with its standard errors, mle on one thread and on every core.
#   bash benches/peers/user_models.sh
# Installs the Python peers into .venv-bench/ on first use; needs R 4.2 with TMB
# (apt-get install r-base-core r-cran-tmb).
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q numpy pandas statsmodels scikit-learn glum
fi
cargo build --release --quiet --example bench_custom
bench="${CARGO_TARGET_DIR:-target}/release/examples/bench_custom"
dir=target/bench
mkdir -p "$dir"
for spec in poisson:100000 nb2:1000000; do
  model=${spec%%:*}
  rows=${spec##*:}
  csv="$dir/user_${model}_${rows}.csv"
  [ -f "$csv" ] || .venv-bench/bin/python benches/peers/user_models.py make "$model" "$csv" "$rows"
  RAYON_NUM_THREADS=1 "$bench" "$model" "$csv" > "$dir/user_${model}_1.json"
  "$bench" "$model" "$csv" > "$dir/user_${model}_all.json"
  Rscript benches/peers/tmb.R "$model" "$csv" "$dir/user_${model}_tmb.json"
  .venv-bench/bin/python benches/peers/user_models.py compare "$model" "$csv" \
    "$dir/user_${model}_1.json" "$dir/user_${model}_all.json" "$dir/user_${model}_tmb.json"
done
