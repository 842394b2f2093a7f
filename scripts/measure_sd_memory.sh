#!/usr/bin/env bash
# Peak memory of a Stable Diffusion render in the real daemon (docs/sd-memory.md).
#
#   scripts/measure_sd_memory.sh MODEL.safetensors [SIZE] [TILES]
#
# Starts the release mosaicd on a temporary state directory with MODEL's directory as its
# models directory, submits a SIZExSIZE render (default 8192) of one step with that model
# through mosaicctl, samples the daemon's /proc/PID/status every second (VmHWM, the peak
# resident set; RssAnon, its own memory; RssFile, mapped files: the weights) until TILES tile
# evaluations (default 6) have finished or the job ends, then cancels the job and prints the
# peaks. With TILES 0 it waits for the job to finish (decode and output included).
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:?usage: measure_sd_memory.sh MODEL.safetensors [SIZE] [TILES]}"
size="${2:-8192}"
tiles="${3:-6}"
[ -f "$model" ] || { echo "measure_sd_memory.sh: no model file at $model" >&2; exit 2; }
bin="$(swift build -c release --show-bin-path)"
[ -x "$bin/mosaicd" ] && [ -x "$bin/mosaicctl" ] || { echo "measure_sd_memory.sh: build first: swift build -c release" >&2; exit 2; }

dir="$(mktemp -d -t mosaic-sd-memory.XXXXXX)"
name="$(basename "$model" .safetensors)"
"$bin/mosaicd" serve --state-dir "$dir/state" --socket "$dir/mosaicd.sock" --models "$(dirname "$model")" \
    >"$dir/mosaicd.log" 2>&1 &
daemon=$!
trap 'kill -TERM "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; rm -rf "$dir"' EXIT
export MOSAIC_SOCKET="$dir/mosaicd.sock"
for _ in $(seq 100); do "$bin/mosaicctl" status >/dev/null 2>&1 && break; sleep 0.1; done

started=$(date +%s)
id="$("$bin/mosaicctl" submit --model "$name" "a lighthouse on a cliff, stormy sea" --width "$size" --height "$size" \
    --steps 1 --seed 7 --json | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d.get("job", d)["id"])')"
echo "job $id: ${size}x${size}, 1 step, model $name (daemon pid $daemon, log $dir/mosaicd.log)"

# Tile progress travels only in events (the job's row is updated once a step).
"$bin/mosaicctl" watch "$id" --json >"$dir/events.ndjson" 2>/dev/null &
watcher=$!
kib() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$daemon/status"; }
peak_anon=0 peak_file=0 done_tiles=0 total_tiles=0 state=queued
while kill -0 "$daemon" 2>/dev/null; do
    anon=$(kib RssAnon); file=$(kib RssFile)
    [ "$anon" -gt "$peak_anon" ] && peak_anon=$anon
    [ "$file" -gt "$peak_file" ] && peak_file=$file
    read -r state done_tiles total_tiles < <(python3 - "$dir/events.ndjson" <<'PY'
import json, sys
state, done, total = "queued", 0, 0
for line in open(sys.argv[1]):
    try:
        event = json.loads(line)
    except ValueError:
        continue  # a line still being written
    state = event.get("state") or (event.get("job") or {}).get("state") or state
    progress = event.get("progress") or {}
    if progress.get("step", 0) == 0 and "tiles_done" in progress:
        done, total = progress["tiles_done"], progress.get("tiles_total", 0)
print(state, done, total)
PY
)
    printf '\r%4ds  %-9s tiles %s/%s  RssAnon %6d MiB  RssFile %6d MiB  VmHWM %6d MiB ' $(( $(date +%s) - started )) \
        "$state" "$done_tiles" "$total_tiles" $((anon / 1024)) $((file / 1024)) $(( $(kib VmHWM) / 1024 ))
    case "$state" in succeeded|failed|canceled) break ;; esac
    [ "$tiles" -gt 0 ] && [ "$done_tiles" -ge "$tiles" ] && break
    sleep 2
done
kill "$watcher" 2>/dev/null || true
echo
hwm=$(kib VmHWM)
if [ "$state" = running ]; then "$bin/mosaicctl" cancel "$id" >/dev/null || true; fi
echo "peak resident set (VmHWM): $((hwm / 1024)) MiB; peaks sampled each second: RssAnon $((peak_anon / 1024)) MiB, RssFile $((peak_file / 1024)) MiB"
echo "job state $state after $done_tiles tile evaluations, $(( $(date +%s) - started )) s"
