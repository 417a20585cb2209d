"""HTTP Archive (HAR) 1.2 export of traced connections, so a trace opens in a browser's developer tools.

Built from the trace records: request line and headers from the scope, request body from the ``http.request``
events, response from ``http.response.start`` and the body events, timings from the event offsets. Bodies are as
recorded (capped by ``--max-body-size``): text as text, anything that is not UTF-8 as base64 (``"encoding":
"base64"``); redacted headers stay redacted. WebSocket sessions are entries the way browsers export them
(``_resourceType: "websocket"``, the frames in ``_webSocketMessages``). A connection that timed out or whose app
raised has status 0, an ``_error`` and a comment saying what happened, and its time runs until the cancel.
"""

from __future__ import annotations

import base64
import importlib.metadata
from collections.abc import Iterable
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from asgion_core.report import ScopeResult
from asgion_core.trace import TraceRecord

HAR_VERSION = "1.2"


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _headers(headers: Any) -> list[dict[str, str]]:
    if not isinstance(headers, list):
        return []
    return [{"name": _text(h[0]), "value": _text(h[1])} for h in headers if isinstance(h, list) and len(h) == 2]


def _status_text(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _content(data: bytes, mime: str) -> dict[str, Any]:
    """A body as HAR content: its text when it is UTF-8, else base64 with ``encoding`` saying so."""
    try:
        return {"size": len(data), "mimeType": mime, "text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"size": len(data), "mimeType": mime, "text": base64.b64encode(data).decode("ascii"),
                "encoding": "base64"}


def _failure(result: ScopeResult | None) -> str:
    """What went wrong with the connection, as the entry's ``_error`` ("" when nothing did)."""
    if result is None:
        return ""
    if result.exception is not None:
        return f"the app raised {result.exception.type}: {result.exception.message}"
    if result.timed_out:
        return "; ".join(result.notes) or "timed out"
    return ""


def entry(record: TraceRecord, result: ScopeResult | None = None) -> dict[str, Any]:
    if record.scope_type == "websocket":
        return websocket_entry(record, result)
    scope = record.scope
    query = _text(scope.get("query_string", b""))
    server = scope.get("server") or ["localhost", None]
    host = next((h["value"] for h in _headers(scope.get("headers")) if h["name"].lower() == "host"),
                f"{server[0]}" + (f":{server[1]}" if server[1] else ""))
    url = f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope.get('path', '/')}"
    url += f"?{query}" if query else ""
    http_version = f"HTTP/{scope.get('http_version', '1.1')}"
    request_body = b"".join(e.message.get("body", b"") for e in record.events
                            if e.type == "http.request" and isinstance(e.message.get("body"), bytes))
    start = next((e for e in record.events if e.type == "http.response.start"), None)
    bodies = [e for e in record.events if e.type == "http.response.body"]
    response_body = b"".join(e.message.get("body", b"") for e in bodies if isinstance(e.message.get("body"), bytes))
    status = start.message.get("status") if start is not None else 0
    status = status if isinstance(status, int) and not isinstance(status, bool) else 0
    response_headers = _headers(start.message.get("headers")) if start is not None else []
    mime = next((h["value"] for h in response_headers if h["name"].lower() == "content-type"), "")
    request_headers = _headers(scope.get("headers"))
    request_mime = next((h["value"] for h in request_headers if h["name"].lower() == "content-type"), "")
    first = record.events[0].offset_ns if record.events else 0
    start_at = start.offset_ns if start is not None else record.summary.duration_ns
    end_at = bodies[-1].offset_ns if bodies else start_at
    request: dict[str, Any] = {
        "method": scope.get("method", "GET"),
        "url": url,
        "httpVersion": http_version,
        "cookies": [],
        "headers": request_headers,
        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(query, keep_blank_values=True)],
        "headersSize": -1,
        "bodySize": record.summary.bytes_received,
    }
    if request_body:
        posted = _content(request_body, request_mime)
        request["postData"] = {"mimeType": request_mime, "text": posted["text"]}
        if "encoding" in posted:
            request["postData"]["comment"] = "base64: the request body is not UTF-8 text"
    failure = _failure(result)
    if failure:  # the time runs until the app ended or was cancelled, not until a response that never came
        start_at = end_at = max(start_at, record.summary.duration_ns)
        status = 0
    timings = {"send": max(0.0, first / 1e6), "wait": max(0.0, (start_at - first) / 1e6),
               "receive": max(0.0, (end_at - start_at) / 1e6)}
    found = ", ".join(sorted(set(record.summary.rule_ids))) or "no violations"
    made: dict[str, Any] = {
        "startedDateTime": datetime.fromisoformat(record.started_at).isoformat(),
        "time": sum(timings.values()),
        "request": request,
        "response": {
            "status": status,
            "statusText": _status_text(status),
            "httpVersion": http_version,
            "cookies": [],
            "headers": response_headers,
            "content": {**_content(response_body, mime), "size": record.summary.bytes_sent},
            "redirectURL": next((h["value"] for h in response_headers if h["name"].lower() == "location"), ""),
            "headersSize": -1,
            "bodySize": record.summary.bytes_sent,
        },
        "cache": {},
        "timings": timings,
        "comment": f"{failure}; {found}" if failure else found,
    }
    if failure:
        made["_error"] = failure
    return made


