"""The ``text`` reporter: a human-readable report rendered with rich, grouped per scope.

Colour follows ``ReportOptions.color``; the CLI turns it off for ``--no-color``, ``NO_COLOR`` and non-terminals.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from asgion_core.hookspecs import hookimpl
from asgion_core.report import Report, ReportOptions, ScopeResult
from asgion_reporters._paths import relative_path

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan", "perf": "magenta"}


class TextReporter:
    description = "human-readable report, grouped per scope (default)"

    def render(self, report: Report, options: ReportOptions) -> str:
        # rich is imported here, not at module level: loading the plugin must not need the cli extra
        from rich.console import Console

        buffer = io.StringIO()
        console = Console(
            file=buffer,
            force_terminal=options.color,
            no_color=not options.color,
            color_system="standard" if options.color else None,
            width=110,
            highlight=False,
            soft_wrap=True,
        )
        for result in report.results:
            self._scope(console, result, options)
        from rich.text import Text

        for note in report.notes:
            console.print(Text(f"note: {note}", style="dim"))
        for error in report.plugin_errors:
            console.print(Text(f"plugin error: {error}", style="red"))
        for internal in report.internal_errors:
            at = f" at {internal.at}" if internal.at else ""
            console.print(Text(f"internal error in {internal.plugin} ({internal.where}): {internal.error}{at}",
                               style="red"))
        console.print(self._summary(report))
        return buffer.getvalue()

    def _scope(self, console: Console, result: ScopeResult, options: ReportOptions) -> None:
        from rich.text import Text

        status = "ok"
        style = "green"
        if result.timed_out:
            status, style = "timed out", "bold red"
        elif result.exception is not None:
            status, style = "raised", "bold red"
        elif result.violations:
            count = len(result.violations) + sum(result.suppressed.values())
            status, style = f"{count} violation{'s' if count != 1 else ''}", "bold"
        header = Text()
        header.append(result.label, style="bold")
        if result.status is not None:
            header.append(f"  {result.status}", style="cyan")
        header.append(f"  {status}", style=style)
        console.print(header)
        for violation in result.violations:
            line = Text("  ")
            line.append(f"{violation.severity.value:<8}", style=SEVERITY_STYLE[violation.severity.value])
            line.append(f"{violation.rule_id:<8} ", style="bold")
            line.append(violation.message)
            console.print(line)
            if violation.location is not None:
                where = relative_path(violation.location.file, options.root)
                console.print(Text(f"{'':18}at {where}:{violation.location.line} in {violation.location.function}",
                                   style="dim"))
            if violation.hint:
                console.print(Text(f"{'':18}hint: {violation.hint}", style="dim"))
        for rule_id, extra in result.suppressed.items():
            console.print(Text(f"{'':18}... {rule_id} occurred {extra} more times", style="dim"))
        if result.exception is not None:
            exc = result.exception
            where = ""
            if exc.location is not None:
                where = f" at {relative_path(exc.location.file, options.root)}:{exc.location.line}"
            console.print(Text(f"  exception {exc.type}: {exc.message}{where}", style="red"))
        for note in result.notes:
            console.print(Text(f"  note: {note}", style="dim"))

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


@hookimpl
def asgion_register_reporters(register: Any) -> None:
    register("text", TextReporter())
