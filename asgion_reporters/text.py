"""The ``text`` reporter: a human-readable report rendered with rich.

First one line per scope (its status and how it ended), then the findings grouped by whose code they are (the
app's, the framework's, the server's or client's) and, within that, the same finding on many scopes once. Lines
wrap with a hanging indent at ``ReportOptions.width``; colour follows ``ReportOptions.color``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from asgion_core.hookspecs import hookimpl
from asgion_core.report import Report, ReportOptions, ScopeResult
from asgion_core.rules import Severity
from asgion_core.violation import OWNERS, SourceLocation, Violation
from asgion_reporters._paths import short_path

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan", "perf": "magenta"}
OWNER_TITLES = {
    "app": "In your code",
    "framework": "In framework code (an installed package made the send or raised; 'at' is the route's handler)",
    "server": "From the server or client (not the app's to fix)",
}
#: Scope labels a group names before it says "and N more".
MAX_LABELS = 6
#: Where a finding's further lines start (under its message).
FINDING_INDENT = 19
#: Width used when the caller does not wrap: long enough that no line is broken.
NO_WRAP_WIDTH = 10_000


@dataclass
class FindingGroup:
    """One finding (rule, message, location) and the scopes it occurred on."""

    first: Violation
    labels: list[str] = field(default_factory=list)
    count: int = 0


def group_findings(report: Report) -> dict[str, list[FindingGroup]]:
    """The findings by owner (in OWNERS order), each distinct finding once, most severe first."""
    groups: dict[tuple[Any, ...], FindingGroup] = {}
    for result in report.results:
        for violation in result.violations:
            key = (violation.owner, violation.rule_id, violation.message, violation.location)
            group = groups.setdefault(key, FindingGroup(violation))
            group.count += 1
            if violation.scope_label not in group.labels:
                group.labels.append(violation.scope_label)
        for rule_id, extra in result.suppressed.items():
            owner_group = next((g for g in groups.values() if g.first.rule_id == rule_id), None)
            if owner_group is not None:
                owner_group.count += extra
    rank = {s: s.rank for s in Severity}
    by_owner: dict[str, list[FindingGroup]] = {owner: [] for owner in OWNERS}
    for group in sorted(groups.values(), key=lambda g: (-rank[g.first.severity], g.first.rule_id)):
        by_owner.setdefault(group.first.owner, []).append(group)
    return {owner: found for owner, found in by_owner.items() if found}


class TextReporter:
    description = "human-readable report: scopes, then findings grouped by whose code they are (default)"

    def render(self, report: Report, options: ReportOptions) -> str:
        # rich is imported here, not at module level: loading the plugin must not need the cli extra
        from rich.console import Console
        from rich.text import Text

        buffer = io.StringIO()
        console = Console(
            file=buffer,
            force_terminal=options.color,
            no_color=not options.color,
            color_system="standard" if options.color else None,
            width=options.width or NO_WRAP_WIDTH,
            highlight=False,
        )
        for result in report.results:
            self._scope(console, result, options, report)
        if options.statistics:
            self._statistics(console, report)
        else:
            for owner, groups in group_findings(report).items():
                count = sum(g.count for g in groups)
                console.print(Text(f"\n{OWNER_TITLES.get(owner, owner)}: {count} finding{'s' if count != 1 else ''}",
                                   style="bold"))
                for group in groups:
                    self._finding(console, group, options)
        if report.notes or report.plugin_errors or report.internal_errors:
            console.print()
        for note in report.notes:
            _hang(console, Text("note: ", style="dim"), Text(note, style="dim"), options)
        for error in report.plugin_errors:
            console.print(Text(f"plugin error: {error}", style="red"))
        for internal in report.internal_errors:
            at = f" at {internal.at}" if internal.at else ""
            console.print(Text(f"internal error in {internal.plugin} ({internal.where}): {internal.error}{at}",
                               style="red"))
        console.print(self._summary(report))
        return buffer.getvalue()

    def _scope(self, console: Console, result: ScopeResult, options: ReportOptions, report: Report) -> None:
        from rich.text import Text

        status, style = "ok", "green"
        if result.timed_out:
            status, style = "timed out", "bold red"
        elif result.exception is not None:
            status, style = "raised", "bold red"
        elif result.violations:
            count = len(result.violations) + sum(result.suppressed.values())
            status, style = f"{count} violation{'s' if count != 1 else ''}", "bold"
        elif result.scope_type == "lifespan" and any(n.startswith("lifespan unsupported") for n in report.notes):
            status, style = "unsupported", "yellow"  # the run's note says why; "ok" would read as a healthy startup
        header = Text()
        header.append(result.label, style="bold")
        if result.status is not None:
            header.append(f"  {result.status}", style="cyan")
        header.append(f"  {status}", style=style)
        console.print(header)
        if options.verbose and result.details:
            self._details(console, result.details)
        if result.exception is not None:
            exc = result.exception
            _hang(console, Text("  "), Text(f"exception {exc.type}: {exc.message}{_at(exc.location, options)}",
                                            style="red"), options)
        for note in result.notes:
            _hang(console, Text("  note: ", style="dim"), Text(note, style="dim"), options)

    def _details(self, console: Console, details: dict[str, Any]) -> None:
        from rich.text import Text

        if "body_bytes" in details:
            messages = details.get("messages", 0)
            console.print(Text(f"    body: {details['body_bytes']} bytes in {messages} message"
                               f"{'s' if messages != 1 else ''}", style="dim"))
        for name, value in details.get("headers", []):
            console.print(Text(f"    {name}: {value}", style="dim"))

    def _finding(self, console: Console, group: FindingGroup, options: ReportOptions) -> None:
        from rich.text import Text

        violation = group.first
        severity = violation.severity.value
        head = Text("  ")
        head.append(f"{severity:<8}", style=SEVERITY_STYLE[severity])
        head.append(f"{violation.rule_id:<8} ", style="bold")
        _hang(console, head, Text(violation.message), options)
        _hang(console, Text(" " * FINDING_INDENT), Text(_scopes_line(group), style="dim"), options)
        if violation.location is not None:
            _hang(console, Text(" " * FINDING_INDENT), Text(f"at {_where(violation.location, options)}"), options)
        if violation.sent_from is not None:
            _hang(console, Text(" " * FINDING_INDENT),
                  Text(f"sent from {_where(violation.sent_from, options)}", style="dim"), options)
        if violation.hint:
            _hang(console, Text(" " * FINDING_INDENT), Text(f"hint: {violation.hint}", style="dim"), options)

    def _statistics(self, console: Console, report: Report) -> None:
        from rich.table import Table
        from rich.text import Text

        counts = report.rule_counts()
        if not counts:
            return
        table = Table(box=None, pad_edge=False, show_header=False)
        table.add_column(justify="right")
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        for rule_id, count in counts:
            rule = report.rules.get(rule_id)
            severity = rule.severity.value if rule is not None else ""
            table.add_row(str(count), Text(rule_id, style="bold"),
                          Text(severity, style=SEVERITY_STYLE.get(severity, "")), rule.name if rule is not None else "")
        console.print()
        console.print(table)

    def _summary(self, report: Report) -> Text:
        from rich.text import Text

        counts = report.severity_counts()
        total = sum(counts.values())
        detail = ", ".join(f"{n} {name}" for name, n in counts.items())
        text = Text("\n")
        style = "bold red" if counts["error"] or report.exceptions or report.timeouts else (
            "bold yellow" if total else "bold green")
        text.append(f"{len(report.results)} scope{'s' if len(report.results) != 1 else ''}, "
                    f"{total} violation{'s' if total != 1 else ''} ({detail}), "
                    f"{len(report.exceptions)} exception{'s' if len(report.exceptions) != 1 else ''}, "
                    f"{len(report.timeouts)} timeout{'s' if len(report.timeouts) != 1 else ''} "
                    f"in {report.elapsed_ns / 1e9:.2f}s", style=style)
        return text


def _scopes_line(group: FindingGroup) -> str:
    labels = group.labels
    shown = ", ".join(labels[:MAX_LABELS]) + (f", and {len(labels) - MAX_LABELS} more" if len(labels) > MAX_LABELS
                                              else "")
    times = f" ({group.count} times)" if group.count > len(labels) else ""
    if len(labels) == 1:
        return f"on {shown}{times}"
    return f"on {len(labels)} scopes{times}: {shown}"


def _where(location: SourceLocation, options: ReportOptions) -> str:
    return f"{short_path(location.file, options.root)}:{location.line} in {location.function}"


def _at(location: SourceLocation | None, options: ReportOptions) -> str:
    return f" at {_where(location, options)}" if location is not None else ""


def _hang(console: Console, prefix: Text, body: Text, options: ReportOptions) -> None:
    """``prefix`` then ``body``; when ``body`` wraps, its further lines start under its first character."""
    from rich.text import Text

    if options.width is None:
        console.print(prefix + body)
        return
    indent = len(prefix)
    lines = body.wrap(console, max(20, options.width - indent))
    for number, line in enumerate(lines):
        line.rstrip()
        console.print((prefix if number == 0 else Text(" " * indent)) + line)


@hookimpl
def asgion_register_reporters(register: Any) -> None:
    register("text", TextReporter())
