"""The ``json`` reporter: a stable, documented schema (docs/json-report.md).

It is a superset of asgion 0.6.1's report: ``version``, ``app``, ``violations`` (aggregated, with ``count`` and
``paths``) and ``summary`` keep their meaning; ``scopes``, ``internal_errors`` and ``plugin_errors`` are additions.
"""

from __future__ import annotations

import importlib.metadata
import json
from typing import Any

from asgion_core.hookspecs import hookimpl
from asgion_core.report import Report, ReportOptions
from asgion_reporters._paths import relative_path

SCHEMA_VERSION = 1


def asgion_version() -> str:
    try:
        return importlib.metadata.version("asgion")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def report_dict(report: Report, options: ReportOptions) -> dict[str, Any]:
    """The report as plain data; file paths are relative to the project root where possible."""

    def fix(location: dict[str, Any] | None) -> dict[str, Any] | None:
        if location is None:
            return None
        return {**location, "file": relative_path(location["file"], options.root)}

    def fix_finding(finding: dict[str, Any]) -> dict[str, Any]:
        return {**finding, "location": fix(finding["location"]), "sent_from": fix(finding.get("sent_from"))}

    violations = [fix_finding(group) for group in report.aggregated()]
    scopes = []
    for result in report.results:
        data = result.to_dict()
        data["violations"] = [fix_finding(violation) for violation in data["violations"]]
        if data["exception"]:
            data["exception"]["location"] = fix(data["exception"]["location"])
        scopes.append(data)
    counts = report.severity_counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "version": asgion_version(),
        "app": report.app,
        "violations": violations,
        "scopes": scopes,
        "summary": {
            "total": sum(counts.values()),
            "unique": len({v["rule_id"] for v in violations}),
            **counts,
            "scopes": len(report.results),
            "exceptions": len(report.exceptions),
            "timeouts": len(report.timeouts),
            "elapsed_ms": round(report.elapsed_ns / 1e6, 3),
        },
        "notes": list(report.notes),
        "internal_errors": [e.to_dict() for e in report.internal_errors],
        "plugin_errors": list(report.plugin_errors),
    }


class JsonReporter:
    description = "machine-readable JSON (schema in docs/json-report.md)"

    def render(self, report: Report, options: ReportOptions) -> str:
        return json.dumps(report_dict(report, options), indent=2) + "\n"


@hookimpl
def asgion_register_reporters(register: Any) -> None:
    register("json", JsonReporter())
