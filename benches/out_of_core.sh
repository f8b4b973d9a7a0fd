#!/usr/bin/env bash
# Out of core against in memory, one machine: a logistic model, ROWS rows, p = 10 plus an
# intercept, simulated to CSV (and the same data as Parquet), fitted with the design in memory
# and with --memory BUDGET (the design spilled to an unnamed temporary file, every pass reading
# it a window at a time from the page cache). Prints, for each, the whole command's wall time,
# its peak RSS (GNU time's %M), the fit's time per evaluation of the pass, the spill's size,
# and the largest difference of the estimates from the in-memory fit's; exits 1 if they differ
# by more than 1e-10 relative. Where the page cache can be dropped (root, a writable
# /proc/sys/vm/drop_caches), a third run fits out of core from cold disk: dirty pages are
# written back and the clean ones dropped every quarter second while it runs, so that the windows
# of the spill are read from the disk (a window being worked on stays mapped, and in memory).
#   bash benches/out_of_core.sh [ROWS] [BUDGET]        (default 20000000 512MB)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-20000000}
budget=${2:-512MB}
cargo build --release --quiet --bin mle
mle="${CARGO_TARGET_DIR:-target}/release/mle"
dir=target/bench
mkdir -p "$dir"
csv="$dir/logistic_${rows}_10.csv"
[ -f "$csv" ] || "$mle" simulate logistic --n "$rows" --p 10 --seed 1 --out "$csv" > /dev/null
ls -l "$csv" | awk '{printf "data: %s, %.2f GB of CSV\n", $NF, $5 / 1e9}'
run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$dir/ooc_$name.time" "$mle" fit logistic --data "$csv" --y y \
    --json "$@" > "$dir/ooc_$name.json"
}
run memory
run disk --memory "$budget"
runs="memory disk"
if [ -w /proc/sys/vm/drop_caches ]; then
  sync
  ( while :; do sync; echo 1 > /proc/sys/vm/drop_caches; sleep 0.25; done ) &
  dropper=$!
  run cold --memory "$budget"
  kill "$dropper"
  runs="$runs cold"
else
  echo "cold disk: not measured (the page cache cannot be dropped from here)"
fi
python3 - "$dir" "$budget" $runs <<'PY'
import json, sys
d, budget = sys.argv[1], sys.argv[2]
fits = {k: json.load(open(f"{d}/ooc_{k}.json")) for k in sys.argv[3:]}
times = {k: open(f"{d}/ooc_{k}.time").read().split() for k in fits}
print(f"{'':<22}{'wall s':>8}{'peak RSS MiB':>14}{'fit s':>8}{'evals':>7}{'s / eval':>10}{'spill MiB':>11}")
for k, f in fits.items():
    evals = f["function_evals"] + f["gradient_evals"] + f["hessian_evals"]
    spill = f.get("spill_bytes")
    label = {"memory": "in memory", "disk": f"--memory {budget}",
             "cold": f"--memory {budget}, cold"}[k]
    print(f"{label:<22}{float(times[k][0]):>8.2f}{int(times[k][1]) / 1024:>14.0f}"
          f"{f['wall_time_s']:>8.2f}{evals:>7}{f['wall_time_s'] / evals:>10.3f}"
          f"{(spill or 0) / 2**20:>11.0f}")
worst = max(abs(a["estimate"] - b["estimate"]) / abs(b["estimate"])
            for k in fits if k != "memory"
            for a, b in zip(fits[k]["params"], fits["memory"]["params"]))
print(f"largest relative difference of the estimates: {worst:.1e}")
if worst > 1e-10 or "spill_bytes" not in fits["disk"]:
    sys.exit(1)
PY
