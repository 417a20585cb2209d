"""The plugin's own tests, written with asgion's testing helpers (scenarios and the asgion_runner fixture)."""

from __future__ import annotations

import asgion_security_headers.plugin as plugin

from asgion.testing import Scenario, receive, send

REQ = receive({"type": "http.request", "body": b""})


def response(*headers: tuple[bytes, bytes], scheme: str = "http") -> Scenario:
    start = {"type": "http.response.start", "status": 200,
             "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers]}
    return Scenario((REQ, send(start), send({"type": "http.response.body", "body": b"ok"})),
                    scope={"scheme": scheme})


def ids(violations: list) -> list[str]:
    return [v.rule_id for v in violations if v.rule_id.startswith("SH")]


def test_missing_nosniff(asgion_runner) -> None:
    assert ids(asgion_runner(response(), plugin)) == ["SH-001"]


def test_nosniff_present(asgion_runner) -> None:
    assert ids(asgion_runner(response((b"x-content-type-options", b"nosniff")), plugin)) == []


def test_missing_hsts_on_https(asgion_runner) -> None:
    found = ids(asgion_runner(response((b"x-content-type-options", b"nosniff"), scheme="https"), plugin))
    assert found == ["SH-002"]


def test_hsts_present(asgion_runner) -> None:
    headers = ((b"x-content-type-options", b"nosniff"), (b"strict-transport-security", b"max-age=31536000"))
    assert ids(asgion_runner(response(*headers, scheme="https"), plugin)) == []
