"""Third-party plugins for real: the example distributions (installed by the README's test command) and broken
plugins installed as real entry points (a dist-info directory on sys.path), never mocks."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliRun

CLEAN = f"{EXAMPLES / 'clean_app.py'}:app"
INSTALLED = all(importlib.util.find_spec(name) for name in ("asgion_security_headers", "asgion_markdown"))
if not INSTALLED and os.environ.get("CI"):
    pytest.fail("CI must install examples/plugins/* (see the README's test command)", pytrace=False)
needs_examples = pytest.mark.skipif(not INSTALLED, reason="pip install -e examples/plugins/* (README test command)")


@pytest.fixture
def autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about third-party plugins: let them load as they would for a user."""
    monkeypatch.delenv("ASGION_DISABLE_PLUGIN_AUTOLOAD", raising=False)


@needs_examples
def test_examples_appear_in_plugins(run_cli: CliRun, autoload: None) -> None:
    data = json.loads(run_cli("plugins", "--format", "json")[1])
    plugins = {p["name"]: p for p in data["plugins"]}
    assert plugins["security_headers"]["distribution"] == "asgion-security-headers"
    assert plugins["security_headers"]["version"] == "1.0.0" and plugins["security_headers"]["rules"] == 2
    assert plugins["markdown"]["reporters"] == ["markdown"]


@needs_examples
def test_example_rules_appear_in_rules(run_cli: CliRun, autoload: None) -> None:
    assert "SH-001" in run_cli("rules")[1]
    out = run_cli("rules", "SH-001")[1]
    assert "missing-nosniff" in out and "plugin: security_headers" in out


@needs_examples
def test_example_plugins_run_in_check(run_cli: CliRun, autoload: None) -> None:
    code, out, _ = run_cli("check", CLEAN, "--format", "markdown")
    assert code == 0
    assert out.startswith("## asgion:") and "| SH-001 | info |" in out


@needs_examples
def test_examples_can_be_blocked(run_cli: CliRun, autoload: None) -> None:
    out = run_cli("check", CLEAN, "-p", "no:security_headers")[1]
    assert "SH-001" not in out
    code, _, err = run_cli("check", CLEAN, "-p", "no:markdown", "--format", "markdown")
    assert code == 2 and "unknown format 'markdown'" in err


@needs_examples
def test_autoload_off_and_explicit_selection(run_cli: CliRun, autoload: None) -> None:
    assert "SH-001" not in run_cli("check", CLEAN, "--disable-plugin-autoload")[1]
    assert "SH-001" in run_cli("check", CLEAN, "--disable-plugin-autoload", "-p", "security_headers")[1]


def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, code: str) -> None:
    """Install a one-module distribution with an ``asgion`` entry point, the way pip leaves it on sys.path."""
    (tmp_path / f"{name}.py").write_text(code)
    info = tmp_path / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[asgion]\n{name} = {name}\n")
    monkeypatch.syspath_prepend(str(tmp_path))


def test_plugin_that_raises_at_import(run_cli: CliRun, autoload: None, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    install_plugin(tmp_path, monkeypatch, "broken_import", "raise RuntimeError('missing API key')\n")
    code, out, _ = run_cli("plugins")
    assert code == 0 and "broken_import" in out and "failed to import: RuntimeError: missing API key" in out
    code, out, _ = run_cli("check", CLEAN, "--strict", "-p", "no:security_headers")
    assert code == 1, "the run completes, and --strict fails it: a check that did not run may hide a finding"
    assert "plugin error: plugin 'broken_import'" in out and "0 violations" in out


CHECK_RAISES = '''
from asgion import EventCheck, Rule, Severity, hookimpl

@hookimpl
def asgion_register_rules(registry):
    registry.register(Rule(id="BR-001", name="never", severity=Severity.ERROR, layer="broken"))

def explode(conn, message):
    raise ZeroDivisionError("bug in the plugin")

@hookimpl
def asgion_event_checks(scope_type, config):
    return [EventCheck(explode, ("BR-001",), "send")]
'''


def test_plugin_whose_check_raises(run_cli: CliRun, autoload: None, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    install_plugin(tmp_path, monkeypatch, "broken_check", CHECK_RAISES)
    code, out, _ = run_cli("check", f"{EXAMPLES / 'buggy_app.py'}:app", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert "HF-002" in {v["rule_id"] for v in data["violations"]}, "the other checks carry on"
    errors = data["internal_errors"]
    assert len(errors) == 1 and errors[0]["plugin"] == "broken_check"
    assert "ZeroDivisionError: bug in the plugin" in errors[0]["error"]


CLASHING = '''
from asgion import Rule, Severity, hookimpl

@hookimpl
def asgion_register_rules(registry):
    registry.register(Rule(id="HF-002", name="mine", severity=Severity.INFO, layer="http.fsm"))
'''


def test_plugin_with_a_clashing_rule_id(run_cli: CliRun, autoload: None, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    install_plugin(tmp_path, monkeypatch, "clashing", CLASHING)
    code, out, _ = run_cli("check", f"{EXAMPLES / 'buggy_app.py'}:app", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert any("'clashing' disabled" in e and "HF-002" in e for e in data["plugin_errors"])
    hf002 = next(v for v in data["violations"] if v["rule_id"] == "HF-002")
    assert hf002["severity"] == "error", "the built-in rule keeps its meaning"
