"""Plugin discovery, selection and blocking by name, and registries built from plugins."""

from __future__ import annotations

from typing import Any

import pytest

from asgion import Rule, Severity, hookimpl
from asgion_core.plugins import PluginError, create_plugin_manager


def test_builtins_are_entry_points() -> None:
    pm = create_plugin_manager()
    assert {"general", "http", "text", "json"} <= {name for name, _ in pm.list_name_plugin()}
    info = {i.name: i for i in pm.plugin_infos()}
    assert info["http"].distribution == "asgion" and info["http"].rules == 123
    assert info["json"].reporters == ("json",)
    assert "asgion_event_checks" in info["http"].hooks


def test_block_by_name_and_by_env() -> None:
    assert not create_plugin_manager(plugins=["no:http"]).has_plugin("http")
    assert not create_plugin_manager(env={"ASGION_PLUGINS": "no:json"}).has_plugin("json")
    assert "json" not in create_plugin_manager(block=["json"]).reporters()


def test_load_by_module_name() -> None:
    pm = create_plugin_manager(plugins=["tests.core.sample_plugin"], entry_points=False)
    assert "XS-001" in pm.rule_registry()


def test_unknown_plugin_is_a_clear_error() -> None:
    with pytest.raises(PluginError, match="no_such_plugin"):
        create_plugin_manager(plugins=["no_such_plugin"])


def test_disable_autoload_keeps_builtins() -> None:
    pm = create_plugin_manager(env={"ASGION_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert pm.has_plugin("http")


def test_embedding_without_entry_points() -> None:
    import asgion_http.plugin

    pm = create_plugin_manager(plugins=[asgion_http.plugin], entry_points=False)
    assert pm.has_plugin("http")
    assert "HF-002" in pm.rule_registry() and pm.reporters() == {}


def test_clashing_rule_ids_disable_the_late_plugin() -> None:
    class Clash:
        @hookimpl
        def asgion_register_rules(self, registry: Any) -> None:
            registry.register(Rule(id="HF-900", name="clash", severity=Severity.ERROR, layer="http.fsm"))

    pm = create_plugin_manager(plugins=[Clash()])
    registry = pm.rule_registry()
    assert "HF-002" in registry and "HF-900" not in registry
    assert any("Clash" in e and "belongs to plugin 'http'" in e for e in pm.plugin_errors)
    assert not pm.has_plugin("Clash")
