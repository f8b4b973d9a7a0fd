#!/usr/bin/env bash
# The cost of inference beyond the fit, one run on this machine:
#   bash benches/inference.sh [ROWS]
# - robust standard errors: `mle fit logistic` on ROWS (default 1e6) simulated rows of 10
#   columns with `--cov model`, `--cov hc1` and `--cov hc3`, best of 5 of the fit's own wall time
#   (`wall_time_s`, reading the CSV excluded), beside the time of one pass over the data
#   (the plain fit's time over its evaluations);
# - profile intervals: `--ci profile` on 1e5 rows against the plain command, best of 3 of the
#   whole command, as a multiple of the fit's own time.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
cargo build --release --quiet --bin mle
mle="${CARGO_TARGET_DIR:-target}/release/mle"
dir=target/bench
mkdir -p "$dir"
csv="$dir/logistic_${rows}_10.csv"
[ -f "$csv" ] || "$mle" simulate logistic --n "$rows" --p 10 --seed 1 --out "$csv" > /dev/null
small="$dir/logistic_100000_10.csv"
[ -f "$small" ] || "$mle" simulate logistic --n 100000 --p 10 --seed 1 --out "$small" > /dev/null
field() { python3 -c 'import json, sys; v = json.load(open(sys.argv[1])); print(v[sys.argv[2]])' "$@"; }
best_fit() { # best wall_time_s of 5 runs of `mle fit logistic --data $1 --y y $2...`
  local data=$1 best=
  shift
  for _ in 1 2 3 4 5; do
    "$mle" fit logistic --data "$data" --y y "$@" --json > "$dir/inference.json"
    local t
    t=$(field "$dir/inference.json" wall_time_s)
    best=$(python3 -c 'import sys; a = sys.argv[1:]; print(min(map(float, filter(None, a))))' "$t" "$best")
  done
  echo "$best"
}
plain=$(best_fit "$csv" --cov model)
passes=$(python3 -c 'import json; v = json.load(open("target/bench/inference.json")); print(v["gradient_evals"] + v["hessian_evals"])')
robust=$(best_fit "$csv" --cov hc1)
leveraged=$(best_fit "$csv" --cov hc3)
python3 - "$rows" "$plain" "$robust" "$leveraged" "$passes" <<'PY'
import sys
rows, plain, robust, leveraged, passes = int(sys.argv[1]), *map(float, sys.argv[2:5]), int(sys.argv[5])
one = plain / passes
print(f"robust standard errors, n = {rows}, p = 10 (best of 5, fit time):")
print(f"  --cov model {plain:.3f} s ({passes} evaluations, {one:.3f} s each on average)")
for name, t in (("hc1", robust), ("hc3", leveraged)):
    extra = t - plain
    print(f"  --cov {name}   {t:.3f} s: {extra:+.3f} s = {extra / one:.2f} passes")
PY
whole() { # best of 3, seconds of the whole command
  local best=
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N)
    "$mle" fit logistic --data "$small" --y y "$@" --json > "$dir/inference.json"
    e=$(date +%s.%N)
    best=$(python3 -c 'import sys; a = sys.argv[1:]; print(min(map(float, filter(None, a))))' "$(python3 -c "print($e - $s)")" "$best")
  done
  echo "$best"
}
base=$(whole)
fit_time=$(field "$dir/inference.json" wall_time_s)
profiled=$(whole --ci profile)
refits=$(field "$dir/inference.json" profile_refits)
python3 - "$base" "$profiled" "$fit_time" "$refits" <<'PY'
import sys
base, profiled, fit, refits = map(float, sys.argv[1:])
print("profile intervals, n = 100000, p = 10 (best of 3, whole command):")
print(f"  plain {base:.3f} s, --ci profile {profiled:.3f} s: {profiled - base:.3f} s over, "
      f"{int(refits)} refits, {(profiled - base) / fit:.1f} x the fit's {fit:.3f} s")
PY
