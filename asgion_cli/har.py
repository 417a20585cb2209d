"""HTTP Archive (HAR) 1.2 export of traced HTTP scopes, so a trace opens in a browser's developer tools.

Built from the trace records: request line and headers from the scope, request body from the ``http.request``
events, response from ``http.response.start`` and the body events, timings from the event offsets. Bodies are as
recorded (capped by ``--max-body-size``); redacted headers stay redacted.
"""

from __future__ import annotations

import importlib.metadata
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

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


def entry(record: TraceRecord) -> dict[str, Any]:
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
        request["postData"] = {"mimeType": request_mime, "text": request_body.decode("utf-8", "replace")}
    timings = {"send": max(0.0, first / 1e6), "wait": max(0.0, (start_at - first) / 1e6),
               "receive": max(0.0, (end_at - start_at) / 1e6)}
    return {
        "startedDateTime": datetime.fromisoformat(record.started_at).isoformat(),
        "time": sum(timings.values()),
        "request": request,
        "response": {
            "status": status,
            "statusText": _status_text(status),
            "httpVersion": http_version,
            "cookies": [],
            "headers": response_headers,
            "content": {"size": record.summary.bytes_sent, "mimeType": mime,
                        "text": response_body.decode("utf-8", "replace")},
            "redirectURL": next((h["value"] for h in response_headers if h["name"].lower() == "location"), ""),
            "headersSize": -1,
            "bodySize": record.summary.bytes_sent,
        },
        "cache": {},
        "timings": timings,
        "comment": ", ".join(sorted(set(record.summary.rule_ids))) or "no violations",
    }


def har(records: list[TraceRecord]) -> dict[str, Any]:
    try:
        version = importlib.metadata.version("asgion")
    except importlib.metadata.PackageNotFoundError:
        version = "0+unknown"
    return {"log": {
        "version": HAR_VERSION,
        "creator": {"name": "asgion", "version": version},
        "pages": [],
        "entries": [entry(r) for r in records if r.scope_type == "http"],
    }}
