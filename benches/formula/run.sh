#!/usr/bin/env bash
# The formula path against the plain CSV -> fit path and against the peers, one thread each:
# a logistic model at ROWS rows with 10 numeric columns and two text columns of 50 levels each.
#   bash benches/formula/run.sh [ROWS]        (default 1000000)
# 1. the same 10 numeric columns fitted three ways by mle: --x from a numeric-only CSV, --x from
#    the CSV with the text columns beside them, and --formula "y ~ x1 + ... + x10" (the formula
#    path must not slow the CSV -> fit path);
# 2. the whole formula "y ~ x1 + ... + x10 + C(g1) + C(g2)" (109 coefficients) by mle,
#    statsmodels' formula API and pandas + glum, from the same file, coefficients checked.
# Every time is the fastest of three runs of the whole process (reading the file included).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 RAYON_NUM_THREADS=1
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q numpy pandas statsmodels scikit-learn glum
fi
cargo build --release --quiet --bin mle
mle="${CARGO_TARGET_DIR:-target}/release/mle"
dir=target/bench
mkdir -p "$dir"
[ -f "$dir/formula_$rows.csv" ] || .venv-bench/bin/python benches/formula/make_data.py "$rows" "$dir"
numeric="$dir/numeric_$rows.csv"
data="$dir/formula_$rows.csv"
xs=$(seq -s, 1 10 | sed -E 's/([0-9]+)/x\1/g')
terms=$(seq -s ' ' 1 10 | sed -E 's/([0-9]+)/x\1 +/g')
# the fastest of three runs of a command writing JSON: its wall seconds and peak RSS (KiB)
fastest_of_3() {
  local out=$1
  shift
  local best=""
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$out.time" "$@" > "$out.$i.json"
    read -r t rss < "$out.time"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then
      best=$t
      best_rss=$rss
      cp "$out.$i.json" "$out.json"
    fi
  done
  echo "$best $best_rss"
}
read -r t1 _ < <(fastest_of_3 "$dir/f_numeric" "$mle" fit logistic --data "$numeric" --y y --x "$xs" --json)
read -r t2 _ < <(fastest_of_3 "$dir/f_beside" "$mle" fit logistic --data "$data" --y y --x "$xs" --json)
read -r t3 _ < <(fastest_of_3 "$dir/f_plain" "$mle" fit logistic --data "$data" --formula "y ~ ${terms% +}" --json)
read -r t4 rss4 < <(fastest_of_3 "$dir/f_full" "$mle" fit logistic --data "$data" --formula "y ~ $terms C(g1) + C(g2)" --json)
same=$(.venv-bench/bin/python -c 'import json, sys
b = [[q["estimate"] for q in json.load(open(f))["params"]] for f in sys.argv[1:]]
print(max(abs(x - y) for o in b[1:] for x, y in zip(o, b[0])))' "$dir/f_numeric.json" "$dir/f_beside.json" "$dir/f_plain.json")
.venv-bench/bin/python benches/formula/peers.py "$data" "$dir/f_full.json" "$t4" "$rss4" \
  "" \
  "the 10 numeric columns alone (mle, wall s, process): --x from a numeric-only CSV $t1;" \
  "--x from the CSV with the text columns $t2; --formula \"y ~ x1 + ... + x10\" $t3" \
  "(coefficients of the three equal to $same)"
