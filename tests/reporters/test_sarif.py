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
    assert hf002["level"] == "error" and hf002["partialFingerprints"]["primaryLocationLineHash"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {r["ruleId"] for r in run["results"]}
    assert rules["HF-002"]["help"]["text"].endswith("Begin the response with http.response.start.")
    assert rules["HF-002"]["helpUri"].endswith("docs/rules.md#hf-002")
    assert rules["HF-002"]["properties"]["problem.severity"] == "error"
    assert rules["HF-002"]["properties"]["precision"] == "very-high"
    assert run["tool"]["driver"]["rules"][hf002["ruleIndex"]]["id"] == "HF-002"
    assert run["tool"]["driver"]["semanticVersion"] == run["tool"]["driver"]["version"]


def test_findings_without_a_project_location_fall_back_to_the_app_module(run_cli: CliRun, in_project: Path) -> None:
    log = render_json(run_cli, "sarif", BUGGY)
    hf006 = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "HF-006")  # an end-of-connection rule
    region = hf006["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "examples/buggy_app.py" and region["region"]["startLine"] == 1


def test_fingerprints_do_not_depend_on_line_numbers(run_cli: CliRun, in_project: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    source = (in_project / "examples" / "buggy_app.py").read_text()
    hashes = []
    for name, text in (("before", source), ("after", "\n\n\n" + source)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "buggy_app.py").write_text(text)
        monkeypatch.chdir(tmp_path / name)
        results = render_json(run_cli, "sarif", "buggy_app.py:app")["runs"][0]["results"]
        hashes.append({r["ruleId"]: r["partialFingerprints"]["primaryLocationLineHash"] for r in results})
        lines = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
    assert hashes[0] == hashes[1] and lines["HF-002"] == BUGGY_LINE + 3


def test_exceptions_timeouts_and_a_failed_startup_are_located_results(run_cli: CliRun, in_project: Path) -> None:
    log = render_json(run_cli, "sarif", "tests.cli.apps:raises")
    validate(log)
    [g021] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "G-021"]
    assert "ValueError: database unavailable" in g021["message"]["text"] and g021["locations"]
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True, "an app exception is not a tool failure"
    log = render_json(run_cli, "sarif", "tests.cli.apps:hangs", "--timeout", "0.2")
    validate(log)
    [timeout] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "asgion/timeout"]
    assert "GET /" in timeout["message"]["text"] and timeout["locations"]
    log = render_json(run_cli, "sarif", "tests.integration.apps.failing_startup:app")
    validate(log)
    [startup] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "asgion/startup-failed"]
    assert "database unreachable" in startup["message"]["text"]
    assert startup["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "tests/integration/apps/failing_startup.py"


def test_fingerprints_are_stable_and_distinct(run_cli: CliRun, in_project: Path) -> None:
    paths = ("--path", "/a", "--path", "/b")
    first = [r["partialFingerprints"]["primaryLocationLineHash"]
             for r in render_json(run_cli, "sarif", BUGGY, *paths)["runs"][0]["results"]]
    again = [r["partialFingerprints"]["primaryLocationLineHash"]
             for r in render_json(run_cli, "sarif", BUGGY, *paths)["runs"][0]["results"]]
    assert first == again and len(set(first)) == len(first)


def test_every_result_has_a_location_relative_to_the_repository(run_cli: CliRun, in_project: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(in_project / "examples")  # run from a subdirectory: paths still start at the git toplevel
    log = render_json(run_cli, "sarif", "buggy_app.py:app")
    results = log["runs"][0]["results"]
    assert results and all(r.get("locations") for r in results)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"examples/buggy_app.py"}


@pytest.mark.parametrize("app", ["examples/clean_app.py:app", "tests.cli.apps:ws_echo"])
def test_clean_runs_validate(app: str, run_cli: CliRun, in_project: Path) -> None:
    log = render_json(run_cli, "sarif", app)
    validate(log)
    assert log["runs"][0]["results"] == []


def test_third_party_rules_are_tool_extensions_naming_their_distribution(run_cli: CliRun, in_project: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASGION_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    log = render_json(run_cli, "sarif", BUGGY)
    validate(log)
    tool = log["runs"][0]["tool"]
    if not any(e["name"] == "asgion-security-headers" for e in tool.get("extensions", [])):
        pytest.skip("the example plugin asgion-security-headers is not installed (README test command)")
    [extension] = [e for e in tool["extensions"] if e["name"] == "asgion-security-headers"]
    assert {r["id"] for r in extension["rules"]} == {"SH-001"} and extension["version"]
    assert "SH-001" not in {r["id"] for r in tool["driver"]["rules"]}, "the driver lists asgion's own rules"
    sh001 = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "SH-001")
    component = sh001["rule"]["toolComponent"]["index"]
    assert tool["extensions"][component]["rules"][sh001["rule"]["index"]]["id"] == "SH-001"
    assert "ruleIndex" not in sh001


def test_an_app_outside_the_repository_still_gets_locations(run_cli: CliRun, in_project: Path,
                                                           tmp_path: Path) -> None:
    app = tmp_path / "elsewhere.py"
    app.write_text((in_project / "examples" / "buggy_app.py").read_text())
    log = render_json(run_cli, "sarif", f"{app}:app")
    validate(log)
    results = log["runs"][0]["results"]
    assert len(results) >= 3 and all(r.get("locations") for r in results)
    assert all("outside the repository" in r["message"]["text"] for r in results)
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {app.as_uri()}
