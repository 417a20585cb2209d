"""One triggering scenario and one clean counterpart per general (G-*) rule; see asgion_http.cases."""

from __future__ import annotations

from typing import Any

from asgion_core.scenario import DELETE, Case, Scenario, call, raises, receive, returns, send

CT = [b"content-type", b"text/plain; charset=utf-8"]
REQ = receive({"type": "http.request", "body": b"", "more_body": False})
START = send({"type": "http.response.start", "status": 200, "headers": [CT]})
BODY = send({"type": "http.response.body", "body": b"ok"})
OK = (REQ, START, BODY)
GOOD = Scenario(OK)
VALID_TLS: dict[str, Any] = {
    "server_cert": None,
    "client_cert_chain": [],
    "client_cert_name": None,
    "client_cert_error": None,
    "tls_version": 0x0304,
    "cipher_suite": 0x1301,
}


def with_start_extra(value: Any) -> Case:
    """A start message carrying an extra field with ``value``; the clean one carries a plain value."""
    bad = send({"type": "http.response.start", "status": 200, "headers": [CT], "x-extra": value})
    good = send({"type": "http.response.start", "status": 200, "headers": [CT], "x-extra": [1, "a", b"b", None]})
    return Case(Scenario((REQ, bad, BODY)), Scenario((REQ, good, BODY)))


def scope_case(**scope: Any) -> Case:
    return Case(Scenario(OK, scope=scope), GOOD)


class UnreadablePath(str):
    """A path whose methods raise, as a buggy server (or test client) might build one."""

    def startswith(self, *args: Any) -> bool:
        raise RuntimeError("unreadable")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("unreadable")

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"UnreadablePath({str.__repr__(self)})"


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def _set_path(scope: dict[str, Any]) -> None:
    scope["path"] = "/rewritten"


CASES: dict[str, Case] = {
    "G-001": Case(Scenario(OK, raw_scope=["http", "/"]), GOOD),
    "G-002": Case(Scenario(OK, raw_scope={"asgi": {"version": "3.0"}, "path": "/"}), GOOD),
    "G-003": Case(Scenario(OK, raw_scope={"type": b"http", "path": "/"}), GOOD),
    "G-004": Case(Scenario(OK, raw_scope={"type": "telnet", "asgi": {"version": "3.0"}}), GOOD),
    "G-005": Case(Scenario((REQ, send(["http.response.start", 200]), START, BODY)), GOOD),
    "G-006": Case(Scenario((REQ, send({"status": 200}), START, BODY)), GOOD),
    "G-007": Case(Scenario((REQ, send({"type": 200}), START, BODY)), GOOD),
    "G-008": with_start_extra(float("nan")),
    "G-009": with_start_extra(float("inf")),
    "G-010": with_start_extra({"a", "b"}),
    "G-011": scope_case(asgi=DELETE),
    "G-012": scope_case(asgi={"version": "4.0"}),
    "G-013": scope_case(asgi={"version": "3.0", "spec_version": 2.4}),
    "G-014": with_start_extra(_nested(40)),
    "G-015": Case(Scenario((*OK, returns(b"done"))), GOOD),
    "G-016": with_start_extra(2**64),
    "G-017": with_start_extra({1: "one"}),
    "G-018": scope_case(asgi="3.0"),
    "G-019": Case(Scenario((call(_set_path, 'scope["path"] = "/rewritten"'), *OK)), GOOD),
    "G-020": Case(
        Scenario((receive({"type": "http.disconnect"}), START), send_error=RuntimeError("connection closed"),
                 config={"exclude_rules": ("HF-005",)}),
        Scenario((receive({"type": "http.disconnect"}), START), send_error=OSError("connection closed"),
                 config={"exclude_rules": ("HF-005",)}),
    ),
    "G-021": Case(Scenario((REQ, raises(ValueError("database unavailable")))), GOOD),
    "G-022": scope_case(asgi={"version": "3.0", "spec_version": "2.9"}),
    "G-023": Case(Scenario(OK, scope={"scheme": "http", "extensions": {"tls": VALID_TLS}}),
                  Scenario(OK, scope={"scheme": "https", "extensions": {"tls": VALID_TLS}})),
    "G-024": Case(Scenario(OK, scope={"scheme": "https", "extensions": {"tls": {"tls_version": "1.3"}}}),
                  Scenario(OK, scope={"scheme": "https", "extensions": {"tls": VALID_TLS}})),
    "G-025": Case(Scenario(OK, scope={"scheme": "https", "extensions": {"tls": {**VALID_TLS,
                                                                                 "client_cert_chain": ["PEM"]}}}),
                  Scenario(OK, scope={"scheme": "https", "extensions": {"tls": {**VALID_TLS,
                                                                                 "client_cert_chain": ["PEM"],
                                                                                 "client_cert_name": "CN=client"}}})),
    "G-026": scope_case(extensions={"http.response.pathsend": True}),
    "G-027": scope_case(path=UnreadablePath("/")),
}
