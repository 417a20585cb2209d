"""The trace engine: timelines, markers, capping, redaction, bounded memory, storages, sampling, the JSON format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from asgion import Inspector, TraceFormatError, TraceRecord, deserialize
from asgion_core.redaction import Redactor
from asgion_core.scenario import http_scope
from asgion_core.trace import Tracer
from tests.helpers import RecordingServer, streaming_app


async def buggy(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.body", "body": b"x" * 5000})
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"set-cookie", b"sid=secret")]})
    await send({"type": "http.response.body", "body": b"done"})


def traced(app: Any = buggy, **options: Any) -> Inspector:
    inspector = Inspector(app, trace=True, **options)
    scope = http_scope(headers=[(b"host", b"example.com"), (b"authorization", b"Bearer token"),
                                (b"cookie", b"a=1")])
    RecordingServer().run(inspector, scope)
    return inspector


def test_events_offsets_and_markers() -> None:
    record = traced().traces[0]
    assert [(e.direction, e.type) for e in record.events] == [
        ("receive", "http.request"), ("send", "http.response.body"), ("send", "http.response.start"),
        ("send", "http.response.body")]
    offsets = [e.offset_ns for e in record.events]
    assert offsets == sorted(offsets) and offsets[0] > 0
    assert record.events[1].violations == ["HF-002"]
    assert record.summary.ttfb_ns == record.events[2].offset_ns and record.summary.status == 200
    assert record.summary.event_count == 4 and "HF-002" in record.summary.rule_ids
    assert record.scope["method"] == "GET" and record.label == "GET /"


def test_bodies_are_capped_when_recorded() -> None:
    record = traced(max_body_size=100).traces[0]
    body = record.events[1].message
    assert body["body"] == b"x" * 100 and body["body_truncated_from"] == 5000
    assert record.summary.bytes_sent == 5004


def test_credentials_are_redacted() -> None:
    record = traced().traces[0]
    scope_headers = dict((bytes(k), bytes(v)) for k, v in record.scope["headers"])
    assert scope_headers[b"authorization"] == b"[redacted]" and scope_headers[b"cookie"] == b"[redacted]"
    assert scope_headers[b"host"] == b"example.com"
    response_headers = dict((bytes(k), bytes(v)) for k, v in record.events[2].message["headers"])
    assert response_headers[b"set-cookie"] == b"[redacted]"
    assert b"secret" not in json.dumps(record.to_dict()).encode()


def test_redaction_is_configurable() -> None:
    record = traced(redact_headers=["x-none"]).traces[0]
    assert b"Bearer token" in [bytes(v) for _, v in record.scope["headers"]]


def test_json_round_trip_is_identical() -> None:
    record = traced().traces[0]
    again = deserialize(record.to_json())
    assert again == record
    assert deserialize(record.to_dict()) == record


def test_unknown_versions_are_refused() -> None:
    data = traced().traces[0].to_dict()
    data["version"] = 99
    with pytest.raises(TraceFormatError, match="version 99 is not supported"):
        deserialize(data)
    with pytest.raises(TraceFormatError):
        deserialize("not json")


def test_directory_storage_uses_safe_file_names(tmp_path: Path) -> None:
    inspector = Inspector(buggy, trace=True, trace_dir=tmp_path / "traces")
    RecordingServer().run(inspector, http_scope(path="/../../etc/passwd?x=<a>:b", raw_path=None))
    files = list((tmp_path / "traces").iterdir())
    assert len(files) == 1 and inspector.traces == []
    name = files[0].name
    assert "/" not in name and ".." not in name and name.endswith(".json")
    assert deserialize(files[0].read_text()).scope["path"] == "/../../etc/passwd?x=<a>:b"


def test_custom_storage_and_sampling() -> None:
    class Collect:
        def __init__(self) -> None:
            self.records: list[TraceRecord] = []

        def store(self, record: TraceRecord) -> None:
            self.records.append(record)

    storage = Collect()
    inspector = Inspector(buggy, trace=True, storage=storage, sample_rate=0.0)
    for _ in range(5):
        RecordingServer().run(inspector)
    assert storage.records == []
    inspector = Inspector(buggy, trace=True, storage=storage, sample_rate=1.0)
    for _ in range(5):
        RecordingServer().run(inspector)
    assert len(storage.records) == 5


def test_memory_storage_is_bounded() -> None:
    inspector = Inspector(buggy, trace=True, max_traces=3)
    for _ in range(10):
        RecordingServer().run(inspector)
    assert len(inspector.traces) == 3


def test_events_per_connection_are_bounded() -> None:
    inspector = Inspector(streaming_app(10_000), trace=True, max_events=100)
    RecordingServer().run(inspector)
    record = inspector.traces[0]
    assert len(record.events) == 100
    assert record.summary.event_count == 10_003
    assert record.summary.events_dropped == 10_003 - 100
    assert record.events[0].type == "http.request" and record.events[-1].message["body"] == b""


def test_markers_of_dropped_events_are_let_go() -> None:
    """Every event marked: the kept events keep their markers, and markers of dropped events do not pile up."""
    tracer = Tracer(http_scope(), max_body_size=16, max_events=10, redactor=Redactor(replace=()))
    for number in range(1_000):
        tracer.event("send", {"type": "http.response.body", "body": b"x", "n": number})
        tracer.mark("HF-002", "event")
        assert len(tracer.marks) <= 2 * 5 + 1
    record = tracer.finish()
    assert [e.message["n"] for e in record.events] == [0, 1, 2, 3, 4, 995, 996, 997, 998, 999]
    assert all(e.violations == ["HF-002"] for e in record.events)
    assert record.summary.violations == 1_000 and record.summary.events_dropped == 990


def test_tracing_never_changes_messages() -> None:
    plain, with_trace = RecordingServer(), RecordingServer()
    plain.run(buggy)
    with_trace.run(Inspector(buggy, trace=True, max_body_size=1))
    assert with_trace.sent == plain.sent


def test_recording_never_breaks_the_app() -> None:
    """A value whose repr() raises (hypothesis cannot generate it: it reprs its examples) is recorded safely."""

    class BrokenRepr:
        def __repr__(self) -> str:
            raise RuntimeError("repr is broken")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [], "extra": BrokenRepr()})
        await send({"type": "http.response.body", "body": b""})

    inspector = traced(app)
    record = inspector.traces[0]
    assert record.events[1].message["extra"]["$repr"].endswith("BrokenRepr: repr() raised RuntimeError>")
    assert inspector.internal_errors == []