def websocket_entry(record: TraceRecord, result: ScopeResult | None = None) -> dict[str, Any]:
    """A WebSocket session as browsers' developer tools export one: the handshake as request and 101 response,
    each frame in ``_webSocketMessages`` ("send" is the client's, "receive" the app's; opcode 1 text, 2 binary)."""
    scope = record.scope
    started = datetime.fromisoformat(record.started_at)
    scheme = "wss" if scope.get("scheme") == "wss" else "ws"
    server = scope.get("server") or ["localhost", None]
    host = next((h["value"] for h in _headers(scope.get("headers")) if h["name"].lower() == "host"),
                f"{server[0]}" + (f":{server[1]}" if server[1] else ""))
    query = _text(scope.get("query_string", b""))
    url = f"{scheme}://{host}{scope.get('root_path', '')}{scope.get('path', '/')}" + (f"?{query}" if query else "")
    messages = []
    accept = None
    for event in record.events:
        if event.type == "websocket.accept":
            accept = event
        if event.type not in ("websocket.receive", "websocket.send"):
            continue
        text, data = event.message.get("text"), event.message.get("bytes")
        frame: dict[str, Any] = {"type": "send" if event.type == "websocket.receive" else "receive",
                                 "time": started.timestamp() + event.offset_ns / 1e9}
        if isinstance(text, str):
            frame.update(opcode=1, data=text)
        elif isinstance(data, bytes):
            frame.update(opcode=2, data=base64.b64encode(data).decode("ascii"))
        else:
            continue
        messages.append(frame)
    failure = _failure(result)
    status = 101 if accept is not None and not failure else 0
    headers = _headers(accept.message.get("headers")) if accept is not None else []
    made: dict[str, Any] = {
        "startedDateTime": started.isoformat(),
        "time": record.summary.duration_ns / 1e6,
        "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
                    "headers": _headers(scope.get("headers")),
                    "queryString": [{"name": k, "value": v} for k, v in parse_qsl(query, keep_blank_values=True)],
                    "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "Switching Protocols" if status == 101 else "",
                     "httpVersion": "HTTP/1.1", "cookies": [], "headers": headers,
                     "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
        "cache": {},
        "timings": {"send": 0.0, "wait": record.summary.duration_ns / 1e6, "receive": 0.0},
        "_resourceType": "websocket",
        "_webSocketMessages": messages,
        "comment": ", ".join(sorted(set(record.summary.rule_ids))) or "no violations",
    }
    if failure:
        made["_error"] = failure
        made["comment"] = f"{failure}; {made['comment']}"
    return made


def pair_results(records: list[TraceRecord], results: Iterable[ScopeResult]) -> list[ScopeResult | None]:
    """Each record's scope result (the one that names the record's id), or None."""
    by_id = {result.trace_id: result for result in results if result.trace_id}
    return [by_id.get(record.id) for record in records]


def har(records: list[TraceRecord], results: Iterable[ScopeResult] = ()) -> dict[str, Any]:
    try:
        version = importlib.metadata.version("asgion")
    except importlib.metadata.PackageNotFoundError:
        version = "0+unknown"
    return {"log": {
        "version": HAR_VERSION,
        "creator": {"name": "asgion", "version": version},
        "pages": [],
        "entries": [entry(record, result)
                    for record, result in zip(records, pair_results(records, results), strict=True)
                    if record.scope_type in ("http", "websocket")],
    }}
