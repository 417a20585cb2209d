"""The value walk is bounded: each container once, a fixed depth, a fixed number of values."""

from __future__ import annotations

import asyncio
from typing import Any

from asgion import Inspector
from asgion_core.scenario import http_scope
from asgion_core.value_walk import MAX_DEPTH, MAX_NODES, first_foreign, walk
from tests.helpers import RecordingServer
from tests.hostile import HostileDict, HostileList, HostileStr


def count(root: Any) -> tuple[int, Any]:
    seen: list[str] = []
    result = walk([(root, "")], lambda value, depth, where: seen.append(where))
    assert result.visited == len(seen)
    return result.visited, result


def shared(levels: int) -> list[Any]:
    x: list[Any] = [0]
    for _ in range(levels):
        x = [x, x]
    return x


def test_shared_substructure_is_walked_once() -> None:
    visited, result = count(shared(24))  # 2**24 paths, 25 lists
    assert visited <= 2 * 25 + 1
    assert result.cycle is None and not result.truncated


def test_a_list_that_contains_itself_is_a_cycle() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    visited, result = count({"a": loop})
    assert visited == 4
    assert result.cycle == "['a'][1]"


def test_deep_nesting_stops_at_the_depth_budget() -> None:
    deep: list[Any] = []
    for _ in range(100):
        deep = [deep]
    visited, result = count(deep)
    assert visited == MAX_DEPTH + 1
    assert result.too_deep is not None


def test_a_huge_container_stops_at_the_size_budget() -> None:
    visited, result = count(list(range(MAX_NODES * 10)))
    assert visited == MAX_NODES and result.truncated


def test_subclass_overrides_are_never_called() -> None:
    hostile = HostileDict()
    dict.__setitem__(hostile, "k", HostileList([HostileStr("v")]))
    visited, _ = count(hostile)
    assert visited == 3
    assert first_foreign({"ok": [b"x"], "bad": hostile}) == "['bad'] (HostileDict)"
    assert first_foreign({"ok": [b"x", (1, 2.0, None)]}) is None


def run_send(message: dict[str, Any]) -> Inspector:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(message)
        await send({"type": "http.response.body", "body": b""})

    inspector = Inspector(app)
    server = RecordingServer()
    asyncio.run(asyncio.wait_for(inspector(http_scope(), server.receive, server.send), 30))
    assert server.sent[0] is message
    return inspector


def test_the_inspector_reports_a_cycle_and_carries_on() -> None:
    loop: list[Any] = []
    loop.append(loop)
    inspector = run_send({"type": "http.response.start", "status": 200, "headers": [], "extra": loop})
    assert any(v.rule_id == "G-014" and "cycle" in v.message for v in inspector.violations)


def test_the_inspector_walks_shared_structure_once() -> None:
    inspector = run_send({"type": "http.response.start", "status": 200, "headers": [], "extra": shared(24)})
    assert "G-014" not in {v.rule_id for v in inspector.violations}
