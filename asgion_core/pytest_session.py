"""What the pytest plugin knows across a session, without pytest: findings by test, the test client's findings, the
summary lines and the merged report (also across pytest-xdist workers, whose findings arrive as JSON)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asgion_core.location import project_file
from asgion_core.plugins import AsgionPluginManager
from asgion_core.pytest_auto import Finding
from asgion_core.report import AppException, InternalError, Report, ReportOptions, ScopeResult
from asgion_core.rules import Severity
from asgion_core.violation import SourceLocation, Violation

__all__ = ["Judgement", "ReportTarget", "SessionFindings", "describe_violation", "judge"]

#: How many tests the summary names as those with the most findings.
TOP_TESTS = 5


def describe_violation(violation: Violation, root: Path | None = None) -> str:
    """One finding as a test failure shows it; its file relative to ``root`` (the rootdir) when inside it."""
    location = violation.location
    if location is not None and root is not None and os.path.isabs(location.file):
        relative = os.path.relpath(location.file, root)
        if not relative.startswith(".."):
            location = replace(location, file=relative)
    where = f"\n      at {location}" if location else ""
    hint = f"\n      hint: {violation.hint}" if violation.hint else ""
    scope = violation.scope_label or violation.scope_type
    return f"  {violation.rule_id} [{violation.severity.value}] {scope}: {violation.message}{where}{hint}"


@dataclass
class Judgement:
    """What one test's findings come to: those that count against it, and those about the test client."""

    app: list[Finding] = field(default_factory=list)
    client: list[Finding] = field(default_factory=list)
    #: Findings of framework code left out because the config keeps only the user's own (``blame = "app"``).
    hidden: int = 0

    def message(self, root: Path | None = None) -> str:
        lines = [describe_violation(f.violation, root) for f in self.app]
        return f"asgion found {len(self.app)} ASGI violation(s):\n" + "\n".join(lines)


def judge(findings: Iterable[Finding], *, floor: Severity, exclude: Collection[str] = (),
          only_app: bool = False) -> Judgement:
    """Sort a test's findings: below ``floor`` or of a rule id in ``exclude`` they are dropped, and with
    ``only_app`` (config ``blame = "app"``) so are those an installed framework's code made; server-side ones (the
    test client broke the protocol) never count against the test."""
    judged = Judgement()
    for finding in findings:
        violation = finding.violation
        if violation.severity.rank < floor.rank or violation.rule_id in exclude:
            continue
        if only_app and violation.owner == "framework":
            judged.hidden += 1
            continue
        (judged.client if violation.owner == "server" else judged.app).append(finding)
    return judged


#: The label of what happened between tests (a module-level client, a session fixture's lifespan).
OUTSIDE_ANY_TEST = "(outside any test)"


@dataclass(frozen=True)
class ReportTarget:
    """``--asgi-report FORMAT:PATH``."""

    format: str
    path: Path


