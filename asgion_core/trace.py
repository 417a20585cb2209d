"""The trace engine: a timeline of every receive and send of a connection, with the violations marked inline.

Recording is designed for long streams and sensitive data:

* timestamps are ``time.perf_counter_ns()`` offsets from the connection start;
* body bytes and WebSocket frames are capped **when recorded** (``max_body_size``), never kept whole and cut later;
* headers that carry credentials (authorization, cookies, API keys) are redacted by default;
* memory per connection is bounded: a record keeps the first and the last ``max_events // 2`` events and counts
  the ones in between (``events_dropped``); the summary covers every event;
* records reach storage when a connection ends: memory (bounded), a directory of JSON files, or any object with
  ``store(record)``; the Inspector keeps nothing else;
* sampling is per request: each connection is traced with probability ``sample_rate``.

The JSON form is versioned (``TRACE_FORMAT_VERSION``); :func:`deserialize` rejects versions it does not know.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from asgion_core.redaction import REDACTED, REDACTED_BYTES, Redactor
from asgion_core.safe_text import describe_exception, safe_repr

__all__ = [
    "TRACE_FORMAT_VERSION",
    "DirectoryStorage",
    "MemoryStorage",
    "TraceEvent",
    "TraceFormatError",
    "TraceRecord",
    "TraceStorage",
    "TraceSummary",
    "Tracer",
    "deserialize",
    "record_bytes",
]

TRACE_FORMAT_VERSION = 1
DEFAULT_MAX_BODY_SIZE = 1024
DEFAULT_MAX_EVENTS = 2000
#: What the in-memory trace storage keeps at most, in (estimated) bytes.
DEFAULT_MAX_TRACE_BYTES = 64 * 1024 * 1024
_BODY_FIELDS = ("body", "bytes", "text")
_FIRST_RESPONSE_TYPES = ("http.response.start", "websocket.accept")
_perf_ns = time.perf_counter_ns


class TraceFormatError(ValueError):
    """A serialized trace this version of asgion cannot read."""


class TraceStorage(Protocol):
    """Anything that accepts finished records."""

    def store(self, record: TraceRecord) -> None: ...


@dataclass
class TraceEvent:
    """One message: offset from the connection start, direction, type, the (capped, redacted) message, markers."""

    offset_ns: int
    direction: str  # "receive" or "send"
    type: str
    message: dict[str, Any]
    violations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"offset_ns": self.offset_ns, "direction": self.direction, "type": self.type,
                "message": _jsonable(self.message), "violations": list(self.violations)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TraceEvent:
        return cls(data["offset_ns"], data["direction"], data["type"], _from_jsonable(data["message"]),
                   list(data.get("violations", [])))


@dataclass(slots=True)
class TraceSummary:
    """Totals over every event of the connection (also those not kept)."""

    duration_ns: int = 0
    ttfb_ns: int | None = None
    event_count: int = 0
    events_dropped: int = 0
    violations: int = 0
    rule_ids: list[str] = field(default_factory=list)
    status: int | None = None
    bytes_sent: int = 0
    bytes_received: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


@dataclass
class TraceRecord:
    """The trace of one connection."""

    id: str
    started_at: str
    scope: dict[str, Any]
    events: list[TraceEvent]
    summary: TraceSummary
    scope_violations: list[str] = field(default_factory=list)
    end_violations: list[str] = field(default_factory=list)
    version: int = TRACE_FORMAT_VERSION
    #: About how many bytes the record holds (set when recorded; 0 for a record read back, see record_bytes).
    size_bytes: int = field(default=0, compare=False, repr=False)

    @property
    def scope_type(self) -> str:
        return str(self.scope.get("type", ""))

    @property
    def label(self) -> str:
        if self.scope_type == "http":
            return f"{self.scope.get('method', '?')} {self.scope.get('path', '?')}"
        if self.scope_type == "websocket":
            return f"WS {self.scope.get('path', '?')}"
        return self.scope_type

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "id": self.id,
            "started_at": self.started_at,
            "scope": _jsonable(self.scope),
            "events": [e.to_dict() for e in self.events],
            "scope_violations": list(self.scope_violations),
            "end_violations": list(self.end_violations),
            "summary": self.summary.to_dict(),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def deserialize(data: str | bytes | dict[str, Any]) -> TraceRecord:
    """Read a record written by :meth:`TraceRecord.to_json` (or its dict); unknown versions are refused."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise TraceFormatError(f"not a JSON trace record: {exc}") from None
    if not isinstance(data, dict):
        raise TraceFormatError("a trace record is a JSON object")
    version = data.get("version")
    if version != TRACE_FORMAT_VERSION:
        raise TraceFormatError(f"trace format version {version!r} is not supported (this asgion reads version "
                               f"{TRACE_FORMAT_VERSION}); upgrade asgion to read it")
    try:
        return TraceRecord(
            id=data["id"],
            started_at=data["started_at"],
            scope=_from_jsonable(data["scope"]),
            events=[TraceEvent.from_dict(e) for e in data["events"]],
            summary=TraceSummary(**data["summary"]),
            scope_violations=list(data.get("scope_violations", [])),
            end_violations=list(data.get("end_violations", [])),
        )
    except (KeyError, TypeError) as exc:
        raise TraceFormatError(f"malformed trace record: {exc!r}") from None


