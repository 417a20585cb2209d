"""The ``github`` reporter: GitHub Actions workflow commands that annotate the offending lines.

Each finding becomes ``::error``/``::warning``/``::notice`` with ``file=`` and ``line=`` (the offending ``send``,
or the app's module), relative to ``GITHUB_WORKSPACE``; the same finding at the same place is one annotation
naming how many scopes met it, and a finding about the server or test client annotates no file. Values are
escaped as the runner expects: ``%``, CR and LF everywhere, and also ``:`` and ``,`` inside properties. GitHub
shows at most 10 annotations of each kind per step, so errors come first and a last notice counts the findings
left out; with ``GITHUB_STEP_SUMMARY`` set, a markdown table of every finding is appended there. A clean run
prints nothing.
"""

from __future__ import annotations

import os
from typing import Any

from asgion_core.hookspecs import hookimpl
from asgion_core.report import Report, ReportOptions
from asgion_core.rules import Severity
from asgion_core.violation import SourceLocation, Violation
from asgion_reporters._paths import project_location

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice", Severity.PERF: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, *, file: str | None = None, line: int | None = None, title: str = "") -> str:
    props = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
        if line is not None:
            props.append(f"line={line}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = f"::{name} {','.join(props)}" if props else f"::{name}"
    return f"{head}::{escape_data(message)}"


#: How many annotations of each kind GitHub shows per step (it drops the rest silently).
LIMIT = 10
_ORDER = ("error", "warning", "notice")


def _root(options: ReportOptions) -> str:
    """Paths are relative to the workspace GitHub checked out (``GITHUB_WORKSPACE``), else the project root."""
    return os.environ.get("GITHUB_WORKSPACE") or options.root


def _place(location: SourceLocation | None, report: Report, root: str) -> tuple[str | None, int | None]:
    """``file=`` and ``line=`` of an annotation (None, None when nothing in the project can be annotated)."""
    where = project_location(location, report, root)
    return where if where else (None, None)


def all_annotations(report: Report, options: ReportOptions) -> list[tuple[str, str, int]]:
    """Every annotation as (kind, command line, how many findings it stands for), in report order: a failed
    lifespan startup, findings, app exceptions (unless G-021 already says so), timeouts, internal errors."""
    root = _root(options)
    found = []
    if report.startup_failure is not None:
        file, line = _place(None, report, root)
        found.append(("error", command("error", report.startup_failure, file=file, line=line,
                                       title="asgion: lifespan startup failed"), 1))
    # the same finding at the same place (one bug met by many scopes or tests) is one annotation
    groups: dict[tuple[Any, ...], tuple[Violation, list[str]]] = {}
    for result in report.results:
        for v in result.violations:
            file, line = _place(v.location, report, root) if v.owner != "server" else (None, None)
            groups.setdefault((v.rule_id, v.message, file, line), (v, []))[1].append(result.label)
    for (rule_id, message, file, line), (v, labels) in groups.items():
        scopes = list(dict.fromkeys(labels))  # a scope that met it twice is one scope
        where = scopes[0] if len(scopes) == 1 else f"{scopes[0]} and {len(scopes) - 1} more"
        text = f"{message} [{where}]" + (f"\nFix: {v.hint}" if v.hint else "")
        kind = COMMANDS[v.severity]
        found.append((kind, command(kind, text, file=file, line=line, title=f"asgion {rule_id}"), len(labels)))
    for result in report.results:
        exc = result.exception
        if exc is not None and not any(v.rule_id == "G-021" for v in result.violations):
            file, line = _place(exc.location, report, root)
            found.append(("error", command("error", f"{result.label}: the app raised {exc.type}: {exc.message}",
                                           file=file, line=line, title="asgion: app exception"), 1))
        if result.timed_out:
            found.append(("error", command("error", f"{result.label}: " + ("; ".join(result.notes) or "timed out"),
                                           title="asgion: timeout"), 1))
    for error in report.internal_errors:
        found.append(("warning", command("warning", f"internal error in plugin {error.plugin}: {error.error}",
                                         title="asgion: internal error"), 1))
    return found


def workflow_commands(report: Report, options: ReportOptions) -> list[str]:
    """The annotations GitHub will show: errors first, at most ``LIMIT`` of each kind, and when some had to be
    left out, a last notice that says how many."""
    found = all_annotations(report, options)
    ordered = sorted(found, key=lambda item: _ORDER.index(item[0]))
    kept: list[tuple[str, str, int]] = []
    per_kind = dict.fromkeys(_ORDER, 0)
    left_out = 0
    for kind, line, count in ordered:
        if per_kind[kind] < LIMIT:
            per_kind[kind] += 1
            kept.append((kind, line, count))
        else:
            left_out += count
    shown = [line for _, line, _ in kept]
    if left_out:
        if per_kind["notice"] == LIMIT:  # make room: the summary notice must be one GitHub shows
            last = max(i for i, (kind, _, _) in enumerate(kept) if kind == "notice")
            left_out += kept[last][2]
            del shown[last]
        shown.append(command("notice", f"{left_out} more finding{'s' if left_out != 1 else ''}: see the report "
                                       "(GitHub shows at most 10 annotations of each kind per step)",
                             title="asgion"))
    return shown


def step_summary(report: Report, options: ReportOptions) -> str:
    """A markdown summary for ``GITHUB_STEP_SUMMARY``: the counts, then a row per finding."""
    root = _root(options)
    counts = report.severity_counts()
    lines = [f"### asgion: {report.app}", "",
             f"{sum(counts.values())} findings ({', '.join(f'{n} {s}' for s, n in counts.items())}) on "
             f"{len(report.results)} scopes", ""]
    if report.startup_failure:
        lines += [f"**{report.startup_failure}**", ""]
    rows = [(v, r.label) for r in report.results for v in r.violations]
    if rows:
        lines += ["| rule | severity | scope | message | where |", "|---|---|---|---|---|"]
        for v, label in rows:
            where = project_location(v.location, report, root)
            place = f"{where[0]}:{where[1]}" if where else ""
            cells = [v.rule_id, v.severity.value, label, v.message, place]
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


class GithubReporter:
    description = "GitHub Actions annotations (workflow commands); silent on a clean run"

    def render(self, report: Report, options: ReportOptions) -> str:
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:  # GitHub's documented way to add a markdown summary to the job's page
            try:
                with open(summary_file, "a", encoding="utf-8") as summary:
                    summary.write(step_summary(report, options))
            except OSError:
                pass  # the annotations still go out
        lines = workflow_commands(report, options)
        return "\n".join(lines) + "\n" if lines else ""


@hookimpl
def asgion_register_reporters(register: Any) -> None:
    register("github", GithubReporter())
