"""CPU instructions per request in a uvicorn process serving the bare and the inspected app, under valgrind.

Run: python bench/server_instructions.py [--app raw|starlette|fastapi] [--connections C] [--repeat K] [--cache-sim].
Not part of the test suite; needs valgrind. The server runs with ``--limit-max-requests`` so it stops by itself; a
client on 127.0.0.1 keeps C keep-alive connections (default 16, as bench/server_load.sh) and sends one request on
each, then reads the C responses, round after round. Many connections matter: a server passes the same client and
server address tuples to every request of one connection, so a cache of the last one seen hits with one connection
and misses with sixteen. Each figure is the difference of two runs (N and N + EXTRA requests) divided by EXTRA, so
start-up, lifespan and shutdown cancel out. Where bench/server_load.sh measures requests per second (what users
see, but noisy on a shared machine), this counts the work the server process does per request: repeatable to about
1 % of the total (the event loop's polling varies a little with timing, which is up to 5 % of the difference); the
median of ``--repeat`` alternating runs is reported. Instructions alone are blind to cache effects:
``--cache-sim`` runs cachegrind's cache and branch-predictor simulation instead of callgrind and prints, next to
the instructions, simulated first-level instruction and data cache misses, last-level misses and mispredicted
branches per request (a simulation of a generic CPU, much slower to run;
where a machine has no hardware counters, as a virtual machine often does not, it is the only view of them).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOW, EXTRA = 96, 480  # multiples of 16, so every round uses every connection
REQUEST = b"GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def connect(port: int, server: subprocess.Popen[str]) -> socket.socket:
    """The client connection, once the (slow, valgrind-run) server listens."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start listening")


def read_response(client: socket.socket, pending: bytes) -> bytes:
    """Read one response (headers, then content-length bytes); returns what was read beyond it."""
    while b"\r\n\r\n" not in pending:
        pending += client.recv(65536)
    head, _, rest = pending.partition(b"\r\n\r\n")
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    length = int(match.group(1)) if match else 0
    while len(rest) < length:
        rest += client.recv(65536)
    return rest[length:]


#: What callgrind and cachegrind print at exit, by the name a row of the report gets.
CALLGRIND_COUNTERS = {"instructions": r"Collected : ([\d,]+)"}
CACHEGRIND_COUNTERS = {
    "instructions": r"I\s+refs:\s+([\d,]+)",
    "I1 misses": r"I1\s+misses:\s+([\d,]+)",
    "D1 misses": r"D1\s+misses:\s+([\d,]+)",
    "LL misses": r"LL misses:\s+([\d,]+)",
    "branches": r"Branches:\s+([\d,]+)",
    "mispredicts": r"Mispredicts:\s+([\d,]+)",
}


def counters(app: str, requests: int, connections: int, cache_sim: bool) -> dict[str, int]:
    """The counters of one uvicorn process that serves ``requests`` requests and stops."""
    port = free_port()
    tool = (["valgrind", "--tool=cachegrind", "--cache-sim=yes", "--branch-sim=yes", "--cachegrind-out-file=/dev/null"]
            if cache_sim else ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"])
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(HERE), "ASGION_DISABLE_PLUGIN_AUTOLOAD": "1"}
    server = subprocess.Popen(
        [*tool, sys.executable, "-m", "uvicorn",
         f"server_apps:{app}", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log", "--lifespan", "on", "--limit-max-requests", str(requests)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        clients = [connect(port, server) for _ in range(connections)]
        pending = [b""] * connections
        try:
            for _ in range(requests // connections):
                for client in clients:
                    client.sendall(REQUEST)
                for index, client in enumerate(clients):
                    pending[index] = read_response(client, pending[index])
        finally:
            for client in clients:
                client.close()
        _, err = server.communicate(timeout=120)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    found: dict[str, int] = {}
    for name, pattern in (CACHEGRIND_COUNTERS if cache_sim else CALLGRIND_COUNTERS).items():
        match = re.search(pattern, err)
        if match is None:
            raise RuntimeError(f"valgrind printed no {name}:\n{err}")
        found[name] = int(match.group(1).replace(",", ""))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", choices=("raw", "starlette", "fastapi"), default="raw")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections the requests are spread "
                        "over (a divisor of 96, such as 1, 4 or 16; default 16)")
    parser.add_argument("--repeat", type=int, default=3, help="measure each variant this many times; the median "
                        "counts (default 3)")
    parser.add_argument("--cache-sim", action="store_true", help="simulate caches and branch prediction "
                        "(cachegrind) and print their misses per request too")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.connections < 1 or LOW % args.connections or EXTRA % args.connections:
        parser.error(f"--connections must be a divisor of {LOW}, such as 1, 4 or 16")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    prefix = "" if args.app == "raw" else f"{args.app}_"
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "inspected": []}
    for _ in range(args.repeat):  # alternating, so a drift of the machine touches both alike
        for variant, found in runs.items():
            attr = prefix + variant
            low = counters(attr, LOW, args.connections, args.cache_sim)
            high = counters(attr, LOW + EXTRA, args.connections, args.cache_sim)
            found.append({name: (high[name] - low[name]) / EXTRA for name in high})
    bare, inspected = _medians(runs["bare"]), _medians(runs["inspected"])
    print(f"uvicorn, {args.app} app, {args.connections} connection(s), instructions per request in the server "
          f"process (Python {sys.version.split()[0]})")
    print(f"bare      {bare['instructions']:10,.0f}")
    print(f"inspected {inspected['instructions']:10,.0f}  (+{inspected['instructions'] - bare['instructions']:,.0f})")
    print(f"ratio     {bare['instructions'] / inspected['instructions']:10.1%} of bare requests per CPU instruction")
    if args.cache_sim:
        print("simulated per request (cachegrind)   bare  inspected   growth")
        for name in CACHEGRIND_COUNTERS:
            # a counter under one per request (last-level misses, once warm) has no meaningful growth
            growth = f"{inspected[name] / bare[name] - 1:+8.1%}" if bare[name] >= 1 else f"{'-':>8}"
            print(f"  {name:<30} {bare[name]:10,.0f} {inspected[name]:10,.0f} {growth}")
    if args.repeat > 1:
        print("runs      " + "; ".join(f"{name} " + ", ".join(f"{run['instructions']:,.0f}" for run in found)
                                        for name, found in runs.items()))


def _medians(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each counter's median over the runs."""
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


if __name__ == "__main__":
    main()
