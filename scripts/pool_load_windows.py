#!/usr/bin/env python3
"""Pools the loaded windows of several `mosaic-bench load --windows` runs.

Usage: scripts/pool_load_windows.py RUN.txt [RUN.txt ...]   (each file: one run's output)

For the slowdowns of the loaded windows and the two factors each run prints (the render
threads' CPU per second and their CPU per step, against the neighbouring unloaded windows),
prints the median, a 95% bootstrap interval of the median (4,000 resamples, seed 1) and the mean
over all the runs' windows together. The windows of one run share the host's phase, so a second
interval resamples whole runs (a cluster bootstrap: each resample draws as many runs as were
given, with replacement, and takes the median of their windows together). Given enough runs
(eight, say; with two or three it means little) it is the more honest of the two. First it prints the other two targets over all the runs:
the errors in total and the largest p99 of list and show; last, a verdict on the three targets
(exit status 0 when met), with the pooled median slowdown judged and where its intervals end.
Python's standard library only.
"""
import random
import re
import statistics
import sys

LINES = [
    ("slowdowns of the", "slowdown"),
    ("CPU per second", "the render threads' CPU per second, neighbours over loaded"),
    ("CPU per step", "their CPU per step, loaded over neighbours"),
]


def values(text, key):
    match = re.search(re.escape(key) + r"[^:]*: ([^;]+); median", text)
    return [float(item.strip().rstrip("%")) for item in match.group(1).split(",")] if match else []


def main(paths):
    if not paths:
        sys.exit(__doc__)
    texts = [open(path, encoding="utf-8").read() for path in paths]
    met, upper = targets(texts), None
    for key, label in LINES:
        runs = [found for found in (values(text, key) for text in texts) if found]
        pooled = [value for run in runs for value in run]
        if not pooled:
            print(f"{label}: no windows found")
            continue
        rng = random.Random(1)
        medians = sorted(statistics.median(rng.choices(pooled, k=len(pooled))) for _ in range(4000))
        clustered = sorted(statistics.median([value for run in rng.choices(runs, k=len(runs)) for value in run])
                           for _ in range(4000))
        print(f"{label}: {len(pooled)} windows of {len(runs)} runs, median {statistics.median(pooled):+.1f}%, "
              f"95% interval {medians[100]:+.1f}% to {medians[3899]:+.1f}% (resampling runs: "
              f"{clustered[100]:+.1f}% to {clustered[3899]:+.1f}%), mean {statistics.mean(pooled):+.1f}%")
        if key == "slowdowns of the":
            slowdown, upper = statistics.median(pooled), max(medians[3899], clustered[3899])
            met = met and slowdown <= 5
    if upper is None:
        sys.exit("FAIL: no slowdowns of loaded windows found")
    print(f"{'PASS' if met else 'FAIL'}: the targets over all the runs (0 errors, p99 <= 50 ms, the pooled median "
          f"slowdown <= +5%; its 95% intervals end at {upper:+.1f}%, "
          f"{'within' if upper <= 5 else 'beyond'} the target)")
    sys.exit(0 if met else 1)


def targets(texts):
    """The other two targets over all the runs: errors in total, and the largest p99 of list and
    show; whether both are met."""
    errors = sum(int(match) for text in texts for match in re.findall(r"^load: errors: (\d+)", text, re.M))
    p99s = [float(match) for text in texts for match in re.findall(r"p99 ([0-9.]+) ms \(target", text)]
    if not p99s:
        return False
    print(f"errors: {errors} in all (target 0); the largest p99 of list and show: {max(p99s):.2f} ms (target <= 50)")
    return errors == 0 and max(p99s) <= 50


if __name__ == "__main__":
    main(sys.argv[1:])
