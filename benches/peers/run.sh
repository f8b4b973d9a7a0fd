#!/usr/bin/env bash
# Side-by-side timing of `mle` and the tools users would otherwise pick (statsmodels,
# scikit-learn, glum) on the same simulated CSV, one thread each, every fit the fastest of five
# runs: logistic, Gaussian, Poisson and Gamma regression. (User-written likelihoods against
# statsmodels and TMB: benches/peers/user_models.sh.)
#   bash benches/peers/run.sh [ROWS] [COLS]        (default 1000000 10)
# Installs the Python peers into .venv-bench/ (ignored by git) on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
cols=${2:-10}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 RAYON_NUM_THREADS=1

if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q numpy pandas statsmodels scikit-learn glum
fi
cargo build --release --quiet --bin mle --example bench_csv
mle="${CARGO_TARGET_DIR:-target}/release/mle"
bench_csv="${CARGO_TARGET_DIR:-target}/release/examples/bench_csv"
dir=target/bench
mkdir -p "$dir"
csv="$dir/logistic_${rows}_${cols}.csv"
[ -f "$csv" ] || "$mle" simulate logistic --n "$rows" --p "$cols" --seed 1 --out "$csv" > /dev/null
# Runs a command writing JSON five times (as the Python peers are timed: the fastest of five)
# and keeps, as OUT.json and OUT.time, the run whose field KEY (seconds) is smallest.
fastest_of_5() {
  local out=$1 key=$2
  shift 2
  for i in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$out.$i.time" "$@" > "$out.$i.json" || true
  done
  local best
  best=$(.venv-bench/bin/python -c 'import json, sys
k, out = sys.argv[1], sys.argv[2]
print(min((1, 2, 3, 4, 5), key=lambda i: json.load(open(f"{out}.{i}.json"))[k]))' "$key" "$out")
  mv "$out.$best.json" "$out.json"
  mv "$out.$best.time" "$out.time"
}

# the whole process, with its peak resident memory (GNU time's %M, in KiB)
fastest_of_5 "$dir/mle" wall_time_s "$mle" fit logistic --data "$csv" --y y --optimizer newton --json
read -r total rss < "$dir/mle.time"
# reading the CSV into the model's frame (as `mle fit` does), on one thread and on every core
load1=$("$bench_csv" "$csv" | sed -E 's/.*frame ([0-9.]+) s.*/\1/')
loadn=$(env -u RAYON_NUM_THREADS "$bench_csv" "$csv" | sed -E 's/.*frame ([0-9.]+) s.*/\1/')
.venv-bench/bin/python benches/peers/peers.py "$csv" "$dir/mle.json" "$total" "$rss" "$load1" "$loadn"

# the Gaussian linear model: closed-form OLS and the iterative MLE against statsmodels, scikit-learn
gauss="$dir/gaussian_${rows}_${cols}.csv"
[ -f "$gauss" ] || "$mle" simulate gaussian --n "$rows" --p "$cols" --seed 1 --out "$gauss" > /dev/null
fastest_of_5 "$dir/compare" ols_time_s "$mle" compare --data "$gauss" --y y --json
fastest_of_5 "$dir/linear" wall_time_s "$mle" fit linear --data "$gauss" --y y --optimizer newton --json
.venv-bench/bin/python benches/peers/linear.py "$gauss" "$dir/compare.json" "$dir/linear.json"

# Poisson and Gamma regression (log link) against statsmodels' GLM, scikit-learn and glum
for family in poisson gamma; do
  glm_csv="$dir/${family}_${rows}_${cols}.csv"
  [ -f "$glm_csv" ] || "$mle" simulate "$family" --n "$rows" --p "$cols" --seed 1 --out "$glm_csv" > /dev/null
  fastest_of_5 "$dir/$family" wall_time_s "$mle" fit "$family" --data "$glm_csv" --y y --json
  .venv-bench/bin/python benches/peers/glm.py "$family" "$glm_csv" "$dir/$family.json"
done
