"""The text and json reporters, and several reports in one run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRun
from tests.reporters.conftest import BUGGY, BUGGY_LINE, render


def test_text_groups_per_scope_with_summary(run_cli: CliRun, in_project: Path) -> None:
    out = render(run_cli, "text", BUGGY)
    lines = out.splitlines()
    assert lines[0].startswith("lifespan") and lines[1].startswith("GET /  200  3 violations")
    assert f"at examples/buggy_app.py:{BUGGY_LINE} in app" in out
    assert lines[-1].startswith("2 scopes, 3 violations (2 error, 0 warning, 1 info, 0 perf)")


def test_json_schema_keys(run_cli: CliRun, in_project: Path) -> None:
    data = json.loads(render(run_cli, "json", BUGGY))
    assert data["schema_version"] == 1
    assert {"total", "unique", "error", "warning", "info", "perf", "scopes", "exceptions", "timeouts",
            "elapsed_ms"} <= set(data["summary"])
    violation = data["violations"][0]
    assert {"rule_id", "severity", "message", "hint", "scope_type", "count", "paths", "location"} <= set(violation)


def test_several_reports_in_one_run(run_cli: CliRun, in_project: Path, tmp_path: Path) -> None:
    sarif, junit = tmp_path / "r.sarif", tmp_path / "r.xml"
    code, out, _ = run_cli("check", BUGGY, "--format", f"sarif:{sarif}", "--format", f"junit:{junit}",
                           "--format", "text")
    assert code == 0 and "HF-002" in out
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert junit.read_text().startswith("<?xml")


def test_out_with_single_format(run_cli: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    code, out, _ = run_cli("check", BUGGY, "--format", "json", "--out", str(target))
    assert code == 0 and out == "" and json.loads(target.read_text())["violations"]


def test_output_mistakes(run_cli: CliRun) -> None:
    code, _, err = run_cli("check", BUGGY, "--format", "json", "--format", "text")
    assert code == 2 and "would all print to stdout" in err
    code, _, err = run_cli("check", BUGGY, "--format", "json:")
    assert code == 2 and "give a file after the colon" in err
