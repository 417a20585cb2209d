"""The SARIF reporter: valid SARIF 2.1.0 (checked against the OASIS schema) that points at the offending line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import CliRun
from tests.reporters.conftest import BUGGY, BUGGY_LINE, render_json

#: The OASIS SARIF 2.1.0 JSON schema (sarif-2.1.0-rtm.5), as published in the npm package @microsoft/jest-sarif.
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))


def validate(log: Any) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def test_example_report_validates_and_points_at_the_offending_line(run_cli: CliRun, in_project: Path) -> None:
    log = render_json(run_cli, "sarif", BUGGY)
    validate(log)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "asgion"
    hf002 = next(r for r in run["results"] if r["ruleId"] == "HF-002")
    location = hf002["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "examples/buggy_app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == BUGGY_LINE
    assert hf002["level"] == "error" and hf002["partialFingerprints"]["asgionFinding/v1"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {r["ruleId"] for r in run["results"]}
    assert rules["HF-002"]["help"]["text"].endswith("Begin the response with http.response.start.")
    assert run["tool"]["driver"]["rules"][hf002["ruleIndex"]]["id"] == "HF-002"


def test_findings_without_a_project_location_fall_back_to_the_app_module(run_cli: CliRun, in_project: Path) -> None:
    log = render_json(run_cli, "sarif", BUGGY)
    hf006 = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "HF-006")  # an end-of-connection rule
    region = hf006["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "examples/buggy_app.py" and region["region"]["startLine"] == 1


def test_fingerprints_do_not_depend_on_line_numbers(run_cli: CliRun, in_project: Path, tmp_path: Path) -> None:
    source = (in_project / "examples" / "buggy_app.py").read_text()
    shifted = tmp_path / "buggy_app.py"
    shifted.write_text("\n\n\n" + source)
    original = {r["ruleId"]: r["partialFingerprints"] for r in render_json(run_cli, "sarif", BUGGY)["runs"][0]
                ["results"]}
    moved = {r["ruleId"]: r for r in render_json(run_cli, "sarif", f"{shifted}:app")["runs"][0]["results"]}
    assert moved["HF-002"]["partialFingerprints"] != {}
    assert set(original) == set(moved)


def test_exceptions_and_timeouts_are_notifications(run_cli: CliRun, in_project: Path) -> None:
    log = render_json(run_cli, "sarif", "tests.cli.apps:raises")
    validate(log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("ValueError: database unavailable" in n["message"]["text"] and n["level"] == "error" for n in notes)
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    log = render_json(run_cli, "sarif", "tests.cli.apps:hangs", "--timeout", "0.2")
    validate(log)
    assert any("timed out" in n["message"]["text"] for n in log["runs"][0]["invocations"][0]
               ["toolExecutionNotifications"])


@pytest.mark.parametrize("app", ["examples/clean_app.py:app", "tests.cli.apps:ws_echo"])
def test_clean_runs_validate(app: str, run_cli: CliRun, in_project: Path) -> None:
    log = render_json(run_cli, "sarif", app)
    validate(log)
    assert log["runs"][0]["results"] == []
