#!/usr/bin/env bash
# The unloaded step rate of one big render: starts BUILD/mosaicd on a temporary state directory,
# submits a 16376 x 16376 px, 1000-step euler render, follows its event stream for SECONDS, and
# prints the steps per second between the 10th second and the last progress event (from the
# events' elapsed_seconds, step and tiles_done). Compare builds by turns: the host drifts.
#
#   scripts/render_rate.sh [BUILD_DIR (.build/release)] [SECONDS (55)] [SIDE (16376)]
# Needs curl and python3 (a developer tool: neither is installed by `make deps`).
set -euo pipefail
build=${1:-.build/release}; seconds=${2:-55}; side=${3:-16376}
work=$(mktemp -d)
"$build/mosaicd" serve --state-dir "$work/state" --socket "$work/s.sock" --threads 2 2>/dev/null &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -S "$work/s.sock" ] && break; sleep 0.1; done
id=$(curl -s --unix-socket "$work/s.sock" -H 'Content-Type: application/json' http://x/v1/jobs -d \
  "{\"render\":{\"prompt\":\"vast misty ocean at dusk, waves\",\"width\":$side,\"height\":$side,\"steps\":1000,\"sampler\":\"euler\",\"seed\":1,\"lossless\":true}}" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
timeout "$seconds" curl -sN --unix-socket "$work/s.sock" "http://x/v1/jobs/$id/events" > "$work/events" || true
python3 - "$work/events" <<'PY'
import json, sys
points = []
for line in open(sys.argv[1], encoding="utf-8"):
    event = json.loads(line)
    if event.get("type") == "progress":
        p = event["progress"]
        points.append((p["elapsed_seconds"], p["step"] + p["tiles_done"] / max(1, p["tiles_total"])))
late = [point for point in points if point[0] >= 10]
if len(late) < 2:
    sys.exit("too few progress events after 10 s: give it more seconds")
(t0, s0), (t1, s1) = late[0], late[-1]
print(f"{(s1 - s0) / (t1 - t0):.3f} steps/s over {t1 - t0:.0f} s")
PY
