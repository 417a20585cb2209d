#!/usr/bin/env bash
# Requests per second under uvicorn on 127.0.0.1: the bare app, and the same app under inspect(app).
# Usage: bench/server_load.sh [SECONDS] [CONNECTIONS] [ROUNDS] [APP]
#   defaults: 5 s, 32 connections, 7 rounds, APP "raw" (a minimal raw ASGI app, the target's yardstick);
#   APP "starlette" serves the same response from a small Starlette app, for a framework's ratio.
# Both servers run side by side for the whole measurement (one worker each; an idle one uses no CPU). Each round
# loads the bare server, then the inspected one, for SECONDS each, so a machine whose speed drifts affects both
# alike; the ratio printed is the median of the rounds' ratios, next to the medians of each.
# Needs wrk (Debian package "wrk"); loads only 127.0.0.1; stops by itself and kills only the servers it started.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
connections="${2:-32}"
rounds="${3:-7}"
app="${4:-raw}"
case "$app" in
  raw) prefix="" ;;
  starlette) prefix="starlette_" ;;
  *) echo "unknown APP '$app' (raw or starlette)"; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
python="${PYTHON:-python}"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start() {  # start APP_ATTR -> prints the port once the server listens
  local attr="$1" port
  port="$(free_port)"
  PYTHONPATH=bench "$python" -m uvicorn "server_apps:$attr" --host 127.0.0.1 --port "$port" --log-level warning \
    --no-access-log --lifespan on >/dev/null 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  echo "$port"
}

load() {  # load PORT DURATION -> prints requests/second
  wrk -t1 -c"$connections" -d"$2" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'
}

bare_port="$(start "${prefix}bare")"
inspected_port="$(start "${prefix}inspected")"
load "$bare_port" 2s >/dev/null
load "$inspected_port" 2s >/dev/null
bare=()
inspected=()
for _ in $(seq 1 "$rounds"); do
  bare+=("$(load "$bare_port" "${seconds}s")")
  inspected+=("$(load "$inspected_port" "${seconds}s")")
done
echo "uvicorn, ${app} app, ${rounds} rounds of ${seconds}s each, ${connections} connections, 1 worker per server"
"$python" - "${bare[*]}" "${inspected[*]}" <<'PY'
import statistics, sys
bare = [float(x) for x in sys.argv[1].split()]
inspected = [float(x) for x in sys.argv[2].split()]
ratios = [i / b for b, i in zip(bare, inspected)]
print(f"bare:      {statistics.median(bare):9.1f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in bare)})")
print(f"inspected: {statistics.median(inspected):9.1f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in inspected)})")
print(f"ratio:     {statistics.median(ratios):.1%} of bare, median of the rounds' ratios "
      f"(rounds: {', '.join(f'{r:.0%}' for r in ratios)})")
PY
