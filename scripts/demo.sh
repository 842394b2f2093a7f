#!/usr/bin/env bash
# The README's first command (via `make demo`): build, start the real daemon on a temporary
# state directory and socket, submit a render with the built-in model through mosaicctl,
# show its progress, and print the WebP file's path. The daemon stops when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
bin="$(swift build -c release --show-bin-path)"
dir="${MOSAIC_DEMO_DIR:-$(mktemp -d -t mosaic-demo.XXXXXX)}"
mkdir -p "$dir"
size="${MOSAIC_DEMO_SIZE:-8192}"
"$bin/mosaicd" serve --state-dir "$dir/state" --socket "$dir/mosaicd.sock" >"$dir/mosaicd.log" 2>&1 &
daemon=$!
trap 'kill -TERM "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true' EXIT
export MOSAIC_SOCKET="$dir/mosaicd.sock"
for _ in $(seq 100); do "$bin/mosaicctl" status >/dev/null 2>&1 && break; sleep 0.1; done
echo "mosaicd is serving $MOSAIC_SOCKET (log: $dir/mosaicd.log)"
output="$("$bin/mosaicctl" submit "vast misty ocean at dusk, waves" --width "$size" --height "$size" \
    --steps 30 --seed 7 --wait | tail -n 1)"
echo "wrote $output"