# -- JSON encoding of bytes -----------------------------------------------------------------------------------------
def _jsonable(value: Any) -> Any:
    """bytes become {"$bytes": latin-1 text} so the exact bytes survive a round trip; sets and others become repr."""
    if isinstance(value, bytes):
        return {"$bytes": value.decode("latin-1")}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else repr(value)
    return _shallow(value, DEFAULT_MAX_BODY_SIZE)


def _from_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return value["$bytes"].encode("latin-1")
        if set(value) == {"$repr"}:
            return value["$repr"]
        return {k: _from_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_jsonable(v) for v in value]
    return value


# -- storages -------------------------------------------------------------------------------------------------------
class MemoryStorage:
    """The most recent records, at most ``max_records`` of them and about ``max_bytes`` in all (oldest dropped
    first; a record's size is estimated from what it holds, see :func:`record_bytes`)."""

    def __init__(self, max_records: int = 1000, max_bytes: int = DEFAULT_MAX_TRACE_BYTES) -> None:
        self.records: deque[TraceRecord] = deque(maxlen=max_records)
        self.max_bytes = max_bytes
        self.bytes = 0
        self._sizes: deque[int] = deque()

    def store(self, record: TraceRecord) -> None:
        size = record_bytes(record)
        if len(self.records) == self.records.maxlen and self._sizes:
            self.bytes -= self._sizes.popleft()
        self.records.append(record)
        self._sizes.append(size)
        self.bytes += size
        while self.bytes > self.max_bytes and len(self.records) > 1:
            self.records.popleft()
            self.bytes -= self._sizes.popleft()

    def __iter__(self) -> Any:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class DirectoryStorage:
    """One JSON file per record in ``directory``; names are safe whatever the path (no separators, no dots-only,
    bounded length) and unique (a counter and a hash). Files are created 0600 and a new directory 0700."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # traces hold request data: owner only
        self._count = 0

    def file_name(self, record: TraceRecord) -> str:
        self._count += 1
        label = _UNSAFE.sub("_", record.label).strip("_") or "scope"
        digest = hashlib.sha1(record.id.encode()).hexdigest()[:8]
        return f"{self._count:05d}-{label[:60]}-{digest}.json"

    def store(self, record: TraceRecord) -> None:
        path = self.directory / self.file_name(record)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # readable by the owner only
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(record.to_json())


# -- recording ------------------------------------------------------------------------------------------------------
class Tracer:
    """Records one connection. Created by the Inspector for a sampled connection; handed to storage at the end.

    Recording runs on every message, so events are kept as tuples ``(number, offset, direction, type, message)``
    with violation marks on the side, and become :class:`TraceEvent` objects only in :meth:`finish`, for the
    events a record keeps.
    """

    __slots__ = (
        "bytes_received",
        "bytes_sent",
        "content_types",
        "count",
        "dropped",
        "end_marks",
        "event_bytes",
        "head",
        "id",
        "keep",
        "kept_bytes",
        "marks",
        "max_body",
        "redactor",
        "scope",
        "scope_bytes",
        "scope_marks",
        "started_at",
        "started_ns",
        "summary",
        "tail",
    )

    def __init__(self, scope: Mapping[str, Any], *, max_body_size: int, max_events: int,
                 redactor: Redactor | None = None) -> None:
        self.started_ns = time.perf_counter_ns()
        self.started_at = datetime.now(UTC).isoformat()
        #: The record's id, known from the start so that the connection's ScopeResult can name its trace.
        self.id = os.urandom(8).hex()
        self.max_body = max_body_size
        self.redactor = redactor if redactor is not None else Redactor()
        #: The content type of what each direction carries (request: from the scope; response: from its start),
        #: so that form and JSON bodies have their secret fields redacted.
        self.content_types = {"receive": "", "send": ""}
        self.event_bytes = 0  # _sanitize_scope counts the header bytes it keeps here
        self.scope = self._sanitize_scope(scope)
        self.scope_bytes = self.event_bytes + sum(
            40 + len(value) if type(value) is bytes or type(value) is str else 64 for value in self.scope.values())
        self.keep = max(2, max_events) // 2
        self.head: list[tuple[int, int, str, str, dict[str, Any], int]] = []
        self.tail: deque[tuple[int, int, str, str, dict[str, Any], int]] = deque(maxlen=self.keep)
        self.count = 0
        self.dropped = 0
        #: The estimated size of all events kept (for the storage's budget); event_bytes is the current one's.
        self.kept_bytes = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        #: Violation marks by event number (``count`` is the number, 1-based, of the latest event).
        self.marks: dict[int, list[str]] = {}
        self.scope_marks: list[str] = []
        self.end_marks: list[str] = []
        self.summary = TraceSummary()

    def event(self, direction: str, message: Any) -> None:
        now = _perf_ns() - self.started_ns
        self.event_bytes = _EVENT_BYTES
        if isinstance(message, dict):
            try:
                message_type, copy = self._copy(direction, message, now)
            except Exception as exc:  # a value whose methods raise: the event is kept, its content is not
                message_type, copy = "<unreadable>", {"$unreadable": describe_exception(exc, 200)}
        else:
            message_type = f"<{type(message).__name__}>"
            copy = {"$value": _shallow(message, self.max_body)}
        self.count = count = self.count + 1
        size = self.event_bytes + 40 * len(copy)
        event = (count, now, direction, message_type, copy, size)
        self.kept_bytes += size
        if count <= self.keep:
            self.head.append(event)
        else:
            if len(self.tail) == self.keep:
                self.dropped += 1
                self.kept_bytes -= self.tail[0][5]
            self.tail.append(event)

    def _copy(self, direction: str, message: dict[Any, Any], now: int) -> tuple[str, dict[str, Any]]:
        """The record's copy of a message: plain values as they are, bodies capped (and counted), headers
        redacted, anything else a bounded copy. Read with dict's own methods: a subclass's may raise."""
        kind = dict.get(message, "type")
        message_type = kind if type(kind) is str else str.__str__(kind) if isinstance(kind, str) else safe_repr(kind)
        copy = dict.copy(message)
        for key, value in dict.items(message):
            value_type = type(value)
            if value_type is str or value_type is bytes:
                if key in _BODY_FIELDS:
                    self._body(copy, key, value, direction)
                elif len(value) > self.max_body:
                    copy[key] = value[: self.max_body]
            elif value_type is bool or value_type is int or value is None or value_type is float:
                pass
            elif key in _BODY_FIELDS and isinstance(value, (bytes, str)):
                self._body(copy, key, value, direction)
            else:
                copy[key] = self._headers(value, direction) if key == "headers" else _shallow(value, self.max_body)
        if self.summary.ttfb_ns is None and direction == "send" and message_type in _FIRST_RESPONSE_TYPES:
            self.summary.ttfb_ns = now
            status = dict.get(message, "status")
            self.summary.status = status if type(status) is int else None
        return message_type, copy

    def mark(self, rule_id: str, phase: str) -> None:
        """Attach a violation to the event it belongs to (or to the scope / the end of the connection)."""
        self.summary.violations += 1
        if rule_id not in self.summary.rule_ids:
            self.summary.rule_ids.append(rule_id)
        if phase == "scope":
            self.scope_marks.append(rule_id)
        elif phase == "end" or not self.count:
            self.end_marks.append(rule_id)
        else:
            self.marks.setdefault(self.count, []).append(rule_id)
            if len(self.marks) > 2 * self.keep:  # marks of events that left the tail are not needed any more
                oldest = self.count - self.keep
                self.marks = {n: m for n, m in self.marks.items() if n <= self.keep or n > oldest}

    def finish(self) -> TraceRecord:
        summary = self.summary
        summary.duration_ns = time.perf_counter_ns() - self.started_ns
        summary.event_count = self.count
        summary.events_dropped = self.dropped
        summary.bytes_sent = self.bytes_sent
        summary.bytes_received = self.bytes_received
        return TraceRecord(
            id=self.id,
            started_at=self.started_at,
            scope=self.scope,
            events=self._events(),
            summary=summary,
            scope_violations=self.scope_marks,
            end_violations=self.end_marks,
            size_bytes=_RECORD_BYTES + self.scope_bytes + self.kept_bytes,
        )

    # -- sanitizing: copies, capped and redacted --------------------------------------------------------------------
    def _events(self) -> list[TraceEvent]:
        """The kept events as TraceEvent objects, emptying the buffers as it goes (memory peaks no higher)."""
        marks = self.marks
        events = [TraceEvent(offset, direction, kind, message, marks.get(number, []))
                  for number, offset, direction, kind, message, _ in self.head]
        self.head.clear()
        tail = self.tail
        while tail:
            number, offset, direction, kind, message, _ = tail.popleft()
            events.append(TraceEvent(offset, direction, kind, message, marks.get(number, [])))
        return events

    def _body(self, copy: dict[str, Any], key: str, value: bytes | str, direction: str) -> None:
        size = len(value)
        if direction == "send":
            self.bytes_sent += size
        else:
            self.bytes_received += size
        kept = value
        if size > self.max_body:
            kept = value[: self.max_body]
            copy[f"{key}_truncated_from"] = size
        content_type = self.content_types[direction] if key == "body" else ""
        kept = self.redactor.body(kept, content_type)
        self.event_bytes += len(kept)
        if kept is not value:
            copy[key] = kept

    def _headers(self, headers: Any, direction: str = "") -> Any:
        """A copy of a headers list: secret values redacted, every name and value capped at ``max_body``."""
        if not isinstance(headers, (list, tuple)):
            return _shallow(headers, self.max_body)
        out = []
        is_secret, cap = self.redactor.is_secret, self.max_body
        for item in list(headers)[:_MAX_ITEMS * 4]:
            if (type(item) is tuple or type(item) is list) and len(item) == 2:
                name, value = item
                if is_secret(name):
                    value = REDACTED if isinstance(value, str) else REDACTED_BYTES
                elif direction and type(name) is bytes and len(name) == 12 and name.lower() == b"content-type":
                    self.content_types[direction] = _text(value)
                if type(name) is not bytes or len(name) > cap:
                    name = _shallow(name, cap)
                if type(value) is not bytes or len(value) > cap:
                    value = _shallow(value, cap)
                out.append([name, value])
                self.event_bytes += 120 + (len(name) if type(name) is bytes else 0) + (
                    len(value) if type(value) is bytes else 0)
            else:
                out.append(_shallow(item, cap))
        return out

    def _sanitize_scope(self, scope: Mapping[str, Any]) -> dict[str, Any]:
        copy: dict[str, Any] = {}
        items = dict.items(scope) if isinstance(scope, dict) else scope.items()
        cap = self.max_body
        for key, value in items:
            if key in _NOT_RECORDED:
                continue  # framework objects and application state: not part of the protocol trace
            kind = type(value)
            try:
                if key == "query_string":
                    copy[key] = _shallow(self.redactor.query_string(value), cap)
                elif kind is str or kind is bytes:
                    copy[key] = value if len(value) <= cap else value[:cap]
                elif kind is int or kind is bool or value is None:
                    copy[key] = value
                elif key == "headers":
                    copy[key] = self._headers(value, "receive")
                else:
                    copy[key] = _shallow(value, self.max_body)
            except Exception as exc:  # a value whose methods raise
                copy[str(key)] = {"$unreadable": describe_exception(exc, 200)}
        return copy


#: Estimated fixed costs of a record and of one event in it, in bytes.
_RECORD_BYTES = 512
_EVENT_BYTES = 160
#: Scope keys whose values are framework objects or application state, never recorded.
_NOT_RECORDED = frozenset({"app", "router", "endpoint", "state", "route", "fastapi_astack"})
#: Items of one container kept in a record (the rest are dropped, with a marker).
_MAX_ITEMS = 50
#: Containers copied into a record per recorded value (see _shallow).
_MAX_VALUES = 1_000
#: Container levels kept in a record.
_MAX_LEVELS = 4


def _text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1").lower()
    return str.__str__(value).lower() if isinstance(value, str) else ""


def _shallow(value: Any, cap: int = DEFAULT_MAX_BODY_SIZE, depth: int = 0, budget: list[int] | None = None) -> Any:
    """A bounded copy of a value for the record: containers to depth 4 and 50 items, at most 1,000 values in all
    (shared sub-structure is copied where it appears, so the total needs its own bound), strings and bytes to
    ``cap``, anything else as a clipped repr. Read with the built-in types' own methods: a subclass's may raise."""
    kind = type(value)
    if kind is str or kind is bytes:
        return value if len(value) <= cap else value[:cap]
    if kind is int or kind is float or kind is bool or value is None:
        return value
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return _shallow(bytes(value) if not isinstance(value, str) else str.__str__(value), cap, depth, budget)
    if budget is None:
        budget = [_MAX_VALUES]
    budget[0] -= 1
    if depth >= _MAX_LEVELS or budget[0] < 0:
        return {"$repr": "..."}
    if isinstance(value, dict):
        return {_key(k): _shallow(v, cap, depth + 1, budget) for k, v in islice(dict.items(value), _MAX_ITEMS)}
    if isinstance(value, (list, tuple)):
        items = list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value)
        return [_shallow(v, cap, depth + 1, budget) for v in islice(items, _MAX_ITEMS)]
    if isinstance(value, (int, float)):
        return safe_repr(value)
    return {"$repr": safe_repr(value, min(cap, 200))}


def _key(key: Any) -> str:
    return str.__str__(key) if isinstance(key, str) else safe_repr(key, 100)


def record_bytes(record: TraceRecord) -> int:
    """About how much memory a record holds: its values (capped when recorded) plus a fixed overhead per event and
    per record. Counted while recording; estimated from the values for a record read back."""
    if record.size_bytes:
        return record.size_bytes
    return _RECORD_BYTES + _values_bytes(record.scope) + sum(_EVENT_BYTES + _values_bytes(e.message)
                                                             for e in record.events)


def _values_bytes(mapping: dict[str, Any]) -> int:
    total = 0
    for value in mapping.values():
        kind = type(value)
        if kind is bytes or kind is str:
            total += 40 + len(value)
        elif kind is list or kind is dict:
            total += 56 + sum(_item_bytes(item) for item in (value if kind is list else value.values()))
        else:
            total += 32
    return total


def _item_bytes(item: Any) -> int:
    kind = type(item)
    if kind is bytes or kind is str:
        return 40 + len(item)
    if kind is list or kind is tuple:
        return 56 + sum(40 + len(part) if type(part) is bytes or type(part) is str else 32 for part in item)
    return 64  # a deeper container: at most 50 items of 4 levels, each value capped (see _shallow)


def should_trace(sample_rate: float) -> bool:
    """Per-request sampling: each connection is traced with probability ``sample_rate``."""
    return sample_rate >= 1.0 or (sample_rate > 0.0 and random.random() < sample_rate)


def storages(*items: TraceStorage | None) -> list[TraceStorage]:
    return [item for item in items if item is not None]



