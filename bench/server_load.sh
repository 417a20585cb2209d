#!/usr/bin/env bash
# Requests per second under uvicorn on 127.0.0.1: the bare app, and the same app under inspect(app).
# Usage: bench/server_load.sh [SECONDS] [CONNECTIONS] [ROUNDS] [APP]
#   defaults: 5 s, 16 connections per server, 6 rounds, APP "raw" (a minimal raw ASGI app, the target's yardstick);
#   APP "starlette" or "fastapi" serves the same response from a small app of that framework, for its ratio.
# Both servers (one worker each) are loaded at the same time, each by its own wrk, for SECONDS per round. With
# taskset and two or more CPUs, both servers share the last CPU and the load generators get the others: the
# scheduler gives each busy server half of that CPU, so the ratio of their requests per second is the ratio of
# their cost per request, and the machine's speed swings (large on a shared virtual machine: ±25 % between
# 2-second rounds) hit both alike. Loading them one after the other instead measured the same ratio to ±3 points
# at best. The ratio printed is the median of the rounds' ratios, next to each server's rounds.
# Needs wrk (Debian package "wrk"); loads only 127.0.0.1; stops by itself and kills only the servers it started.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
connections="${2:-16}"
rounds="${3:-6}"
app="${4:-raw}"
case "$app" in
  raw) prefix="" ;;
  starlette | fastapi) prefix="${app}_" ;;
  *) echo "unknown APP '$app' (raw, starlette or fastapi)"; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
python="${PYTHON:-python}"
server_cpu=()
client_cpu=()
cpus="$(nproc)"
if command -v taskset >/dev/null && [ "$cpus" -ge 2 ]; then
  server_cpu=(taskset -c "$((cpus - 1))")
  client_cpu=(taskset -c "0-$((cpus - 2))")
  placement="both servers on CPU $((cpus - 1)), the load generators on the other CPUs"
else
  placement="no CPU pinning (needs taskset and 2 CPUs): the ratio is less steady"
fi
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start() {  # start APP_ATTR -> prints the port once the server listens
  local attr="$1" port
  port="$(free_port)"
  PYTHONPATH=bench ${server_cpu[@]+"${server_cpu[@]}"} "$python" -m uvicorn "server_apps:$attr" --host 127.0.0.1 --port "$port" \
    --log-level warning --no-access-log --lifespan on >/dev/null 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  echo "$port"
}

load_both() {  # load_both DURATION -> prints "BARE INSPECTED" requests/second, both loaded at the same time
  local bare_out inspected_out
  bare_out="$(mktemp)"
  inspected_out="$(mktemp)"
  ${client_cpu[@]+"${client_cpu[@]}"} wrk -t1 -c"$connections" -d"$1" "http://127.0.0.1:$bare_port/" >"$bare_out" &
  local bare_wrk=$!
  ${client_cpu[@]+"${client_cpu[@]}"} wrk -t1 -c"$connections" -d"$1" "http://127.0.0.1:$inspected_port/" >"$inspected_out"
  wait "$bare_wrk"
  echo "$(awk '/Requests\/sec/ {print $2}' "$bare_out") $(awk '/Requests\/sec/ {print $2}' "$inspected_out")"
  rm -f "$bare_out" "$inspected_out"
}

bare_port="$(start "${prefix}bare")"
inspected_port="$(start "${prefix}inspected")"
load_both 2s >/dev/null
bare=()
inspected=()
for _ in $(seq 1 "$rounds"); do
  read -r b i <<<"$(load_both "${seconds}s")"
  bare+=("$b")
  inspected+=("$i")
done
echo "uvicorn, ${app} app, ${rounds} rounds of ${seconds}s, ${connections} connections per server, 1 worker each;"
echo "both servers loaded at the same time, ${placement}"
"$python" - "${bare[*]}" "${inspected[*]}" <<'PY'
import statistics, sys
bare = [float(x) for x in sys.argv[1].split()]
inspected = [float(x) for x in sys.argv[2].split()]
ratios = [i / b for b, i in zip(bare, inspected)]
print(f"bare:      {statistics.median(bare):9.1f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in bare)})")
print(f"inspected: {statistics.median(inspected):9.1f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in inspected)})")
print(f"ratio:     {statistics.median(ratios):.1%} of bare, median of the rounds' ratios "
      f"(rounds: {', '.join(f'{r:.1%}' for r in ratios)})")
PY