@dataclass
class SessionFindings:
    """Every finding of the session that counts against a test, and each distinct one about the test client."""

    app: list[Finding] = field(default_factory=list)
    client: dict[tuple[str, str, str], Finding] = field(default_factory=dict)
    #: Findings of framework code left out (``blame = "app"``), counted so the summary can say so.
    hidden: int = 0
    #: Plugins that failed (each once, whichever worker met it): a disabled plugin's rules were not checked.
    plugin_errors: list[str] = field(default_factory=list)
    #: Checks that raised (each once): what they would have found is missing.
    internal_errors: list[InternalError] = field(default_factory=list)
    #: The first exception an app raised in each test (the report shows the test's findings with it).
    exceptions: dict[str, AppException] = field(default_factory=dict)
    #: The session's wall time so far and when it started, for the report.
    elapsed_ns: int = 0
    started_at: datetime | None = None
    #: Where each judged test is defined (its file relative to the rootdir, and the line of its ``def``): findings
    #: with no place in the code of their own are placed there.
    test_places: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: With --asgi-auto: the transports patched (None without it) and the tests whose apps were inspected.
    patched: list[str] | None = None
    inspected: set[str] = field(default_factory=set)

    def add_plugin_errors(self, errors: Iterable[str]) -> None:
        self.plugin_errors += [e for e in dict.fromkeys(errors) if e not in self.plugin_errors]

    def add_exceptions(self, raised: Iterable[tuple[str, AppException]]) -> None:
        for nodeid, exception in raised:
            self.exceptions.setdefault(nodeid, exception)

    def add_internal_errors(self, errors: Iterable[InternalError]) -> None:
        self.internal_errors += [e for e in dict.fromkeys(errors) if e not in self.internal_errors]

    def add(self, judged: Judgement) -> None:
        self.app += judged.app
        self.hidden += judged.hidden
        for finding in judged.client:  # one of each; the same one whichever worker or test met it first
            key = (finding.violation.rule_id, finding.violation.message, finding.transport)
            kept = self.client.get(key)
            if kept is None or (finding.violation.scope_label, finding.nodeid) < (kept.violation.scope_label,
                                                                                  kept.nodeid):
                self.client[key] = finding

    # -- pytest-xdist: what a worker sends, what the controller merges ----------------------------------------------
    def to_json(self) -> str:
        return json.dumps({"app": [f.to_dict() for f in self.app],
                           "client": [f.to_dict() for f in self.client.values()],
                           "plugin_errors": self.plugin_errors,
                           "internal_errors": [e.to_dict() for e in self.internal_errors],
                           "exceptions": [[nodeid, _exception_to_dict(e)] for nodeid, e in self.exceptions.items()],
                           "test_places": self.test_places, "inspected": sorted(self.inspected),
                           "patched": self.patched, "hidden": self.hidden})

    def merge_json(self, payload: str) -> None:
        data = json.loads(payload)
        self.add(Judgement([Finding.from_dict(d) for d in data.get("app", ())],
                           [Finding.from_dict(d) for d in data.get("client", ())]))
        self.add_plugin_errors(str(e) for e in data.get("plugin_errors", ()))
        self.add_internal_errors(InternalError(**e) for e in data.get("internal_errors", ()))
        self.add_exceptions((nodeid, _exception_from_dict(e)) for nodeid, e in data.get("exceptions", ()))
        self.inspected.update(str(nodeid) for nodeid in data.get("inspected", ()))
        self.hidden += int(data.get("hidden", 0))
        if data.get("patched") is not None:
            self.add_patched(str(name) for name in data["patched"])
        for nodeid, (file, line) in data.get("test_places", {}).items():
            self.test_places.setdefault(nodeid, (str(file), int(line)))

    # -- the terminal summary and the report -----------------------------------------------------------------------
    def summary_lines(self) -> list[str]:
        lines: list[str] = self._coverage_lines()
        if self.app:
            tests = Counter(f.nodeid or OUTSIDE_ANY_TEST for f in self.app)
            rules = Counter((f.violation.rule_id, f.violation.severity.value) for f in self.app)
            lines.append(f"{len(self.app)} finding{'s' if len(self.app) != 1 else ''} in {len(tests)} "
                         f"test{'s' if len(tests) != 1 else ''}:")
            lines += [f"  {rule_id:<9}{severity:<8}{count}" for (rule_id, severity), count in
                      sorted(rules.items(), key=lambda item: (-item[1], item[0]))]
            lines.append("most findings:")
            lines += [f"  {count:>4}  {nodeid}" for nodeid, count in tests.most_common(TOP_TESTS)]
        if self.client:
            lines.append("test client (the server side of the protocol; these never fail a test):")
            lines += [f"  {f.violation.rule_id:<9}{f.violation.message}  [{f.transport}]"
                      for f in sorted(self.client.values(), key=lambda f: (f.violation.rule_id, f.violation.message))]
        if self.hidden:
            lines.append(f"{self.hidden} finding{'s' if self.hidden != 1 else ''} in framework code not counted "
                         '(blame = "app")')
        if self.plugin_errors:
            lines.append("plugin errors (their rules were not checked):")
            lines += [f"  {error}" for error in self.plugin_errors]
        if self.internal_errors:
            lines.append("internal errors (a check raised, so it found nothing there; please report them):")
            lines += [f"  {error}" for error in self.internal_errors]
        return lines

    def add_patched(self, names: Iterable[str]) -> None:
        self.patched = list(dict.fromkeys([*(self.patched or ()), *names]))

    def _coverage_lines(self) -> list[str]:
        """Under --asgi-auto, what was inspected: a clean run and a run that inspected nothing must not look alike."""
        if self.patched is None:
            return []
        tests = len(self.inspected - {""})
        if not self.inspected:
            return ["nothing inspected: no test handed an app to a test client asgion patches ("
                    + (", ".join(self.patched) or "none is installed") + ")"]
        clean = "" if self.app else "; no findings in the apps"
        return [f"inspected the apps of {tests} test{'s' if tests != 1 else ''} (--asgi-auto){clean}"]

    def report(self, pm: AsgionPluginManager, root: Path | None = None) -> Report:
        """One report for the session: a scope per test (labelled with its node id) holding its findings, in node
        id order so that a run with and without pytest-xdist give the same report; the test client's findings
        follow under one scope per transport. A finding with no place in the code (the app ended, the client's
        scope) is placed at the test file that met it, so that every SARIF result has a location."""
        by_test: dict[str, list[Violation]] = {}
        raised = {nodeid or OUTSIDE_ANY_TEST: exception for nodeid, exception in self.exceptions.items()}
        for finding in self.app:
            nodeid = finding.nodeid or OUTSIDE_ANY_TEST
            tagged = replace(self._located(finding, root), scope_label=f"{finding.violation.scope_label} in {nodeid}")
            by_test.setdefault(nodeid, []).append(tagged)
        results = [ScopeResult(label=nodeid, scope_type="pytest", violations=by_test[nodeid],
                               exception=raised.get(nodeid))
                   for nodeid in sorted(by_test)]
        by_transport: dict[str, list[Violation]] = {}
        for finding in sorted(self.client.values(), key=lambda f: (f.transport, f.violation.rule_id)):
            by_transport.setdefault(finding.transport, []).append(self._located(finding, root))
        results += [ScopeResult(label=f"test client: {transport}", scope_type="pytest", violations=violations)
                    for transport, violations in sorted(by_transport.items())]
        registry = pm.rule_registry()
        fired = sorted({v.rule_id for r in results for v in r.violations})
        errors = list(dict.fromkeys([*self.plugin_errors, *pm.plugin_errors]))
        return Report(app="pytest session", results=results, plugin_errors=errors,
                      internal_errors=list(self.internal_errors), elapsed_ns=self.elapsed_ns,
                      started_at=self.started_at or datetime.now(UTC),
                      rules={rule_id: registry[rule_id] for rule_id in fired if rule_id in registry})

    def _located(self, finding: Finding, root: Path | None) -> Violation:
        """The finding's violation, placed at its test's ``def`` line (line 1 of the test's file when pytest did
        not say) when it has no location in the project: none of its own, or one in an installed package (a
        framework sent it and no endpoint was known), which code scanning cannot show; that one is kept as the
        "sent from" place."""
        violation = finding.violation
        location = violation.location
        if not finding.nodeid or root is None or (location is not None and project_file(location.file, str(root))):
            return violation
        file, line = self.test_places.get(finding.nodeid, (finding.nodeid.split("::", 1)[0], 1))
        placed = SourceLocation(str(root / file), line, finding.nodeid.split("::")[-1])
        return replace(violation, location=placed, sent_from=violation.sent_from or location)

    def write(self, targets: Sequence[ReportTarget], pm: AsgionPluginManager, root: Path) -> list[str]:
        """Write each report; returns the problems (a reporter that raised, a file that could not be written)."""
        report = self.report(pm, root)
        reporters = pm.reporters()
        problems = []
        for target in targets:
            try:
                text = reporters[target.format].render(report, ReportOptions(root=str(root)))
                target.path.parent.mkdir(parents=True, exist_ok=True)
                target.path.write_text(text, encoding="utf-8")
            except Exception as exc:
                problems.append(f"--asgi-report {target.format}:{target.path}: {type(exc).__name__}: {exc}")
        return problems


