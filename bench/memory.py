"""Peak memory of one connection as its message count grows, with tracing off and on (default body cap).

Run: python bench/memory.py. Not part of the test suite. Uses tracemalloc, so absolute numbers include
tracemalloc's own bookkeeping; what matters is that the peak stays flat from 1,000 to 100,000 chunks.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from overhead import _receive, _send, streaming

from asgion import Inspector, MemoryStorage
from asgion_core.scenario import http_scope


def peak_kib(chunks: int, trace: bool) -> float:
    storage = MemoryStorage(max_records=1)
    inspector = Inspector(streaming(chunks), trace=trace, storage=storage)
    app: Any = inspector
    asyncio.run(app(http_scope(), _receive, _send))  # warm-up: compile tables
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    asyncio.run(app(http_scope(), _receive, _send))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def main() -> None:
    print(f"{'chunks':>8}  {'trace off':>12}  {'trace on':>12}")
    for chunks in (1_000, 10_000, 100_000):
        print(f"{chunks:>8}  {peak_kib(chunks, False):>9.1f} KiB  {peak_kib(chunks, True):>9.1f} KiB")


if __name__ == "__main__":
    main()
