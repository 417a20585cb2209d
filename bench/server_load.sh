#!/usr/bin/env bash
# Requests per second under uvicorn on 127.0.0.1: the bare app, then the same app under inspect(app).
# Usage: bench/server_load.sh [SECONDS] [CONNECTIONS] [ROUNDS] [APP]
#   defaults: 5 s, 32 connections, 3 rounds, APP "raw" (a minimal raw ASGI app, the target's yardstick);
#   APP "starlette" serves the same response from a small Starlette app, for a framework's ratio.
# Rounds alternate bare and inspected (each after a 2 s warm-up) and the medians are compared, so a machine whose
# speed drifts affects both alike.
# Needs wrk (Debian package "wrk"); loads only 127.0.0.1; stops by itself and kills only the servers it started.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
connections="${2:-32}"
rounds="${3:-3}"
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

run() {  # run APP_ATTR -> prints requests/second
  local attr="$1" port
  port="$(free_port)"
  PYTHONPATH=bench "$python" -m uvicorn "server_apps:$attr" --host 127.0.0.1 --port "$port" --log-level warning \
    --no-access-log --lifespan on >/dev/null 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$port/" >/dev/null
  wrk -t1 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print $2}'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

bare=()
inspected=()
for _ in $(seq 1 "$rounds"); do
  bare+=("$(run "${prefix}bare")")
  inspected+=("$(run "${prefix}inspected")")
done
echo "uvicorn, ${app} app, ${rounds} rounds of ${seconds}s, ${connections} connections, 1 worker"
"$python" - "${bare[*]}" "${inspected[*]}" <<'PY'
import statistics, sys
bare = [float(x) for x in sys.argv[1].split()]
inspected = [float(x) for x in sys.argv[2].split()]
print(f"bare:      {statistics.median(bare):9.1f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in bare)})")
print(f"inspected: {statistics.median(inspected):9.1f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in inspected)})")
print(f"ratio:     {statistics.median(inspected) / statistics.median(bare):.1%} of bare")
PY