def _exception_to_dict(exception: AppException) -> dict[str, Any]:
    return {**exception.to_dict(), "traceback": exception.traceback}


def _exception_from_dict(data: dict[str, Any]) -> AppException:
    location = data.get("location")
    return AppException(str(data.get("type", "")), str(data.get("message", "")),
                        SourceLocation(**location) if isinstance(location, dict) else None,
                        str(data.get("traceback", "")))




def parse_targets(values: Iterable[str], known: Iterable[str]) -> list[ReportTarget]:
    """``FORMAT:PATH`` values; a ValueError naming the mistake for anything else."""
    formats = sorted(known)
    targets = []
    for value in values:
        name, sep, path = value.partition(":")
        if not sep or not path:
            raise ValueError(f"--asgi-report {value!r} is not FORMAT:PATH (e.g. sarif:asgion.sarif)")
        if name not in formats:
            raise ValueError(f"--asgi-report {value!r}: unknown format {name!r} (available: {', '.join(formats)})")
        targets.append(ReportTarget(name, Path(path)))
    return targets


def payload_of(workeroutput: Any) -> str | None:
    """The findings a pytest-xdist worker sent, if any."""
    value = workeroutput.get("asgion") if isinstance(workeroutput, dict) else None
    return value if isinstance(value, str) else None
