"""The ``sarif`` reporter: SARIF 2.1.0 for GitHub Code Scanning and other SARIF consumers.

One run; ``tool.driver.rules`` lists every rule that fired with its help text; one result per finding, located at
the offending ``send`` (artifact path relative to the project root, ``%SRCROOT%``), or at the app's module when
the send happened outside the project; ``partialFingerprints`` keep findings stable across line shifts; app
exceptions, timeouts and internal errors are tool execution notifications.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from asgion_core.hookspecs import hookimpl
from asgion_core.report import Report, ReportOptions
from asgion_core.rules import Rule, Severity
from asgion_core.violation import Violation
from asgion_reporters._paths import project_location, relative_path
from asgion_reporters.json import asgion_version

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/asgion/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.PERF: "note"}


def _rule(rule: Rule) -> dict[str, Any]:
    help_text = f"{rule.summary}\n\nFix: {rule.hint}" if rule.hint else rule.summary
    help_markdown = f"{rule.summary}\n\n**Fix:** {rule.hint}\n\n{rule.explanation}".strip()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.name.replace("-", " ")},
        "fullDescription": {"text": rule.summary},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.layer, rule.side], "severity": rule.severity.value},
    }


def _fingerprint(violation: Violation, path: str | None) -> str:
    """Stable across line shifts: rule, file, function and the scope it happened on, not the line."""
    function = violation.location.function if violation.location else ""
    key = "\x1f".join((violation.rule_id, path or "", function, violation.scope_label, violation.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(violation: Violation, index: dict[str, int], report: Report, root: str) -> dict[str, Any]:
    where = project_location(violation.location, report, root)
    result: dict[str, Any] = {
        "ruleId": violation.rule_id,
        "level": LEVELS[violation.severity],
        "message": {"text": f"{violation.message} ({violation.scope_label})"
                            + (f" Fix: {violation.hint}" if violation.hint else "")},
        "partialFingerprints": {"asgionFinding/v1": _fingerprint(violation, where[0] if where else None)},
        "properties": {"scope": violation.scope_label, "side": violation.side},
    }
    if violation.rule_id in index:
        result["ruleIndex"] = index[violation.rule_id]
    if where is not None:
        result["locations"] = [{"physicalLocation": {
            "artifactLocation": {"uri": where[0], "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": where[1]},
        }}]
    return result


def _notifications(report: Report, root: str) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    for result in report.results:
        if result.exception is not None:
            exc = result.exception
            note: dict[str, Any] = {"level": "error", "message": {
                "text": f"{result.label}: the app raised {exc.type}: {exc.message}"}}
            where = project_location(exc.location, report, root)
            if where is not None:
                note["locations"] = [{"physicalLocation": {
                    "artifactLocation": {"uri": where[0], "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": where[1]}}}]
            notes.append(note)
        if result.timed_out:
            detail = "; ".join(result.notes) or "timed out"
            notes.append({"level": "error", "message": {"text": f"{result.label}: timed out: {detail}"}})
    for error in report.internal_errors:
        notes.append({"level": "warning", "message": {
            "text": f"internal error in plugin {error.plugin} ({error.where}): {error.error}"}})
    for text in report.plugin_errors:
        notes.append({"level": "warning", "message": {"text": f"plugin error: {text}"}})
    for text in report.notes:
        notes.append({"level": "note", "message": {"text": text}})
    return notes


def sarif_log(report: Report, options: ReportOptions) -> dict[str, Any]:
    root = options.root
    rules = list(report.rules.values())
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [_result(v, index, report, root) for scope in report.results for v in scope.violations]
    notifications = _notifications(report, root)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "asgion",
                "version": asgion_version(),
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.path.abspath(root)).as_uri() + "/"}},
            "invocations": [{
                "executionSuccessful": not any(n["level"] == "error" for n in notifications),
                "toolExecutionNotifications": notifications,
                "properties": {"app": report.app,
                               "appSource": relative_path(report.app_source, root) if report.app_source else None},
            }],
            "results": results,
        }],
    }


class SarifReporter:
    description = "SARIF 2.1.0 (GitHub Code Scanning, IDEs)"

    def render(self, report: Report, options: ReportOptions) -> str:
        return json.dumps(sarif_log(report, options), indent=2) + "\n"


@hookimpl
def asgion_register_reporters(register: Any) -> None:
    register("sarif", SarifReporter())
