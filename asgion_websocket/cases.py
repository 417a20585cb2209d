"""One triggering scenario and one clean counterpart per WebSocket rule (examples and tests; see asgion_http.cases)."""

from __future__ import annotations

from typing import Any

from asgion_core.scenario import DELETE, Case, Scenario, Step, receive, send

CONNECT = receive({"type": "websocket.connect"})
ACCEPT = send({"type": "websocket.accept"})
FRAME = receive({"type": "websocket.receive", "text": "ping"})
ECHO = send({"type": "websocket.send", "text": "pong"})
CLOSE = send({"type": "websocket.close", "code": 1000})
GONE = receive({"type": "websocket.disconnect", "code": 1001})
OK = (CONNECT, ACCEPT, FRAME, ECHO, CLOSE)
GOOD = Scenario(OK, scope_type="websocket")
DENY = send({"type": "websocket.http.response.start", "status": 403, "headers": [(b"content-type", b"text/plain")]})
DENY_BODY = send({"type": "websocket.http.response.body", "body": b"forbidden"})


def ws(*steps: Step, **scope: Any) -> Scenario:
    return Scenario(tuple(steps), scope=scope, scope_type="websocket")


def scope_case(**scope: Any) -> Case:
    return Case(ws(*OK, **scope), GOOD)


def message_case(*steps: Step, **scope: Any) -> Case:
    return Case(ws(*steps, **scope), GOOD)


def accept(**fields: Any) -> Step:
    return send({"type": "websocket.accept", **fields})


def close(**fields: Any) -> Step:
    return send({"type": "websocket.close", **fields})


def frame(**fields: Any) -> Step:
    return receive({"type": "websocket.receive", **fields})


def out(**fields: Any) -> Step:
    return send({"type": "websocket.send", **fields})


def deny(**fields: Any) -> Step:
    return send({"type": "websocket.http.response.start", **fields})


