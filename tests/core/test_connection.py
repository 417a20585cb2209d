"""The per-connection record: what it keeps from the scope, and what it makes only when asked."""

from __future__ import annotations

from typing import Any

from asgion import AsgionConfig, Inspector
from asgion_core.connection import Connection, ConnectionKind
from asgion_core.plugins import create_plugin_manager
from asgion_core.rules import Rule, Severity
from asgion_core.scenario import http_scope
from tests.helpers import RecordingServer


def connection(scope: dict[str, Any]) -> Connection:
    return Connection(scope, ConnectionKind("http", AsgionConfig(), frozenset(), {}))


def test_path_and_method_are_those_the_connection_began_with() -> None:
    scope = http_scope(path="/items", method="POST")
    conn = connection(scope)
    scope["path"], scope["method"] = "/rewritten", "GET"
    assert (conn.path, conn.method, conn.label) == ("/items", "POST", "POST /items")


def test_path_and_method_that_are_not_str_read_as_empty() -> None:
    conn = connection(http_scope(path=b"/items", method=5))
    assert (conn.path, conn.method) == ("", "")


def test_extras_is_one_dict_made_on_first_use() -> None:
    conn = connection(http_scope())
    assert conn._extras is None
    conn.extras["key"] = 1
    assert conn.extras == {"key": 1} and conn.extras is conn.extras


def test_a_finding_names_the_path_the_app_was_called_with() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        scope["path"] = "/rewritten"  # a middleware below the inspector rewrites the scope in place
        await receive()

    inspector = Inspector(app, plugins=create_plugin_manager(autoload=False, env={}))
    RecordingServer().run(inspector, scope=http_scope(path="/original"))
    assert {v.rule_id for v in inspector.violations} == {"HF-001"}
    assert {(v.path, v.scope_label) for v in inspector.violations} == {("/original", "GET /original")}


def test_connections_of_one_scope_type_share_one_kind() -> None:
    kinds: list[ConnectionKind] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        kinds.append(inspector._routers["http"].kind)  # type: ignore[union-attr]
        await receive()
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    inspector = Inspector(app, plugins=create_plugin_manager(autoload=False, env={}), keep_clean_results=True)
    RecordingServer().run(inspector, scope=http_scope())
    RecordingServer().run(inspector, scope=http_scope())
    assert len(kinds) == 2 and kinds[0] is kinds[1]
    kind = kinds[0]
    assert (kind.scope_type, kind.config, kind.shared) == ("http", inspector.config, inspector._shared)
    assert [r.scope_type for r in inspector.results] == ["http", "http"]


def test_a_report_reads_the_rules_and_the_sink_of_its_kind() -> None:
    rule = Rule(id="X-001", name="x", severity=Severity.ERROR, layer="app", summary="x")
    found: list[str] = []
    kind = ConnectionKind("http", AsgionConfig(), frozenset({"X-001"}), {"X-001": rule},
                          sink=lambda conn, violation: found.append(violation.rule_id))
    conn = Connection(http_scope(), kind)
    conn.report("X-001", "kept")
    conn.report("X-002", "not enabled: ignored")
    assert found == ["X-001"] and [v.rule_id for v in conn.violations] == ["X-001"]
    assert conn.is_enabled("X-001") and not conn.is_enabled("X-002")
