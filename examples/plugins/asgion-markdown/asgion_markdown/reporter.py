"""The ``markdown`` format: a summary line, then one table of findings per scope that has any."""

from __future__ import annotations

from typing import Any

from asgion import Report, ReportOptions, hookimpl


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class MarkdownReporter:
    description = "Markdown tables (pull-request comments, job summaries)"

    def render(self, report: Report, options: ReportOptions) -> str:
        counts = report.severity_counts()
        total = sum(counts.values())
        lines = [f"## asgion: {_cell(report.app)}", "",
                 f"{len(report.results)} scopes, {total} findings "
                 + "(" + ", ".join(f"{n} {name}" for name, n in counts.items()) + ")", ""]
        for result in report.results:
            if not result.violations and result.exception is None:
                continue
            lines += [f"### {_cell(result.label)}", "", "| rule | severity | message | hint |", "|---|---|---|---|"]
            lines += [f"| {v.rule_id} | {v.severity.value} | {_cell(v.message)} | {_cell(v.hint)} |"
                      for v in result.violations]
            if result.exception is not None:
                lines += ["", f"The app raised `{result.exception.type}: {_cell(result.exception.message)}`."]
            lines.append("")
        return "\n".join(lines)


@hookimpl
def asgion_register_reporters(register: Any) -> None:
    register("markdown", MarkdownReporter())
