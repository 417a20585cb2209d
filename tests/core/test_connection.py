"""The per-connection record: what it keeps from the scope, and what it makes only when asked."""

from __future__ import annotations

from typing import Any

from asgion import AsgionConfig, Inspector
from asgion_core.connection import Connection
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import http_scope
from tests.helpers import RecordingServer


def connection(scope: dict[str, Any]) -> Connection:
    return Connection(scope, "http", AsgionConfig(), frozenset(), {})


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
