"""Memory bounded in bytes: exception and finding texts, recorded values and trace storage have byte budgets."""

from __future__ import annotations

from typing import Any

import pytest

from asgion import Inspector
from asgion_core.config import ConfigError
from asgion_core.safe_text import MAX_MESSAGE_CHARS, MAX_TRACEBACK_CHARS
from asgion_core.trace import record_bytes
from tests.helpers import RecordingServer, streaming_app


def test_huge_exception_texts_are_capped() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise ValueError("x" * 100_000)

    inspector = Inspector(app)
    with pytest.raises(ValueError):
        RecordingServer().run(inspector)
    [result] = inspector.results
    assert result.exception is not None
    assert len(result.exception.message) <= MAX_MESSAGE_CHARS + 50
    assert len(result.exception.traceback) <= MAX_TRACEBACK_CHARS + 50
    assert all(len(v.message) <= MAX_MESSAGE_CHARS + 50 for v in inspector.violations)


def test_findings_quoting_huge_values_are_capped() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"X-" + b"a" * 100_000, b"v")]})
        await send({"type": "http.response.body", "body": b""})

    inspector = Inspector(app, profile="strict")
    RecordingServer().run(inspector)
    assert inspector.violations
    assert all(len(v.message) <= MAX_MESSAGE_CHARS + 50 for v in inspector.violations)


def test_every_recorded_value_is_capped() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"x-long", b"v" * 10_000)], "extra": "s" * 10_000})
        await send(["not", "a", "dict", "x" * 10_000])  # type: ignore[arg-type]
        await send({"type": "http.response.body", "body": b"b" * 10_000})

    inspector = Inspector(app, trace=True, max_body_size=64)
    RecordingServer().run(inspector)
    [record] = inspector.traces
    text = record.to_json()
    assert "v" * 65 not in text and "s" * 65 not in text and "x" * 65 not in text and "b" * 65 not in text


def test_trace_memory_stays_within_its_byte_budget() -> None:
    budget = 2_000_000
    inspector = Inspector(streaming_app(200, b"z" * 1000), trace=True, max_body_size=1000, max_trace_bytes=budget)
    for _ in range(40):
        RecordingServer().run(inspector)
    kept = inspector.traces
    assert 0 < len(kept) < 40
    assert sum(record_bytes(r) for r in kept) <= budget


@pytest.mark.parametrize("option", ["max_body_size", "max_events", "max_traces", "max_trace_bytes",
                                    "max_violations", "max_results"])
@pytest.mark.parametrize("value", [-1, float("nan"), 1.5, True, "10"])
def test_invalid_budgets_are_refused(option: str, value: Any) -> None:
    with pytest.raises(ConfigError, match=option):
        Inspector(streaming_app(1), **{option: value})


@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan"), True])
def test_invalid_sample_rates_are_refused(value: Any) -> None:
    with pytest.raises(ConfigError, match="sample_rate"):
        Inspector(streaming_app(1), sample_rate=value)


def test_recording_shared_structure_is_bounded() -> None:
    wide: list[Any] = [0]
    for _ in range(6):
        wide = [wide] * 50  # 50**6 paths through 7 objects

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [], "extra": wide})
        await send({"type": "http.response.body", "body": b""})

    inspector = Inspector(app, trace=True)
    RecordingServer().run(inspector)
    text = inspector.traces[0].to_json()
    assert text.count("[") < 10_000