CASES: dict[str, Case] = {
    # -- ws.scope -----------------------------------------------------------------------------------------------
    "WS-003": scope_case(http_version=1.1),
    "WS-005": scope_case(scheme=b"ws"),
    "WS-006": scope_case(scheme="http"),
    "WS-007": scope_case(path=DELETE),
    "WS-008": scope_case(path=b"/ws"),
    "WS-010": Case(ws(*OK, raw_path="/ws"), ws(*OK, raw_path=None)),
    "WS-012": Case(ws(*OK, query_string="room=1"), ws(*OK, query_string=None)),
    "WS-014": scope_case(root_path=None),
    "WS-015": scope_case(headers=DELETE),
    "WS-016": scope_case(headers=[(b"host",)]),
    "WS-017": scope_case(headers=[("host", b"example.com")]),
    "WS-018": scope_case(headers=[(b"host", "example.com")]),
    "WS-019": scope_case(headers=[(b"Host", b"example.com")]),
    "WS-021": Case(ws(*OK, subprotocols="chat"), ws(*OK, subprotocols=["chat"])),
    "WS-022": scope_case(client=["127.0.0.1"]),
    "WS-023": scope_case(server=("127.0.0.1", "8000")),
    "WS-024": scope_case(extensions=["websocket.http.response"]),
    "WS-025": scope_case(state=[]),
    "WS-026": Case(ws(*OK, http_version="1.0"), ws(*OK, http_version="2")),
    "WS-027": scope_case(headers=[(b":authority", b"example.com")]),
    "WS-028": scope_case(scheme=""),
    "WS-029": scope_case(headers=[(b"host", b"a.example"), (b"host", b"b.example")]),
    "WS-030": scope_case(raw_path=b"/ws?room=1"),
    # -- ws.events ----------------------------------------------------------------------------------------------
    "WE-001": Case(ws(CONNECT, ACCEPT, frame(text="a", bytes=b"a"), CLOSE), ws(CONNECT, ACCEPT, frame(bytes=b""),
                                                                                CLOSE)),
    "WE-002": message_case(CONNECT, ACCEPT, frame(bytes="data"), CLOSE),
    "WE-003": message_case(CONNECT, ACCEPT, frame(text=b"data"), CLOSE),
    "WE-004": message_case(CONNECT, ACCEPT, receive({"type": "websocket.disconnect", "code": "1000"})),
    "WE-005": message_case(CONNECT, ACCEPT, receive({"type": "websocket.disconnect", "code": 1000, "reason": 5})),
    "WE-006": message_case(CONNECT, accept(subprotocol=b"chat"), CLOSE),
    "WE-007": message_case(CONNECT, accept(headers=[(b"x-a",)]), CLOSE),
    "WE-008": message_case(CONNECT, ACCEPT, out(), CLOSE),
    "WE-009": message_case(CONNECT, ACCEPT, out(bytes="data"), CLOSE),
    "WE-010": message_case(CONNECT, ACCEPT, out(text=b"data"), CLOSE),
    "WE-011": message_case(CONNECT, ACCEPT, close(code=None)),
    "WE-012": message_case(CONNECT, ACCEPT, close(code=1000, reason=b"bye")),
    "WE-013": message_case(CONNECT, deny(status="403"), DENY_BODY),
    "WE-014": message_case(CONNECT, deny(status=403, headers=[b"content-type"]), DENY_BODY),
    "WE-015": message_case(CONNECT, DENY, send({"type": "websocket.http.response.body", "body": "no"})),
    "WE-016": message_case(CONNECT, DENY, send({"type": "websocket.http.response.body", "body": b"no",
                                                "more_body": "no"})),
    "WE-017": message_case(CONNECT, ACCEPT, send({"type": "http.response.start", "status": 200}), CLOSE),
    "WE-018": message_case(CONNECT, ACCEPT, receive({"type": "websocket.ping"}), CLOSE),
    "WE-019": Case(ws(CONNECT, ACCEPT, close(code=1006)), ws(CONNECT, ACCEPT, close(code=4000))),
    "WE-020": message_case(CONNECT, ACCEPT, close(code=1000, reason="x" * 124)),
    "WE-021": message_case(CONNECT, ACCEPT, out(text="broken \ud800 text"), CLOSE),
    "WE-022": message_case(CONNECT, accept(headers=[(b"sec-websocket-protocol", b"chat")]), CLOSE),
    "WE-023": message_case(CONNECT, accept(headers=[(b":status", b"101")]), CLOSE),
    "WE-024": message_case(CONNECT, accept(headers=[(b"X-Server", b"asgion")]), CLOSE),
    "WE-025": Case(ws(CONNECT, accept(subprotocol="chat"), CLOSE, subprotocols=["graphql-ws"]),
                   ws(CONNECT, accept(subprotocol="graphql-ws"), CLOSE, subprotocols=["graphql-ws"])),
    "WE-026": message_case(CONNECT, ACCEPT, receive({"type": "websocket.disconnect"})),
    "WE-027": Case(ws(CONNECT, ACCEPT, close(code=1000, reason="bye"),
                      asgi={"version": "3.0", "spec_version": "2.2"}),
                   ws(CONNECT, ACCEPT, close(code=1000, reason="bye"),
                      asgi={"version": "3.0", "spec_version": "2.3"})),
    "WE-028": message_case(CONNECT, deny(status=101, headers=[]), DENY_BODY),
    "WE-029": Case(ws(CONNECT, DENY, DENY_BODY, extensions={}), ws(CONNECT, DENY, DENY_BODY)),
    "WE-030": message_case(CONNECT, accept(headers=[(b"x server", b"1")]), CLOSE),
    "WE-031": message_case(CONNECT, accept(headers=[(b"x-server", b"a\r\nb")]), CLOSE),
    "WE-032": message_case(CONNECT, accept(headers=[(b"x-server", b"padded ")]), CLOSE),
    "WE-033": message_case(CONNECT, ACCEPT, receive({"type": "websocket.disconnect", "code": 999})),
    # -- ws.fsm -------------------------------------------------------------------------------------------------
    "WF-001": message_case(CONNECT, ACCEPT, CONNECT, CLOSE),
    "WF-002": Case(ws(CONNECT, close(code=1000), ACCEPT), ws(CONNECT, close(code=1000))),
    "WF-003": message_case(CONNECT, ECHO, ACCEPT, CLOSE),
    "WF-004": message_case(CONNECT, ACCEPT, CLOSE, ECHO),
    "WF-005": Case(ws(CONNECT, ACCEPT, GONE, ECHO), ws(CONNECT, ACCEPT, GONE)),
    "WF-006": message_case(CONNECT, ACCEPT, ACCEPT, CLOSE),
    "WF-008": message_case(CONNECT, ACCEPT, DENY, DENY_BODY),
    "WF-009": message_case(CONNECT, DENY_BODY),
    "WF-010": message_case(CONNECT, DENY, ECHO, DENY_BODY),
    "WF-011": message_case(CONNECT, ACCEPT, GONE, FRAME),
    "WF-012": message_case(CONNECT, FRAME, ACCEPT, CLOSE),
    "WF-013": message_case(CONNECT, FRAME),
    "WF-014": message_case(CONNECT, ACCEPT, FRAME, ECHO),
    "WF-015": message_case(CONNECT, ACCEPT, CLOSE, CLOSE),
    "WF-016": message_case(CONNECT, DENY, close(code=1000)),
    "WF-017": Case(ws(CONNECT, GONE, ACCEPT), ws(CONNECT, GONE)),
    "WF-018": message_case(CONNECT, DENY, send({"type": "websocket.http.response.body", "body": b"no",
                                                "more_body": True})),
}
