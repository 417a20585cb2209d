"""CPU instructions per request in a uvicorn process serving the bare and the inspected app, under valgrind.

Run: python bench/server_instructions.py [--app raw|starlette|fastapi] [--connections C] [--repeat K]. Not part of
the test suite; needs valgrind. The server runs with ``--limit-max-requests`` so it stops by itself; a client on
127.0.0.1 keeps C keep-alive connections (default 16, as bench/server_load.sh) and sends one request on each, then
reads the C responses, round after round. Many connections matter: a server passes the same client and server
address tuples to every request of one connection, so a cache of the last one seen hits with one connection and
misses with sixteen. Each figure is the difference of two runs (N and N + EXTRA
requests) divided by EXTRA, so start-up, lifespan and shutdown cancel out. Where bench/server_load.sh measures
requests per second (what users see, but noisy on a shared machine), this counts the work the server process does
per request: repeatable to about 1 % of the total (the event loop's polling varies a little with timing, which is
up to 5 % of the difference), and blind to cache effects; the median of ``--repeat`` alternating runs is reported.
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


def instructions(app: str, requests: int, connections: int) -> int:
    """Instructions of one uvicorn process that serves ``requests`` requests and stops."""
    port = free_port()
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(HERE), "ASGION_DISABLE_PLUGIN_AUTOLOAD": "1"}
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m", "uvicorn",
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
    match = re.search(r"Collected : (\d+)", err)
    if match is None:
        raise RuntimeError(err)
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", choices=("raw", "starlette", "fastapi"), default="raw")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections the requests are spread "
                        "over (a divisor of 96, such as 1, 4 or 16; default 16)")
    parser.add_argument("--repeat", type=int, default=3, help="measure each variant this many times; the median "
                        "counts (default 3)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.connections < 1 or LOW % args.connections or EXTRA % args.connections:
        parser.error(f"--connections must be a divisor of {LOW}, such as 1, 4 or 16")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    prefix = "" if args.app == "raw" else f"{args.app}_"
    runs: dict[str, list[float]] = {"bare": [], "inspected": []}
    for _ in range(args.repeat):  # alternating, so a drift of the machine touches both alike
        for variant, found in runs.items():
            attr = prefix + variant
            found.append((instructions(attr, LOW + EXTRA, args.connections)
                          - instructions(attr, LOW, args.connections)) / EXTRA)
    bare, inspected = statistics.median(runs["bare"]), statistics.median(runs["inspected"])
    print(f"uvicorn, {args.app} app, {args.connections} connection(s), instructions per request in the server "
          f"process (Python {sys.version.split()[0]})")
    print(f"bare      {bare:10,.0f}")
    print(f"inspected {inspected:10,.0f}  (+{inspected - bare:,.0f})")
    print(f"ratio     {bare / inspected:10.1%} of bare requests per CPU instruction")
    if args.repeat > 1:
        print("runs      " + "; ".join(f"{name} " + ", ".join(f"{n:,.0f}" for n in found)
                                        for name, found in runs.items()))


if __name__ == "__main__":
    main()
