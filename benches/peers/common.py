"""What the peer scripts share: timing a call and the agreement check."""

import sys
import time

import numpy as np


def timed(f):
    """f's result, wall seconds and CPU seconds."""
    w, c = time.perf_counter(), time.process_time()
    result = f()
    return result, time.perf_counter() - w, time.process_time() - c


RUNS = 5
"""Every tool's time is the fastest of this many runs: the least disturbed by other work on a
shared machine. `mle`'s runs are chosen the same way by run.sh."""


def fastest(f, runs=RUNS):
    """f's result, wall seconds and CPU seconds of the fastest of `runs` calls."""
    return min((timed(f) for _ in range(runs)), key=lambda r: r[1])


def require_agreement(rows, reference, limit):
    """Exits 1 when any row's coefficients (its last field) differ from reference by > limit."""
    worst = max(np.max(np.abs(row[-1] - reference)) for row in rows)
    if worst > limit:
        print(f"DISAGREEMENT: coefficients differ by {worst:.2e} > {limit:g}")
        sys.exit(1)
