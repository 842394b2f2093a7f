#!/usr/bin/env bash
# Checks every route of a real mosaicd against docs/openapi.yaml with schemathesis (PyPI),
# through a socat bridge from 127.0.0.1:PORT to the daemon's Unix socket. Not part of CI.
#
#   scripts/schemathesis.sh                  # 100 examples per operation, seed 1
#   MAX_EXAMPLES=500 SEED=7 scripts/schemathesis.sh
#   scripts/schemathesis.sh --checks not_a_server_error   # extra arguments go to `st run`
#
# Needs: socat (apt-get install socat), python3 with venv; schemathesis is installed into
# $VENV (default .venv-fuzz, git-ignored) on first use. Builds mosaicd (debug) unless $MOSAICD
# names one. The daemon runs on a new temporary state directory with its queue paused, so the
# jobs schemathesis submits (up to 16376x16376 px, 1000 steps) wait instead of rendering; two
# operations are left out for the same reason: POST /v1/queue/resume (it would start them) and
# GET /v1/jobs/{id}/events (the stream of an unfinished job stays open until it ends).
# Exit status: schemathesis's (0 when every check passed), or 1 when the daemon died.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8931}"
MAX_EXAMPLES="${MAX_EXAMPLES:-100}"
SEED="${SEED:-1}"
VENV="${VENV:-.venv-fuzz}"

command -v socat >/dev/null || { echo "schemathesis.sh: socat is missing (apt-get install socat)" >&2; exit 2; }
if [ ! -x "$VENV/bin/st" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet schemathesis
fi
if [ -z "${MOSAICD:-}" ]; then
  swift build --product mosaicd
  MOSAICD="$(swift build --show-bin-path)/mosaicd"
fi

work="$(mktemp -d /tmp/mosaic-schemathesis.XXXXXX)"
socket="$work/mosaicd.sock"
daemon_pid="" socat_pid=""
cleanup() {
  [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null || true
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
}
trap cleanup EXIT

env -u NOTIFY_SOCKET -u LISTEN_FDS -u LISTEN_PID "$MOSAICD" serve --state-dir "$work/state" --socket "$socket" \
  --threads 1 >"$work/mosaicd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 200); do
  curl -sf --unix-socket "$socket" http://localhost/v1/status >/dev/null 2>&1 && break
  sleep 0.05
done
curl -sf --unix-socket "$socket" -X POST http://localhost/v1/queue/pause >/dev/null
socat "TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$socket" &
socat_pid=$!
sleep 0.3

status=0
"$VENV/bin/st" run docs/openapi.yaml --url "http://127.0.0.1:$PORT" --checks all --max-examples "$MAX_EXAMPLES" \
  --seed "$SEED" --workers 1 --request-timeout 30 --exclude-path /v1/queue/resume \
  --exclude-path '/v1/jobs/{id}/events' --report junit --report-dir "$work/report" "$@" || status=$?

if ! kill -0 "$daemon_pid" 2>/dev/null; then
  echo "schemathesis.sh: mosaicd died; its log ends:" >&2
  tail -20 "$work/mosaicd.log" >&2
  exit 1
fi
echo "schemathesis.sh: the daemon is still up; its log and the JUnit report are in $work"
exit "$status"
