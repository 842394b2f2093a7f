#!/usr/bin/env python3
"""Pools the loaded windows of several `mosaic-bench load --windows` runs.

Usage: scripts/pool_load_windows.py RUN.txt [RUN.txt ...]   (each file: one run's output)

For the slowdowns of the loaded windows and the two factors each run prints (the render
threads' CPU per second and their CPU per step, against the neighbouring unloaded windows),
prints the median, a 95% bootstrap interval of the median (4,000 resamples, seed 1) and the mean
over all the runs' windows together. Python's standard library only.
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
    for key, label in LINES:
        pooled = [value for text in texts for value in values(text, key)]
        if not pooled:
            print(f"{label}: no windows found")
            continue
        rng = random.Random(1)
        medians = sorted(statistics.median(rng.choices(pooled, k=len(pooled))) for _ in range(4000))
        print(f"{label}: {len(pooled)} windows, median {statistics.median(pooled):+.1f}%, "
              f"95% interval {medians[100]:+.1f}% to {medians[3899]:+.1f}%, mean {statistics.mean(pooled):+.1f}%")


if __name__ == "__main__":
    main(sys.argv[1:])
