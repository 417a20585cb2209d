"""Hook implementations: two rules under the plugin's own prefix ``SH`` and one check on ``http.response.start``."""

from __future__ import annotations

from typing import Any

from asgion import AsgionConfig, Connection, EventCheck, Rule, Severity, hookimpl

RULES = (
    Rule(
        id="SH-001",
        name="missing-nosniff",
        severity=Severity.INFO,
        layer="security.headers",
        summary="A 2xx response with a content-type has no `x-content-type-options: nosniff` header.",
        hint="Send x-content-type-options: nosniff so browsers do not guess the content type.",
        explanation="Without it, browsers may sniff the body and run a text response as a script.",
    ),
    Rule(
        id="SH-002",
        name="missing-hsts",
        severity=Severity.INFO,
        layer="security.headers",
        summary="A response on an https scope has no `strict-transport-security` header.",
        hint="Send strict-transport-security: max-age=31536000 on https responses.",
    ),
)


@hookimpl
def asgion_register_rules(registry: Any) -> None:
    for rule in RULES:
        registry.register(rule)


def check_start(conn: Connection, message: dict[str, Any]) -> None:
    headers = {name.lower(): value for name, value in _pairs(message.get("headers", []))}
    status = message.get("status")
    nosniff = headers.get(b"x-content-type-options", b"").strip().lower() == b"nosniff"
    if isinstance(status, int) and 200 <= status <= 299 and b"content-type" in headers and not nosniff:
        conn.report("SH-001", f"{status} response without x-content-type-options: nosniff")
    if conn.scope.get("scheme") == "https" and b"strict-transport-security" not in headers:
        conn.report("SH-002", "https response without strict-transport-security")


def _pairs(headers: Any) -> list[tuple[bytes, bytes]]:
    if not isinstance(headers, (list, tuple)):
        return []
    return [(h[0], h[1]) for h in headers
            if isinstance(h, (list, tuple)) and len(h) == 2 and isinstance(h[0], bytes) and isinstance(h[1], bytes)]


@hookimpl
def asgion_event_checks(scope_type: str, config: AsgionConfig) -> list[EventCheck]:
    if scope_type != "http":
        return []
    return [EventCheck(check_start, ("SH-001", "SH-002"), "send", ("http.response.start",))]
