"""Where reports go: ``--format NAME[:PATH]`` (repeatable) and ``--out``, validated before the app is run."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from asgion_cli.errors import UserError
from asgion_core.report import Report, ReportOptions
from asgion_core.safe_text import describe_exception


@dataclass(frozen=True)
class Output:
    """One report: the reporter's name and the file it goes to (None: stdout)."""

    name: str
    reporter: Any
    path: Path | None


def plan_outputs(formats: tuple[str, ...], out: Path | None, reporters: Mapping[str, Any]) -> list[Output]:
    """Check names and destinations up front, so a typo fails before the app is driven."""
    outputs = []
    for item in formats:
        name, sep, path = item.partition(":")
        if name not in reporters:
            raise UserError(f"unknown format {name!r} (available: {', '.join(sorted(reporters))})")
        if sep and not path:
            raise UserError(f"--format {item!r}: give a file after the colon, or leave the colon out")
        outputs.append(Output(name, reporters[name], Path(path) if path else None))
    to_stdout = [o for o in outputs if o.path is None]
    if out is not None:
        if len(to_stdout) != 1:
            raise UserError("--out needs exactly one --format without a path; use NAME:PATH for the others")
        index = outputs.index(to_stdout[0])
        outputs[index] = Output(to_stdout[0].name, to_stdout[0].reporter, out)
    elif len(to_stdout) > 1:
        names = ", ".join(o.name for o in to_stdout)
        raise UserError(f"formats {names} would all print to stdout; give all but one a file (NAME:PATH)")
    return outputs


@dataclass(frozen=True)
class TextView:
    """How the report printed on the terminal looks: colour and width apply only to stdout."""

    color: bool = False
    width: int | None = None
    verbose: bool = False
    statistics: bool = False


def write_outputs(outputs: list[Output], report: Report, *, view: TextView, quiet: bool,
                  owners: Mapping[str, str] | None = None) -> None:
    """Render every report; a reporter that raises costs only its own report (the others are still written),
    and is then reported as one error naming its plugin."""
    root = os.getcwd()
    failures: list[str] = []
    for output in outputs:
        on_terminal = output.path is None
        options = ReportOptions(color=view.color and on_terminal, root=root,
                                width=view.width if on_terminal else None, verbose=view.verbose,
                                statistics=view.statistics)
        try:
            rendered = output.reporter.render(report, options)
        except Exception as exc:
            plugin = (owners or {}).get(output.name, "?")
            failures.append(f"reporter {output.name!r} (plugin {plugin!r}) failed: {describe_exception(exc)}")
            continue
        if output.path is not None:
            try:
                output.path.write_text(rendered, encoding="utf-8")
            except OSError as exc:
                raise UserError(f"cannot write {output.path}: {exc.strerror}") from None
        elif not quiet:
            # click strips ANSI codes off a non-terminal unless told: --color always and FORCE_COLOR mean keep them
            click.echo(rendered, nl=False, color=options.color)
    if failures:
        raise UserError("; ".join(failures))
