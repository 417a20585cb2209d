"""The ``sarif`` reporter: SARIF 2.1.0 for GitHub Code Scanning and other SARIF consumers.

One run; ``tool.driver.rules`` lists every rule that fired with its help text, a ``helpUri`` into docs/rules.md and
the ``problem.severity``/``precision`` GitHub reads; rules of third-party plugins are listed under
``tool.extensions``, one component per distribution. One result per finding, located at the offending ``send``
(artifact path relative to the repository root: ``GITHUB_WORKSPACE``, else the git toplevel, else the working
directory), or, with a sentence saying so, at the app's module or the config file: GitHub rejects results without
a location. ``partialFingerprints.primaryLocationLineHash`` (the key GitHub reads) is stable across runs and line
shifts and distinct for distinct results. Timeouts and a failed lifespan startup are results too (an app exception
already is one, G-021); they are the app's failures, not the tool's, so ``executionSuccessful`` stays true unless
a check or plugin failed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
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
#: Where each rule is explained (docs/rules.md has an anchor per rule id).
RULES_URI = "https://github.com/asgion/asgion/blob/main/docs/rules.md"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.PERF: "note"}
#: GitHub's problem.severity: error, warning or recommendation.
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation",
                    Severity.PERF: "recommendation"}
#: The results asgion reports about a run rather than one rule: a connection that timed out, a failed startup.
RUN_RULES = {
    "asgion/timeout": ("timeout", "The app did not answer within --timeout; the client disconnected, then the "
                                  "app was cancelled.", "error"),
    "asgion/startup-failed": ("lifespan-startup-failed", "The app answered lifespan.startup with "
                                                         "lifespan.startup.failed; no connection was made.", "error"),
}


def help_uri(rule_id: str) -> str:
    return f"{RULES_URI}#{rule_id.lower()}"


def _rule(rule: Rule) -> dict[str, Any]:
    help_text = f"{rule.summary}\n\nFix: {rule.hint}" if rule.hint else rule.summary
    help_markdown = f"{rule.summary}\n\n**Fix:** {rule.hint}\n\n{rule.explanation}".strip()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.name.replace("-", " ")},
        "fullDescription": {"text": rule.summary},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": help_uri(rule.id),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["asgi", rule.layer, rule.side], "severity": rule.severity.value,
                       "problem.severity": PROBLEM_SEVERITY[rule.severity], "precision": "very-high"},
    }


def _run_rule(rule_id: str) -> dict[str, Any]:
    name, text, level = RUN_RULES[rule_id]
    return {"id": rule_id, "name": name, "shortDescription": {"text": name.replace("-", " ")},
            "fullDescription": {"text": text}, "help": {"text": text}, "defaultConfiguration": {"level": level},
            "properties": {"tags": ["asgi", "run"], "problem.severity": "error", "precision": "very-high"}}


def repository_root(root: str) -> str:
    """Where artifact paths start: ``GITHUB_WORKSPACE`` when set, else the git toplevel above ``root`` (the
    nearest directory holding ``.git``), else ``root``."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        return workspace
    here = Path(os.path.abspath(root))
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return str(directory)
    return str(here)


