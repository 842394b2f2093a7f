#!/usr/bin/env bash
# The README's first command (via `make demo`): build, render an 8192x8192 image with the
# built-in model, show progress, and print the WebP file's path.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product mosaicd
bin="$(swift build -c release --show-bin-path)/mosaicd"
state="${MOSAIC_DEMO_DIR:-$(mktemp -d -t mosaic-demo.XXXXXX)}"
mkdir -p "$state"
out="$state/misty-ocean-dusk.webp"
"$bin" render --prompt "vast misty ocean at dusk, waves" --width "${MOSAIC_DEMO_SIZE:-8192}" \
    --height "${MOSAIC_DEMO_SIZE:-8192}" --steps 30 --seed 7 --output "$out" >/dev/null
echo "wrote $out"
