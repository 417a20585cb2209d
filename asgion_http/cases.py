"""One triggering scenario and one clean counterpart per HTTP rule.

They serve twice: ``asgion rules ID`` shows them as the bad and the good example, and the test suite plays every
one through the Inspector (the bad one must report the rule, the good one must report nothing).
"""

from __future__ import annotations

import os
from typing import Any

from asgion_core.scenario import DELETE, Case, Scenario, Step, receive, returns, send, sleep

CT = (b"content-type", b"text/plain; charset=utf-8")
REQ = receive({"type": "http.request", "body": b"", "more_body": False})
DISCONNECT = receive({"type": "http.disconnect"})
THIS_FILE = os.path.abspath(__file__)


class OsFile:
    """A file backed by an OS descriptor (os.devnull), opened only when ``fileno()`` is first called."""

    def __init__(self) -> None:
        self._fd: int | None = None

    def fileno(self) -> int:
        if self._fd is None:
            self._fd = os.open(os.devnull, os.O_RDONLY)
        return self._fd

    def __repr__(self) -> str:
        return "open('/dev/null', 'rb')"


OPEN_FILE = OsFile()


def start(status: int | Any = 200, headers: Any = (CT,), **extra: Any) -> Step:
    message = {"type": "http.response.start", "status": status, "headers": [list(h) for h in headers]
               if isinstance(headers, tuple) else headers, **extra}
    return send(message)


def body(data: Any = b"ok", more: Any = False, **extra: Any) -> Step:
    message: dict[str, Any] = {"type": "http.response.body", "body": data, **extra}
    if more is not False:
        message["more_body"] = more
    return send(message)


def trailers(headers: Any = ((b"x-checksum", b"abc"),), **extra: Any) -> Step:
    return send({"type": "http.response.trailers", "headers": [list(h) for h in headers]
                 if isinstance(headers, tuple) else headers, **extra})


def ext(*names: str, **scope: Any) -> dict[str, Any]:
    return {"extensions": {name: {} for name in names}, **scope}


OK = (REQ, start(), body())
GOOD = Scenario(OK)
TRAILER_SCOPE = ext("http.response.trailers", headers=[(b"host", b"example.com"), (b"te", b"trailers")])
TRAILER_START = start(headers=(CT, (b"trailer", b"x-checksum")), trailers=True)


def bad(*steps: Step, **scope: Any) -> Scenario:
    return Scenario(tuple(steps), scope=scope)


def scope_case(**scope: Any) -> Case:
    """A scope rule: the normal exchange under a broken scope, against the normal exchange."""
    return Case(Scenario(OK, scope=scope), GOOD)


def response_case(*steps: Step, **scope: Any) -> Case:
    return Case(Scenario(tuple(steps), scope=scope), GOOD)


def cfg(scenario: Scenario, **config: Any) -> Scenario:
    return Scenario(scenario.steps, scope=scenario.scope, config=config)


