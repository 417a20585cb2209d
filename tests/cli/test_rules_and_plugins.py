"""``asgion rules`` and ``asgion plugins``."""

from __future__ import annotations

import json

from tests.conftest import CliRun


def test_rules_table_lists_everything(run_cli: CliRun) -> None:
    code, out, _ = run_cli("rules")
    assert code == 0
    assert "HF-002" in out and "G-001" in out and "SEM-025" in out
    retired = [r for r in json.loads(run_cli("rules", "--format", "json", "--all")[1]) if r["status"] == "retired"]
    assert retired and not any(r["id"] in out.split() for r in retired), "retired rules are hidden"
    assert f"{257 - len(retired)} rules ({len(retired)} retired hidden, --all)" in out
    assert "257 rules;" in run_cli("rules", "--all")[1]


def test_rules_json_and_layer_filter(run_cli: CliRun) -> None:
    data = json.loads(run_cli("rules", "--format", "json", "--layer", "http.fsm")[1])
    assert {r["layer"] for r in data} == {"http.fsm"}
    assert len(data) == 20  # HF-010 is retired: only with --all
    assert len(json.loads(run_cli("rules", "--format", "json", "--layer", "http.fsm", "--all")[1])) == 21
    assert {"id", "name", "severity", "status", "default_enabled", "summary", "hint", "plugin"} <= set(data[0])


def test_explain_one_rule_with_examples(run_cli: CliRun) -> None:
    code, out, _ = run_cli("rules", "HF-018")
    assert code == 0
    assert "body-exceeds-content-length" in out and "severity: error" in out
    assert "Example that triggers it" in out and "Corrected" in out
    assert "content-length" in out
    assert run_cli("rules", "body-before-start")[1].startswith("HF-002")


def test_explain_retired_rule(run_cli: CliRun) -> None:
    out = run_cli("rules", "HF-010")[1]
    assert "status: retired" in out and "default: off" in out


def test_fsm_table(run_cli: CliRun) -> None:
    out = run_cli("rules", "--fsm", "http")[1]
    assert "INIT + body_final: HF-002" in out


def test_plugins_listing(run_cli: CliRun) -> None:
    code, out, _ = run_cli("plugins")
    assert code == 0
    for name in ("general", "http", "json", "text"):
        assert name in out
    data = json.loads(run_cli("plugins", "--format", "json")[1])
    http = next(p for p in data["plugins"] if p["name"] == "http")
    assert http["distribution"] == "asgion" and http["rules"] == 123


def test_plugins_can_be_blocked(run_cli: CliRun) -> None:
    data = json.loads(run_cli("plugins", "--format", "json", "-p", "no:json")[1])
    assert "json" not in {p["name"] for p in data["plugins"]}


def test_help_teaches(run_cli: CliRun) -> None:
    code, out, _ = run_cli("check", "--help")
    assert code == 0
    assert "Examples:" in out and "--strict" in out and "module:factory()" in out


def test_python_dash_m() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "asgion", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "asgion" in result.stdout
