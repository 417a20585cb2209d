"""CPU instructions the inspector adds per body message, counted with valgrind's callgrind (deterministic).

Run: python bench/instructions.py. Not part of the test suite; needs valgrind. Wall-clock figures on a machine
whose speed drifts are noisy; instruction counts are repeatable, so they compare two versions of the hot path
reliably. Each variant streams N and N + 10,000 body messages; the difference divided by 10,000 is the count per
message, free of start-up costs.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def stream(variant: str, count: int) -> None:
    sys.path.insert(0, str(HERE))
    from overhead import PLUGINS, _http_receive, _send

    from asgion import Inspector
    from asgion_core.scenario import http_scope

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream")]})
        message = {"type": "http.response.body", "body": b"x" * 64, "more_body": True}
        for _ in range(count):
            await send(message)
        await send({"type": "http.response.body", "body": b""})

    async def passthrough(scope: Any, receive: Any, send: Any) -> None:
        async def wrapped(message: Any) -> None:
            await send(message)
        await app(scope, receive, wrapped)

    targets = {"bare": app, "passthrough": passthrough}
    target: Any = targets.get(variant) or Inspector(app, plugins=PLUGINS, trace=variant == "trace")
    asyncio.run(target(http_scope(), _http_receive, _send))


def instructions(variant: str, count: int) -> int:
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                          __file__, variant, str(count)], capture_output=True, text=True, check=True).stderr
    match = re.search(r"Collected : (\d+)", out)
    if match is None:
        raise RuntimeError(out)
    return int(match.group(1))


def main() -> None:
    if len(sys.argv) == 3:
        stream(sys.argv[1], int(sys.argv[2]))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    per = {v: (instructions(v, 11_000) - instructions(v, 1_000)) / 10_000 for v in ("bare", "inspect", "trace")}
    print(f"instructions per body message: bare {per['bare']:.0f}, inspect {per['inspect']:.0f} "
          f"(+{per['inspect'] - per['bare']:.0f}), trace {per['trace']:.0f} (+{per['trace'] - per['bare']:.0f})")


if __name__ == "__main__":
    main()
