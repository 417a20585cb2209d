"""[tool.asgion.plugins.NAME]: a third-party rule with a threshold, validated by its own plugin."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from asgion_core.checks import EventCheck
from asgion_core.config import AsgionConfig, ConfigError, parse_config
from asgion_core.hookspecs import hookimpl
from asgion_core.inspector import Inspector
from asgion_core.plugins import create_plugin_manager
from asgion_core.rules import Rule, RuleRegistrar, Severity
from asgion_core.scenario import http_scope

#: A plugin object is registered under its class name; an installed one under its entry-point name.
NAME = "HeaderCount"


class HeaderCount:
    """Reports XH-001 when a response has more headers than ``max_headers`` (default 3)."""

    @hookimpl
    def asgion_register_rules(self, registry: RuleRegistrar) -> None:
        registry.register(Rule("XH-001", "too-many-headers", Severity.WARNING, "xh.start",
                               summary="A response start has more headers than max_headers."))

    @hookimpl
    def asgion_check_options(self, config: AsgionConfig) -> list[str]:
        options = config.plugin_options.get(NAME, {})
        problems = [f"unknown key {key!r} (known: max_headers)" for key in options if key != "max_headers"]
        limit = options.get("max_headers", 3)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            problems.append(f"max_headers must be a non-negative int, not {limit!r}")
        return problems

    @hookimpl
    def asgion_event_checks(self, scope_type: str, config: AsgionConfig) -> Sequence[EventCheck]:
        if scope_type != "http":
            return []
        limit = config.plugin_options.get(NAME, {}).get("max_headers", 3)

        def count(conn: Any, message: Any) -> None:
            if len(message.get("headers", [])) > limit:
                conn.report("XH-001", f"{len(message['headers'])} headers, more than {limit}")

        return [EventCheck(count, ("XH-001",), "send", ("http.response.start",))]


async def four_headers(scope: Any, receive: Any, send: Any) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"0"), (b"x-a", b"1"),
               (b"x-b", b"2")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def found_with(toml_table: dict[str, Any]) -> list[str]:
    config = parse_config({"plugins": {NAME: toml_table}})
    pm = create_plugin_manager(plugins=[HeaderCount()], autoload=False, env={})
    inspector = Inspector(four_headers, config=config, plugins=pm)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        pass

    asyncio.run(inspector(http_scope(), receive, send))
    return [v.rule_id for v in inspector.violations if v.rule_id.startswith("XH")]


def test_the_threshold_comes_from_the_plugin_table() -> None:
    assert found_with({}) == ["XH-001"]
    assert found_with({"max_headers": 4}) == []
    assert found_with({"max_headers": 1}) == ["XH-001"]


@pytest.mark.parametrize(("table", "text"), [({"max_headers": "many"}, "max_headers must be a non-negative int"),
                                             ({"max_header": 2}, "unknown key 'max_header'")])
def test_the_plugin_rejects_a_bad_table_with_its_own_words(table: dict[str, Any], text: str) -> None:
    with pytest.raises(ConfigError, match=text) as caught:
        found_with(table)
    assert "[tool.asgion.plugins.HeaderCount]" in str(caught.value)


def test_a_table_no_plugin_owns_is_an_error() -> None:
    config = parse_config({"plugins": {"nope": {"x": 1}}})
    with pytest.raises(ConfigError, match="no installed plugin is named 'nope'"):
        Inspector(four_headers, config=config, plugins=create_plugin_manager(autoload=False, env={}))


def test_a_plugin_whose_check_raises_is_named() -> None:
    class Broken:
        @hookimpl
        def asgion_check_options(self, config: AsgionConfig) -> list[str]:
            raise KeyError("oops")

    pm = create_plugin_manager(plugins=[Broken()], autoload=False, env={})
    Inspector(four_headers, plugins=pm)  # the plugin's bug is no config error: inspect(app) never raises for it
    assert any("Broken" in e and "failed to check its options" in e for e in pm.plugin_errors)


@pytest.mark.parametrize("answer", ["a string", 1, [1]])
def test_a_validator_with_a_wrong_answer_is_a_plugin_error(answer: Any) -> None:
    class Odd:
        @hookimpl
        def asgion_check_options(self, config: AsgionConfig) -> Any:
            return answer

    pm = create_plugin_manager(plugins=[Odd()], autoload=False, env={})
    Inspector(four_headers, plugins=pm)
    assert any("Odd" in e and "not a list of messages" in e for e in pm.plugin_errors)


def test_the_table_of_an_installed_but_unloaded_plugin_is_no_error() -> None:
    """An installed entry point, blocked or not loaded this run (-p no:NAME, autoload off), owns its table."""
    config = parse_config({"plugins": {"security_headers": {"x": 1}, "markdown": {}}})
    Inspector(four_headers, config=config, plugins=create_plugin_manager(autoload=False, env={}))
    Inspector(four_headers, config=config, plugins=create_plugin_manager(block=["security_headers"], env={}))
