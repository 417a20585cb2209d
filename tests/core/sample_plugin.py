"""A tiny third-party-style rule plugin, loaded by module name in tests."""

from __future__ import annotations

from typing import Any

from asgion import EventCheck, Rule, Severity, hookimpl


@hookimpl
def asgion_register_rules(registry: Any) -> None:
    registry.register(Rule(id="XS-001", name="no-server-header", severity=Severity.INFO, layer="xs.headers"))


@hookimpl
def asgion_event_checks(scope_type: str, config: Any) -> list[EventCheck]:
    def check(conn: Any, message: Any) -> None:
        conn.report("XS-001", "response has no server header")
    return [EventCheck(check, ("XS-001",), "send", ("http.response.start",))] if scope_type == "http" else []
