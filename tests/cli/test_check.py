"""``asgion check``: the example app, exit codes, output formats and the driver's server behaviour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, CliRun

BUGGY = f"{EXAMPLES / 'buggy_app.py'}:app"
CLEAN = f"{EXAMPLES / 'clean_app.py'}:app"
BUGGY_LINE = next(i for i, line in enumerate((EXAMPLES / "buggy_app.py").read_text().splitlines(), 1)
                  if "http.response.body" in line)


def test_buggy_example_reports_hf002_with_the_line(run_cli: CliRun) -> None:
    code, out, _ = run_cli("check", BUGGY)
    assert code == 0
    assert "HF-002" in out and "http.response.body sent before http.response.start" in out
    assert f"buggy_app.py:{BUGGY_LINE} in app" in out
    assert "hint: Begin the response with http.response.start." in out


def test_strict_exit_codes(run_cli: CliRun) -> None:
    assert run_cli("check", BUGGY, "--strict")[0] == 1
    assert run_cli("check", CLEAN, "--strict")[0] == 0


def test_json_report(run_cli: CliRun, tmp_path: Path) -> None:
    out_file = tmp_path / "report.json"
    code, out, _ = run_cli("check", BUGGY, "--format", "json", "--out", str(out_file))
    assert code == 0 and out == ""
    data = json.loads(out_file.read_text())
    assert {"version", "app", "violations", "summary", "scopes"} <= set(data)
    hf002 = next(v for v in data["violations"] if v["rule_id"] == "HF-002")
    assert hf002["count"] == 1 and hf002["paths"] == ["/"] and hf002["severity"] == "error"
    assert hf002["location"]["line"] == BUGGY_LINE
    assert hf002["location"]["file"].endswith("buggy_app.py")
    assert data["summary"]["error"] == sum(1 for v in data["violations"] if v["severity"] == "error")
    assert [s["label"] for s in data["scopes"]] == ["lifespan", "GET /"]


def test_selection_flags(run_cli: CliRun) -> None:
    out = run_cli("check", BUGGY, "--select", "HF")[1]
    assert "HF-002" in out and "SEM-013" not in out
    out = run_cli("check", BUGGY, "--exclude-rules", "HF-002,SEM")[1]
    assert "HF-002" not in out and "HF-006" in out
    out = run_cli("check", BUGGY, "--min-severity", "error")[1]
    assert "SEM-013" not in out and "HF-002" in out
    out = run_cli("check", BUGGY, "--layer", "http.semantic")[1]
    assert "SEM-013" in out and "HF-002" not in out


def test_quiet_prints_nothing(run_cli: CliRun) -> None:
    code, out, _ = run_cli("check", BUGGY, "-q", "--strict")
    assert (code, out) == (1, "")


def test_driver_builds_realistic_requests(run_cli: CliRun) -> None:
    code, out, _ = run_cli("check", "tests.cli.apps:echo", "--path", "POST:/items/a%20b?limit=5", "-d", "hello",
                           "-H", "X-Test: yes", "--strict", "--format", "json")
    data = json.loads(out)
    assert code == 0, data
    assert data["violations"] == []
    assert [s["label"] for s in data["scopes"]][-1] == "POST /items/a b?limit=5"


def test_driver_shares_lifespan_state_and_disconnects(tmp_path: Path, run_cli: CliRun) -> None:
    # echo asserts http.disconnect after the response and reports state; a failed assert would be G-021
    code, out, _ = run_cli("check", "tests.cli.apps:create_app()", "--path", "/a", "--path", "/b", "--strict")
    assert code == 0, out
    assert "0 violations" in out


def test_config_supplies_app_and_paths(tmp_path: Path, run_cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".asgion.toml").write_text(f'app = "{BUGGY}"\npaths = ["/x", "HEAD:/y"]\n'
                                           'exclude_rules = ["SEM-013"]\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("check")
    assert code == 0
    assert "GET /x" in out and "HEAD /y" in out and "SEM-013" not in out


def test_timeout_disconnects_then_cancels(run_cli: CliRun) -> None:
    code, out, _ = run_cli("check", "tests.cli.apps:hangs", "--timeout", "0.2", "--format", "json", "--strict")
    data = json.loads(out)
    assert code == 1
    lifespan, scope = data["scopes"]
    assert lifespan["label"] == "lifespan" and lifespan["exception"] is None  # raising there opts out of lifespan
    assert "lifespan unsupported" in lifespan["notes"][0]
    assert scope["timed_out"] and scope["cancelled"]
    assert "cancelled" in scope["notes"][0]
    assert data["summary"]["timeouts"] == 1


def connections(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The http and websocket scopes of a JSON report (the lifespan scope, when there is one, comes first)."""
    return [s for s in data["scopes"] if s["scope_type"] != "lifespan"]


def test_timeout_lets_a_listening_app_finish(run_cli: CliRun) -> None:
    data = json.loads(run_cli("check", "tests.cli.apps:waits_for_disconnect", "--timeout", "0.2",
                              "--format", "json")[1])
    [scope] = connections(data)
    assert scope["timed_out"] and not scope["cancelled"]
    assert "client disconnected" in scope["notes"][0]
    assert [v["rule_id"] for v in scope["violations"]] == [], "a disconnect before the response is no finding"


def test_app_that_ignores_cancellation_is_abandoned(run_cli: CliRun) -> None:
    data = json.loads(run_cli("check", "tests.cli.apps:ignores_cancellation", "--timeout", "0.2",
                              "--path", "/a", "--path", "/b", "--format", "json")[1])
    assert [s["timed_out"] for s in connections(data)] == [True, True]
    assert "ignored cancellation" in connections(data)[0]["notes"][0]


def test_app_that_blocks_the_loop_is_reported(run_cli: CliRun) -> None:
    data = json.loads(run_cli("check", "tests.cli.apps:blocks_loop", "--timeout", "0.2", "--format", "json")[1])
    lifespan, scope = data["scopes"]
    assert lifespan["scope_type"] == "lifespan", "the loop is blocked, and the lifespan scope is still reported"
    assert scope["timed_out"] and "blocked the event loop" in scope["notes"][0]


def test_app_exception_is_reported(run_cli: CliRun) -> None:
    code, out, _ = run_cli("check", "tests.cli.apps:raises", "--strict")
    assert code == 1
    assert "G-021" in out and "ValueError: database unavailable" in out and "1 exception" in out


def test_startup_failure_stops_the_run(run_cli: CliRun) -> None:
    code, out, _ = run_cli("check", "tests.cli.apps:startup_fails", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert not any(s["scope_type"] == "http" for s in data["scopes"])
    assert any("startup failed" in note for note in data["notes"])


def test_no_color_env_and_flag(run_cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "\x1b[" not in run_cli("check", BUGGY, "--no-color")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli("check", BUGGY)[1]


def test_bodies_are_paired_with_the_path_they_follow() -> None:
    from asgion_cli.requests import PlacedBody, place_bodies

    args = ["app:x", "-H", "--path", "-d", "common", "--path=/a", "-dA", "--path", "/b", "--path", "/c", "--json", "{}"]
    assert place_bodies(args, ("common", "A"), ("{}",), frozenset({"-H"})) == [
        PlacedBody("data", "common", None), PlacedBody("data", "A", 0), PlacedBody("json", "{}", 2)]
    assert place_bodies(None, ("x",), ()) == [PlacedBody("data", "x", None)], "from Python: every path's"
