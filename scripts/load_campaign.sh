#!/usr/bin/env bash
# Several `mosaic-bench load --windows` runs one after the other, then their loaded windows pooled
# (scripts/pool_load_windows.py): on a host whose speed drifts by more than the 5% the target
# allows, one run's median lands a few points either side of the effect, and only many windows
# together pin it down. Runs alternate between 10 windows of 10 s and 20 windows of 5 s, all on a
# 16376 px, 1000-step render with 200 clients (the README's commands); each run's output is kept
# in OUT_DIR. Run it on an otherwise idle machine: a build alongside is load the render counts.
#
#   scripts/load_campaign.sh [RUNS (8)] [OUT_DIR (a new temporary directory)] [BUILD_DIR (.build/release)]
#
# The render (at most 1000 steps, 16376 px) must outlast the windows, which are cancelled with it:
# on a host that renders it in under about four minutes (seven steps a second), give shorter
# windows, e.g. SHAPE_N="--windows 8 --window 6" SHAPE_F="--windows 12 --window 4".
# Needs python3 for the pooling (a developer tool: `make deps` does not install it).
set -euo pipefail
runs=${1:-8}; out=${2:-$(mktemp -d)}; build=${3:-.build/release}
mkdir -p "$out"
[ -x "$build/mosaic-bench" ] && [ -x "$build/mosaicd" ] || {
  echo "load_campaign: $build/mosaic-bench and $build/mosaicd are needed:" \
       "swift build -c release --product mosaicd && swift build -c release --product mosaic-bench" >&2
  exit 2
}
files=()
for i in $(seq 1 "$runs"); do
  if [ $((i % 2)) -eq 1 ]; then read -ra shape <<<"${SHAPE_N:---windows 10 --window 10}"; tag=N
  else read -ra shape <<<"${SHAPE_F:---windows 20 --window 5}"; tag=F; fi
  file="$out/$(printf %02d "$i")-$tag.txt"
  echo "load_campaign: run $i of $runs (${shape[*]}), $(date +%T) -> $file"
  # A run whose own median misses the slowdown target exits 1; it still counts in the pool.
  "$build/mosaic-bench" load --clients 200 "${shape[@]}" --size 16376 --steps 1000 > "$file" || true
  grep -q "^load: slowdowns of the" "$file" || { echo "load_campaign: run $i did not finish: $file" >&2; exit 1; }
  grep -E "^load: (errors|PASS|FAIL)" "$file" | sed 's/^/  /'
  files+=("$file")
done
python3 "$(dirname "$0")/pool_load_windows.py" "${files[@]}"
