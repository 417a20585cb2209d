"""The ``junit`` reporter: JUnit XML, one test case per driven scope.

A scope with violations is a ``failure`` whose message is its first finding and a count; a scope whose app raised
or timed out, and a failed lifespan startup, are ``error`` cases. The suite carries ``<properties>`` (app, asgion
version, profile), an ISO 8601 timestamp, and times in seconds with three decimals (Jenkins' xUnit schema rejects
more) that add up: the suite's time is the sum of its cases'. Characters XML 1.0 cannot hold (NUL, ESC ...) are
written as ``\\xNN`` so that the file is always well-formed.
"""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from typing import Any

from asgion_core.hookspecs import hookimpl
from asgion_core.report import Report, ReportOptions, ScopeResult
from asgion_core.version import __version__
from asgion_reporters._paths import relative_path

#: What XML 1.0 cannot hold at all (escaping does not help): C0 controls but tab, LF and CR, surrogates, U+FFFE/F.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with every character XML cannot hold written as a visible escape (``\\x00``, ``\\udc80``)."""
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _seconds(ns: int) -> str:
    return f"{ns / 1e9:.3f}"


def _finding_lines(result: ScopeResult, root: str) -> str:
    lines = []
    for v in result.violations:
        where = f" at {relative_path(v.location.file, root)}:{v.location.line}" if v.location else ""
        lines.append(f"{v.rule_id} [{v.severity.value}] {v.message}{where}")
        if v.hint:
            lines.append(f"    hint: {v.hint}")
    for rule_id, extra in result.suppressed.items():
        lines.append(f"{rule_id}: {extra} more occurrences")
    lines.extend(f"note: {note}" for note in result.notes)
    return "\n".join(lines)


def _element(parent: ET.Element | None, tag: str, attributes: dict[str, str], text: str | None = None) -> ET.Element:
    clean = {name: xml_text(value) for name, value in attributes.items()}
    element = ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)
    if text is not None:
        element.text = xml_text(text)
    return element


def _case(result: ScopeResult, root: str, startup_failure: str | None) -> ET.Element:
    case = _element(None, "testcase", {"classname": f"asgion.{result.scope_type}", "name": result.label,
                                       "time": _seconds(result.duration_ns)})
    findings = _finding_lines(result, root)
    if result.exception is not None:
        exc = result.exception
        _element(case, "error", {"type": exc.type, "message": f"{exc.type}: {exc.message}"},
                 exc.traceback + ("\n" + findings if findings else ""))
    elif result.timed_out:
        _element(case, "error", {"type": "Timeout", "message": "; ".join(result.notes) or "timed out"}, findings)
    elif result.scope_type == "lifespan" and startup_failure is not None:
        _element(case, "error", {"type": "LifespanStartupFailed", "message": startup_failure}, findings)
    elif result.violations:
        first = result.violations[0]
        count = len(result.violations) + sum(result.suppressed.values())
        more = f" (and {count - 1} more)" if count > 1 else ""
        ids = ", ".join(sorted({v.rule_id for v in result.violations}))
        _element(case, "failure", {"type": ids, "message": f"{first.rule_id} {first.message}{more}"}, findings)
    elif result.notes:
        _element(case, "system-out", {}, findings)
    return case


def junit_xml(report: Report, options: ReportOptions) -> str:
    results = list(report.results)
    if report.startup_failure is not None and not any(r.scope_type == "lifespan" for r in results):
        results.insert(0, ScopeResult(label="lifespan", scope_type="lifespan"))
    cases = [_case(result, options.root, report.startup_failure) for result in results]
    failures = sum(1 for c in cases if c.find("failure") is not None)
    errors = sum(1 for c in cases if c.find("error") is not None)
    seconds = _seconds(sum(r.duration_ns for r in results))
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors), "time": seconds}
    suites = _element(None, "testsuites", {"name": "asgion", **counts})
    suite = _element(suites, "testsuite", {
        "name": f"asgion {report.app}", **counts, "skipped": "0",
        "timestamp": report.started_at.replace(microsecond=0, tzinfo=None).isoformat(),
        "hostname": socket.gethostname(),
    })
    properties = _element(suite, "properties", {})
    for name, value in (("app", report.app), ("asgion_version", __version__), ("profile", report.profile)):
        if value:
            _element(properties, "property", {"name": name, "value": value})
    suite.extend(cases)
    problems = report.plugin_errors + [f"{e.plugin}: {e.error}" for e in report.internal_errors] + report.notes
    if problems:
        _element(suite, "system-err", {}, "\n".join(problems))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


class JunitReporter:
    description = "JUnit XML, one test case per scope (CI test reports)"

    def render(self, report: Report, options: ReportOptions) -> str:
        return junit_xml(report, options)


@hookimpl
def asgion_register_reporters(register: Any) -> None:
    register("junit", JunitReporter())
