"""The ``github`` reporter: GitHub Actions workflow commands that annotate the offending lines.

Each finding becomes ``::error``/``::warning``/``::notice`` with ``file=`` and ``line=`` (the offending ``send``,
or the app's module). Values are escaped as the runner expects: ``%``, CR and LF everywhere, and also ``:`` and
``,`` inside properties. A clean run prints nothing.
"""

from __future__ import annotations

from typing import Any

from asgion_core.hookspecs import hookimpl
from asgion_core.report import Report, ReportOptions
from asgion_core.rules import Severity
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


def workflow_commands(report: Report, options: ReportOptions) -> list[str]:
    lines = []
    for result in report.results:
        for v in result.violations:
            where = project_location(v.location, report, options.root)
            file, line = where if where else (None, None)
            text = f"{v.message} [{result.label}]" + (f"\nFix: {v.hint}" if v.hint else "")
            lines.append(command(COMMANDS[v.severity], text, file=file, line=line, title=f"asgion {v.rule_id}"))
        if result.exception is not None:
            exc = result.exception
            where = project_location(exc.location, report, options.root)
            file, line = where if where else (None, None)
            lines.append(command("error", f"{result.label}: the app raised {exc.type}: {exc.message}", file=file,
                                 line=line, title="asgion: app exception"))
        if result.timed_out:
            lines.append(command("error", f"{result.label}: " + ("; ".join(result.notes) or "timed out"),
                                 title="asgion: timeout"))
    for error in report.internal_errors:
        lines.append(command("warning", f"internal error in plugin {error.plugin}: {error.error}",
                             title="asgion: internal error"))
    return lines


class GithubReporter:
    description = "GitHub Actions annotations (workflow commands); silent on a clean run"

    def render(self, report: Report, options: ReportOptions) -> str:
        lines = workflow_commands(report, options)
        return "\n".join(lines) + "\n" if lines else ""


@hookimpl
def asgion_register_reporters(register: Any) -> None:
    register("github", GithubReporter())