CASES: dict[str, Case] = {
    # -- http.scope ---------------------------------------------------------------------------------------------
    "HS-002": scope_case(http_version=DELETE),
    "HS-003": scope_case(http_version=1.1),
    "HS-004": scope_case(http_version="1.2"),
    "HS-005": scope_case(method=DELETE),
    "HS-006": scope_case(method=b"GET"),
    "HS-007": scope_case(method="get"),
    "HS-009": scope_case(scheme=b"http"),
    "HS-010": scope_case(scheme="ftp"),
    "HS-011": scope_case(path=DELETE),
    "HS-012": scope_case(path=b"/"),
    "HS-013": Case(Scenario(OK, scope={"path": "items"}),
                   Scenario((REQ, start(204, headers=((b"allow", b"GET, OPTIONS"),)), body(b"")),
                            scope={"method": "OPTIONS", "path": "*", "raw_path": b"*"})),
    "HS-015": Case(Scenario(OK, scope={"raw_path": "/"}), Scenario(OK, scope={"raw_path": None})),
    "HS-016": scope_case(query_string=DELETE),
    "HS-017": scope_case(query_string="a=1"),
    "HS-019": scope_case(root_path=None),
    "HS-020": scope_case(headers=DELETE),
    "HS-021": scope_case(headers=[(b"host",)]),
    "HS-022": scope_case(headers=[("host", b"example.com")]),
    "HS-023": scope_case(headers=[(b"host", "example.com")]),
    "HS-024": scope_case(headers=[(b"Host", b"example.com")]),
    "HS-025": scope_case(client=("127.0.0.1",)),
    "HS-026": scope_case(server=("127.0.0.1", "8000")),
    "HS-027": scope_case(extensions=[]),
    "HS-028": scope_case(state=[]),
    "HS-029": scope_case(headers=[(b":authority", b"example.com")]),
    "HS-030": scope_case(headers=[(b"host", b"a.example"), (b"host", b"b.example")]),
    "HS-031": Case(Scenario(OK, scope={"root_path": "/api", "path": "/items", "raw_path": b"/items"}),
                   Scenario(OK, scope={"root_path": "/api", "path": "/api/items", "raw_path": b"/api/items"})),
    "HS-032": scope_case(raw_path=b"/items?page=2"),
    "HS-033": Case(Scenario(OK, scope={"path": "/a", "raw_path": b"/b"}),
                   Scenario(OK, scope={"path": "/a b", "raw_path": b"/a%20b"})),
    "HS-034": scope_case(scheme=""),
    # -- http.events --------------------------------------------------------------------------------------------
    "HE-002": Case(bad(receive({"type": "http.request", "body": "text"}), start(), body()), GOOD),
    "HE-003": Case(bad(receive({"type": "http.request", "body": b"", "more_body": 0}), start(), body()), GOOD),
    "HE-004": Case(bad(receive({"type": "http.request.extra"}), REQ, start(), body()), GOOD),
    "HE-005": response_case(REQ, send({"type": "http.response.start", "headers": []}), body()),
    "HE-006": response_case(REQ, start("200"), body()),
    "HE-007": response_case(REQ, start(700), body()),
    "HE-008": response_case(REQ, start(headers=[[b"content-type"]]), body()),
    "HE-009": response_case(REQ, start(headers=((b"Content-Type", b"text/plain; charset=utf-8"),)), body()),
    "HE-010": response_case(REQ, start(headers=(CT, (b"transfer-encoding", b"chunked"))), body()),
    "HE-011": response_case(REQ, start(trailers="yes"), body()),
    "HE-012": response_case(REQ, start(), body("ok")),
    "HE-013": response_case(REQ, start(), body(b"ok", more=0)),
    "HE-014": Case(bad(REQ, start(), body(), send({"type": "http.response.custom"})),
                   Scenario((REQ, start(), body(), send({"type": "http.response.custom"})),
                            scope=ext("http.response.custom"))),
    "HE-015": Case(Scenario((REQ, TRAILER_START, body(), trailers([[b"x-checksum"]])), scope=TRAILER_SCOPE),
                   Scenario((REQ, TRAILER_START, body(), trailers()), scope=TRAILER_SCOPE)),
    "HE-016": Case(Scenario((REQ, start(), send({"type": "http.response.push", "headers": []}), body()),
                            scope=ext("http.response.push")),
                   Scenario((REQ, start(), send({"type": "http.response.push", "path": "/style.css", "headers": []}),
                             body()), scope=ext("http.response.push"))),
    "HE-017": Case(Scenario((REQ, start(), send({"type": "http.response.push", "path": b"/s.css", "headers": []}),
                             body()), scope=ext("http.response.push")),
                   Scenario((REQ, start(), send({"type": "http.response.push", "path": "/s.css", "headers": []}),
                             body()), scope=ext("http.response.push"))),
    "HE-018": Case(Scenario((REQ, start(), send({"type": "http.response.push", "path": "/s.css", "headers": [b"x"]}),
                             body()), scope=ext("http.response.push")),
                   Scenario((REQ, start(), send({"type": "http.response.push", "path": "/s.css", "headers": []}),
                             body()), scope=ext("http.response.push"))),
    "HE-019": Case(Scenario((REQ, start(), send({"type": "http.response.zerocopysend"})),
                            scope=ext("http.response.zerocopysend")),
                   Scenario((REQ, start(), send({"type": "http.response.zerocopysend", "file": OPEN_FILE})),
                            scope=ext("http.response.zerocopysend"))),
    "HE-020": Case(Scenario((REQ, start(), send({"type": "http.response.pathsend"})),
                            scope=ext("http.response.pathsend")),
                   Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend"))),
    "HE-021": Case(Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE.encode()})),
                            scope=ext("http.response.pathsend")),
                   Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend"))),
    "HE-022": Case(Scenario((REQ, send({"type": "http.response.early_hint", "links": "</s.css>; rel=preload"}),
                             start(), body()), scope=ext("http.response.early_hint")),
                   Scenario((REQ, send({"type": "http.response.early_hint", "links": [b"</s.css>; rel=preload"]}),
                             start(), body()), scope=ext("http.response.early_hint"))),
    "HE-023": Case(Scenario((REQ, send({"type": "http.response.debug", "info": "template"}), start(), body()),
                            scope=ext("http.response.debug")),
                   Scenario((REQ, send({"type": "http.response.debug", "info": {"template": "index.html"}}),
                             start(), body()), scope=ext("http.response.debug"))),
    "HE-024": response_case(REQ, start(headers=(CT, (b":status", b"200"))), body()),
    "HE-025": response_case(REQ, start(headers=(CT, (b"x name", b"1"))), body()),
    "HE-026": response_case(REQ, start(headers=(CT, (b"x-user", b"a\r\nset-cookie: s=1"))), body()),
    "HE-027": response_case(REQ, start(headers=(CT, (b"x-user", b" padded "))), body()),
    "HE-028": response_case(REQ, start(headers=(CT, (b"x-user", "café".encode()))), body()),
    "HE-029": response_case(REQ, start(103), body(b"")),
    "HE-030": response_case(REQ, start(42), body()),
    "HE-032": Case(Scenario((REQ, start(), send({"type": "http.response.zerocopysend", "file": "not a file"})),
                            scope=ext("http.response.zerocopysend")),
                   Scenario((REQ, start(), send({"type": "http.response.zerocopysend", "file": OPEN_FILE})),
                            scope=ext("http.response.zerocopysend"))),
    "HE-033": Case(Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": "static/a.css"})),
                            scope=ext("http.response.pathsend")),
                   Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend"))),
    "HE-034": Case(Scenario((REQ, TRAILER_START, body(), trailers(((b"X-Checksum", b"abc"),))), scope=TRAILER_SCOPE),
                   Scenario((REQ, TRAILER_START, body(), trailers()), scope=TRAILER_SCOPE)),
    "HE-035": Case(Scenario((REQ, TRAILER_START, body(), trailers(more_trailers="no")), scope=TRAILER_SCOPE),
                   Scenario((REQ, TRAILER_START, body(), trailers(more_trailers=False)), scope=TRAILER_SCOPE)),
    "HE-036": Case(Scenario((REQ, start(), send({"type": "http.response.zerocopysend", "file": OPEN_FILE,
                                                  "count": -1})), scope=ext("http.response.zerocopysend")),
                   Scenario((REQ, start(), send({"type": "http.response.zerocopysend", "file": OPEN_FILE,
                                                  "count": 0})), scope=ext("http.response.zerocopysend"))),
    "HE-037": Case(Scenario((REQ, start(), send({"type": "http.response.zerocopysend", "file": OPEN_FILE,
                                                  "more_body": "no"})), scope=ext("http.response.zerocopysend")),
                   Scenario((REQ, start(), send({"type": "http.response.zerocopysend", "file": OPEN_FILE,
                                                  "more_body": False})), scope=ext("http.response.zerocopysend"))),
    "HE-038": Case(Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": "/no/such/file.css"})),
                            scope=ext("http.response.pathsend")),
                   Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend"))),
    # -- http.fsm -----------------------------------------------------------------------------------------------
    "HF-001": response_case(REQ, returns(None)),
    "HF-002": response_case(REQ, body(), start()),
    "HF-003": response_case(REQ, start(), start(500), body()),
    "HF-004": response_case(REQ, start(), body(), body(b"more")),
    "HF-005": Case(bad(DISCONNECT, start(), body()), Scenario((DISCONNECT, returns(None)))),
    "HF-006": response_case(REQ, start(), body(b"part", more=True)),
    "HF-007": response_case(REQ, REQ, start(), body()),
    "HF-008": Case(Scenario((REQ, TRAILER_START, body()), scope=TRAILER_SCOPE),
                   Scenario((REQ, TRAILER_START, body(), trailers()), scope=TRAILER_SCOPE)),
    "HF-009": Case(Scenario((REQ, start(), body(), trailers()), scope=TRAILER_SCOPE),
                   Scenario((REQ, TRAILER_START, body(), trailers()), scope=TRAILER_SCOPE)),
    "HF-011": Case(Scenario((REQ, start(), body(b"ok")), scope={"method": "HEAD"}),
                   Scenario((REQ, start(), body(b"")), scope={"method": "HEAD"})),
    "HF-012": Case(bad(REQ, start(204, headers=()), body(b"ok")), Scenario((REQ, start(204, headers=()), body(b"")))),
    "HF-013": Case(Scenario((REQ, TRAILER_START, trailers(), body()), scope=TRAILER_SCOPE),
                   Scenario((REQ, TRAILER_START, body(), trailers()), scope=TRAILER_SCOPE)),
    "HF-014": Case(Scenario((REQ, TRAILER_START, body(), trailers(more_trailers=True)), scope=TRAILER_SCOPE),
                   Scenario((REQ, TRAILER_START, body(), trailers(more_trailers=True), trailers(())),
                            scope=TRAILER_SCOPE)),
    "HF-015": Case(Scenario((REQ, start(), body(b"a", more=True), send({"type": "http.response.pathsend",
                                                                         "path": THIS_FILE})),
                            scope=ext("http.response.pathsend")),
                   Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend"))),
    "HF-016": Case(Scenario((REQ, send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend")),
                   Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend"))),
    "HF-017": Case(Scenario((REQ, start(), body(), send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend")),
                   Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend"))),
    "HF-018": response_case(REQ, start(headers=(CT, (b"content-length", b"2"))), body(b"abc")),
    "HF-019": response_case(DISCONNECT, REQ, returns(None)),
    "HF-020": Case(bad(receive({"type": "http.request", "body": b"a", "more_body": True}), start(), body(),
                       receive({"type": "http.request", "body": b"b", "more_body": False})),
                   Scenario((receive({"type": "http.request", "body": b"a", "more_body": True}),
                             receive({"type": "http.request", "body": b"b", "more_body": False}), start(), body()))),
    "HF-021": Case(bad(receive({"type": "http.request", "body": b"a", "more_body": True}), start(), body()),
                   Scenario((receive({"type": "http.request", "body": b"a", "more_body": True}),
                             receive({"type": "http.request", "body": b"b", "more_body": False}), start(), body()))),
    # -- http.extension -----------------------------------------------------------------------------------------
    "EX-009": Case(Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE}))),
                   Scenario((REQ, start(), send({"type": "http.response.pathsend", "path": THIS_FILE})),
                            scope=ext("http.response.pathsend"))),
    "EX-010": Case(Scenario((REQ, start(), send({"type": "http.response.early_hint", "links": [b"</s.css>"]}),
                             body()), scope=ext("http.response.early_hint")),
                   Scenario((REQ, send({"type": "http.response.early_hint", "links": [b"</s.css>"]}), start(),
                             body()), scope=ext("http.response.early_hint"))),
    "EX-011": Case(Scenario((REQ, start(), send({"type": "http.response.debug", "info": {}}), body()),
                            scope=ext("http.response.debug")),
                   Scenario((REQ, send({"type": "http.response.debug", "info": {}}), start(), body()),
                            scope=ext("http.response.debug"))),
    "EX-016": Case(bad(REQ, TRAILER_START, body(), headers=[(b"host", b"example.com"), (b"te", b"trailers")]),
                   Scenario((REQ, TRAILER_START, body(), trailers()), scope=TRAILER_SCOPE)),
    "EX-017": Case(Scenario((REQ, send({"type": "http.response.debug", "info": {}}),
                             send({"type": "http.response.debug", "info": {}}), start(), body()),
                            scope=ext("http.response.debug")),
                   Scenario((REQ, send({"type": "http.response.debug", "info": {}}), start(), body()),
                            scope=ext("http.response.debug"))),
    "EX-018": Case(Scenario((REQ, TRAILER_START, body(), trailers()), scope=ext("http.response.trailers")),
                   Scenario((REQ, TRAILER_START, body(), trailers()), scope=TRAILER_SCOPE)),
    # -- http.semantic ------------------------------------------------------------------------------------------
    "SEM-001": response_case(REQ, start(headers=(CT, (b"content-type", b"text/html; charset=utf-8"))), body()),
    "SEM-002": response_case(REQ, start(headers=()), body()),
    "SEM-003": response_case(REQ, start(headers=(CT, (b"content-length", b"10"))), body(b"abc")),
    "SEM-004": Case(Scenario((REQ, start(headers=(CT, (b"set-cookie", b"sid=1; HttpOnly"))), body()),
                             scope={"scheme": "https"}),
                    Scenario((REQ, start(headers=(CT, (b"set-cookie", b"sid=1; HttpOnly; Secure"))), body()),
                             scope={"scheme": "https"})),
    "SEM-005": Case(Scenario((REQ, start(), body(b"a", more=True), body(b"b")),
                             scope={"asgi": {"version": "3.0", "spec_version": "2.3"}}),
                    Scenario((REQ, start(), body(b"a", more=True), body(b"b")))),
    "SEM-006": Case(cfg(Scenario((REQ, sleep(0.05), start(), body())), ttfb_threshold=0.01),
                    cfg(GOOD, ttfb_threshold=5.0)),
    "SEM-007": Case(cfg(Scenario((REQ, start(), body(b"a", more=True), sleep(0.05), body(b"b"))),
                        lifecycle_threshold=0.01),
                    cfg(Scenario((REQ, start(), body(b"a", more=True), body(b"b"))), lifecycle_threshold=5.0)),
    "SEM-008": Case(cfg(Scenario((REQ, start(), body(b"x" * 20, more=True), body(b""))), body_size_threshold=10),
                    cfg(Scenario((REQ, start(), body(b"x" * 5, more=True), body(b""))), body_size_threshold=10)),
    "SEM-009": Case(cfg(Scenario((REQ, start(), body(b"x" * 20))), buffer_chunk_threshold=10),
                    cfg(Scenario((REQ, start(), body(b"x" * 10, more=True), body(b"x" * 10))),
                        buffer_chunk_threshold=10)),
    "SEM-010": Case(cfg(Scenario((REQ, start(), body(b"a", more=True), sleep(0.05), body(b"b"))),
                        body_delivery_threshold=0.01),
                    cfg(Scenario((REQ, start(), body(b"a", more=True), body(b"b"))), body_delivery_threshold=5.0)),
    "SEM-011": Case(cfg(Scenario((REQ, start(), body(b"a", more=True), body(b"b", more=True), body(b"c"))),
                        chunk_count_threshold=2),
                    cfg(Scenario((REQ, start(headers=((b"content-type", b"text/event-stream"),)),
                                  body(b"data: a\n\n", more=True), body(b"data: b\n\n", more=True), body(b""))),
                        chunk_count_threshold=2)),
    "SEM-012": response_case(REQ, start(headers=(CT, (b"access-control-allow-origin", b"*"),
                                                 (b"access-control-allow-credentials", b"true"))), body()),
    "SEM-013": response_case(REQ, start(headers=((b"content-type", b"text/html"),)), body()),
    "SEM-014": Case(bad(REQ, start(204, headers=((b"content-length", b"0"),)), body(b"")),
                    Scenario((REQ, start(204, headers=()), body(b"")))),
    "SEM-015": response_case(REQ, start(headers=(CT, (b"content-length", b"2"), (b"content-length", b"3"))),
                             body(b"ok")),
    "SEM-016": response_case(REQ, start(headers=(CT, (b"content-length", b"+2"))), body(b"ok")),
    "SEM-017": response_case(REQ, start(headers=(CT, (b"content-length", b"2"), (b"transfer-encoding", b"chunked"))),
                             body(b"ok")),
    "SEM-018": Case(Scenario((REQ, start(headers=(CT, (b"connection", b"keep-alive"))), body()),
                             scope={"http_version": "2"}),
                    Scenario((REQ, start(), body()), scope={"http_version": "2"})),
    "SEM-019": response_case(REQ, start(headers=(CT, (b"set-cookie", b"a=1, b=2"))), body()),
    "SEM-020": Case(bad(REQ, start(401), body()),
                    Scenario((REQ, start(401, headers=(CT, (b"www-authenticate", b'Bearer realm="api"'))), body()))),
    "SEM-021": Case(bad(REQ, start(302), body(b"")),
                    Scenario((REQ, start(302, headers=(CT, (b"location", b"/next"))), body(b"")))),
    "SEM-022": Case(Scenario((REQ, TRAILER_START, body(), trailers(((b"content-type", b"text/plain"),))),
                             scope=TRAILER_SCOPE),
                    Scenario((REQ, TRAILER_START, body(), trailers()), scope=TRAILER_SCOPE)),
    "SEM-023": Case(Scenario((REQ, start(trailers=True), body(), trailers()), scope=TRAILER_SCOPE),
                    Scenario((REQ, TRAILER_START, body(), trailers()), scope=TRAILER_SCOPE)),
    "SEM-024": response_case(REQ, start(headers=(CT, (b"content-length", b"2, 2"))), body(b"ok")),
    "SEM-025": Case(bad(REQ, start(405), body()),
                    Scenario((REQ, start(405, headers=(CT, (b"allow", b"GET"))), body()))),
}
