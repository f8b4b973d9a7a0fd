#!/usr/bin/env bash
# Side-by-side timing of `mle` and the tools users would otherwise pick (statsmodels,
# scikit-learn, glum) on the same simulated CSV, one thread each.
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
cargo build --release --quiet
mle="${CARGO_TARGET_DIR:-target}/release/mle"
dir=target/bench
mkdir -p "$dir"
csv="$dir/logistic_${rows}_${cols}.csv"
[ -f "$csv" ] || "$mle" simulate logistic --n "$rows" --p "$cols" --seed 1 --out "$csv" > /dev/null
start=$(date +%s.%N)
"$mle" fit logistic --data "$csv" --y y --optimizer newton --json > "$dir/mle.json"
end=$(date +%s.%N)
.venv-bench/bin/python benches/peers/peers.py "$csv" "$dir/mle.json" "$(python3 -c "print($end - $start)")"