class _Fingerprints:
    """``primaryLocationLineHash``: a hash of what identifies a finding (rule, file, function, scope) but not its
    line or message text, then ``:N`` counting equal hashes, so that it is stable and still distinct."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, *parts: str) -> str:
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
        self.seen[digest] = self.seen.get(digest, 0) + 1
        return f"{digest}:{self.seen[digest]}"


def _locate(location: Any, report: Report, root: str, fallback: tuple[str, int] | None
            ) -> tuple[list[dict[str, Any]], str]:
    """The result's locations and, when it had to fall back to the app's module or the config file, why."""
    where = project_location(location, report, root)
    note = ""
    if where is not None and location is not None and where[0] != relative_path(location.file, root):
        note = " (located at the app's module: the send happened outside the repository)"
    if where is None and fallback is not None:
        where, note = fallback, " (located at the config file: neither the send nor the app's module is in the " \
                                "repository)"
    if where is None and report.app_source:  # outside the repository altogether: the module by its absolute URI
        note = " (located at the app's module, which is outside the repository)"
        return [{"physicalLocation": {"artifactLocation": {"uri": Path(os.path.abspath(report.app_source)).as_uri()},
                                      "region": {"startLine": 1}}}], note
    if where is None:
        return [], note
    return [{"physicalLocation": {"artifactLocation": {"uri": where[0], "uriBaseId": "%SRCROOT%"},
                                  "region": {"startLine": where[1]}}}], note


def _uri(locations: list[dict[str, Any]]) -> str:
    """The artifact a result is located in ("" for none): part of what identifies it in the fingerprint."""
    return str(locations[0]["physicalLocation"]["artifactLocation"]["uri"]) if locations else ""


def _result(violation: Violation, index: dict[str, int], report: Report, root: str,
            fingerprint: _Fingerprints, fallback: tuple[str, int] | None) -> dict[str, Any]:
    locations, note = _locate(violation.location, report, root, fallback)
    path = _uri(locations)
    function = violation.location.function if violation.location else ""
    result: dict[str, Any] = {
        "ruleId": violation.rule_id,
        # a finding about the server or test client is no defect of the code it is placed at: a note, not an alert
        "level": "note" if violation.owner == "server" else LEVELS[violation.severity],
        "message": {"text": f"{violation.message} ({violation.scope_label})"
                            + (f" Fix: {violation.hint}" if violation.hint else "") + note},
        "partialFingerprints": {"primaryLocationLineHash": fingerprint(violation.rule_id, path, function,
                                                                       violation.scope_label)},
        "properties": {"scope": violation.scope_label, "side": violation.side, "owner": violation.owner},
    }
    if violation.rule_id in index:
        result["ruleIndex"] = index[violation.rule_id]
    if locations:
        result["locations"] = locations
    return result


def _run_result(rule_id: str, text: str, index: dict[str, int], report: Report, root: str,
                fingerprint: _Fingerprints, fallback: tuple[str, int] | None) -> dict[str, Any]:
    locations, note = _locate(None, report, root, fallback)
    path = _uri(locations)
    result: dict[str, Any] = {"ruleId": rule_id, "ruleIndex": index[rule_id], "level": "error",
                              "message": {"text": text + note},
                              "partialFingerprints": {"primaryLocationLineHash": fingerprint(rule_id, path, text)}}
    if locations:
        result["locations"] = locations
    return result


def _notifications(report: Report) -> list[dict[str, Any]]:
    """What went wrong with asgion itself (a check, a plugin) and run-level remarks; the app's failures are
    results."""
    notes: list[dict[str, Any]] = []
    for error in report.internal_errors:
        notes.append({"level": "warning", "message": {
            "text": f"internal error in plugin {error.plugin} ({error.where}): {error.error}"}})
    for text in report.plugin_errors:
        notes.append({"level": "warning", "message": {"text": f"plugin error: {text}"}})
    for text in report.notes:
        notes.append({"level": "note", "message": {"text": text}})
    return notes


def sarif_log(report: Report, options: ReportOptions) -> dict[str, Any]:
    root = repository_root(options.root)
    timeouts = [r for r in report.results if r.timed_out]
    run_rules = [rule_id for rule_id, present in (("asgion/timeout", bool(timeouts)),
                                                   ("asgion/startup-failed", report.startup_failure is not None))
                 if present]
    rules = [rule for rule in report.rules.values() if rule.id not in report.rule_distributions]
    index = {rule.id: i for i, rule in enumerate(rules)}
    index.update({rule_id: len(rules) + i for i, rule_id in enumerate(run_rules)})
    extensions = _extensions(report)
    fingerprint = _Fingerprints()
    fallback = _config_location(report, root)
    results = [_result(v, index, report, root, fingerprint, fallback)
               for scope in report.results for v in scope.violations]
    for result in results:  # a third-party plugin's rule lives in its extension, not in the driver
        where = extensions.places.get(result["ruleId"])
        if where is not None:
            result["rule"] = {"id": result["ruleId"], "index": where[1], "toolComponent": {"index": where[0]}}
    if report.startup_failure is not None:
        results.insert(0, _run_result("asgion/startup-failed", report.startup_failure, index, report, root,
                                      fingerprint, fallback))
    for scope in timeouts:
        detail = "; ".join(scope.notes) or "timed out"
        results.append(_run_result("asgion/timeout", f"{scope.label}: {detail}", index, report, root, fingerprint,
                                   fallback))
    notifications = _notifications(report)
    version = asgion_version()
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "asgion",
                "version": version,
                "semanticVersion": version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules] + [_run_rule(rule_id) for rule_id in run_rules],
            }, **({"extensions": extensions.components} if extensions.components else {})},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.path.abspath(root)).as_uri() + "/"}},
            "invocations": [{
                "executionSuccessful": not (report.internal_errors or report.plugin_errors),
                "toolExecutionNotifications": notifications,
                "properties": {"app": report.app,
                               "appSource": relative_path(report.app_source, root) if report.app_source else None},
            }],
            "results": results,
        }],
    }


@dataclass
class _Extensions:
    """``tool.extensions``: one component per third-party distribution with its rules, and where each rule is
    (component index, rule index)."""

    components: list[dict[str, Any]] = field(default_factory=list)
    places: dict[str, tuple[int, int]] = field(default_factory=dict)


def _extensions(report: Report) -> _Extensions:
    found = _Extensions()
    by_distribution: dict[tuple[str, str], list[Rule]] = {}
    for rule_id, distribution in sorted(report.rule_distributions.items()):
        if rule_id in report.rules:
            by_distribution.setdefault(distribution, []).append(report.rules[rule_id])
    for component, ((name, version), rules) in enumerate(sorted(by_distribution.items())):
        found.components.append({"name": name, **({"version": version} if version else {}),
                                 "rules": [_rule(rule) for rule in rules]})
        found.places.update({rule.id: (component, i) for i, rule in enumerate(rules)})
    return found


def _config_location(report: Report, root: str) -> tuple[str, int] | None:
    """The config file, line 1, when it lies in the repository: where results go that have no other place."""
    source = report.config_source
    if source and os.path.abspath(source).startswith(os.path.abspath(root) + os.sep):
        return relative_path(source, root), 1
    return None


class SarifReporter:
    description = "SARIF 2.1.0 (GitHub Code Scanning, IDEs)"

    def render(self, report: Report, options: ReportOptions) -> str:
        return json.dumps(sarif_log(report, options), indent=2) + "\n"


@hookimpl
def asgion_register_reporters(register: Any) -> None:
    register("sarif", SarifReporter())
