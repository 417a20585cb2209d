"""The JUnit reporter: one test case per scope, parseable by junitparser and ElementTree."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
import xmlschema
from junitparser import Error, Failure, JUnitXml

from tests.conftest import CliRun
from tests.reporters.conftest import BUGGY, render


def parse(text: str, tmp_path: Path) -> JUnitXml:
    path = tmp_path / "report.xml"
    path.write_text(text)
    return JUnitXml.fromfile(str(path))


def test_example_has_one_failing_case_per_scope(run_cli: CliRun, in_project: Path, tmp_path: Path) -> None:
    xml = parse(render(run_cli, "junit", BUGGY), tmp_path)
    suite = next(iter(xml))
    cases = {case.name: case for case in suite}
    assert set(cases) == {"lifespan", "GET /"}
    failures = [r for r in cases["GET /"].result if isinstance(r, Failure)]
    assert len(failures) == 1 and "HF-002" in failures[0].message
    assert "examples/buggy_app.py" in (failures[0].text or "")
    assert cases["lifespan"].is_passed
    assert suite.tests == 2 and suite.failures == 1 and suite.errors == 0
    datetime.fromisoformat(suite.timestamp)


def test_app_exception_is_an_error(run_cli: CliRun, tmp_path: Path) -> None:
    xml = parse(render(run_cli, "junit", "tests.cli.apps:raises"), tmp_path)
    case = next(c for c in next(iter(xml)) if c.name == "GET /")
    errors = [r for r in case.result if isinstance(r, Error)]
    assert errors and errors[0].type == "ValueError" and "database unavailable" in errors[0].message


def test_timeout_is_an_error(run_cli: CliRun, tmp_path: Path) -> None:
    xml = parse(render(run_cli, "junit", "tests.cli.apps:hangs", "--timeout", "0.2"), tmp_path)
    case = next(c for c in next(iter(xml)) if c.name == "GET /")
    assert [r.type for r in case.result if isinstance(r, Error)] == ["Timeout"]


def test_xml_escapes_everything(run_cli: CliRun) -> None:
    text = render(run_cli, "junit", "tests.cli.apps:echo", "--path", "/a?x=<&>\"'")
    root = ET.fromstring(text.encode())
    assert root.tag == "testsuites"
    assert any(case.get("name", "").endswith("x=<&>\"'") for case in root.iter("testcase"))


def test_times_have_three_decimals_and_add_up(run_cli: CliRun, in_project: Path) -> None:
    root = ET.fromstring(render(run_cli, "junit", BUGGY).encode())
    times = [element.get("time", "") for element in root.iter() if element.get("time") is not None]
    assert times and all(len(t.partition(".")[2]) == 3 for t in times), times
    suite = root.find("testsuite")
    assert suite is not None
    cases = [float(case.get("time", "0")) for case in suite.iter("testcase")]
    assert abs(float(suite.get("time", "0")) - sum(cases)) <= 0.001 * len(cases)


def test_characters_xml_cannot_hold_never_break_the_file(run_cli: CliRun) -> None:
    text = render(run_cli, "junit", "tests.cli.apps:echo", "--path", "/a%00b%1bc")
    root = ET.fromstring(text.encode())  # well-formed
    names = [case.get("name", "") for case in root.iter("testcase")]
    assert any("\\x00" in name and "\\x1b" in name for name in names), names


def test_a_failed_startup_is_an_error_case(run_cli: CliRun, tmp_path: Path) -> None:
    xml = parse(render(run_cli, "junit", "tests.integration.apps.failing_startup:app"), tmp_path)
    suite = next(iter(xml))
    lifespan = next(c for c in suite if c.name == "lifespan")
    errors = [r for r in lifespan.result if isinstance(r, Error)]
    assert errors and errors[0].type == "LifespanStartupFailed" and "database unreachable" in errors[0].message
    assert suite.errors >= 1


def test_properties_and_the_failure_message(run_cli: CliRun, in_project: Path) -> None:
    root = ET.fromstring(render(run_cli, "junit", BUGGY).encode())
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert properties["app"] == BUGGY and properties["asgion_version"] and properties["profile"]
    failure = next(root.iter("failure"))
    message = failure.get("message", "")
    assert message.startswith("HF-002 http.response.body sent before http.response.start (and ")
    assert message.endswith(" more)")


#: Jenkins xUnit plugin's JUnit schema (junit-10.xsd, MIT licence, header kept in the file), as the plugin
#: validates reports before it reads them.
JENKINS_XSD = Path(__file__).parent / "data" / "junit-10.xsd"


@pytest.mark.parametrize("args", [
    (BUGGY,),
    ("tests.cli.apps:raises",),
    ("tests.cli.apps:hangs", "--timeout", "0.2"),
    ("tests.integration.apps.failing_startup:app",),
    ("tests.cli.apps:echo", "--path", "/a%00b%1bc", "--path", "/\u00e9"),
    ("examples/clean_app.py:app",),
])
def test_reports_validate_against_jenkins_xunit_schema(args: tuple[str, ...], run_cli: CliRun,
                                                       in_project: Path) -> None:
    xmlschema.XMLSchema(str(JENKINS_XSD)).validate(render(run_cli, "junit", *args))
