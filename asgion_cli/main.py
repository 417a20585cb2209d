"""The ``asgion`` command: ``check`` an app, list ``rules`` and ``plugins``.

Exit codes are part of the interface: 0 when the run finished (findings are printed but do not fail it), 1 when
``--strict`` is given and there are findings, app exceptions or timeouts, 2 for any usage or runtime error, which
is printed as one line without a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from asgion_cli import rules_view
from asgion_cli.errors import UserError
from asgion_cli.har import har
from asgion_cli.init import add_to_pyproject, write_dot_file
from asgion_cli.options import (
    color_options,
    make_plugin_manager,
    plugin_options,
    split_patterns,
)
from asgion_cli.outputs import TextView, plan_outputs, write_outputs
from asgion_cli.session import DriveCommand, DriveOptions, drive_options, plan, run
from asgion_cli.terminal import line_width, use_color
from asgion_cli.timeline import as_json, render_timelines
from asgion_core.trace import DEFAULT_MAX_BODY_SIZE, MemoryStorage

EPILOG = """\b
Examples:
  asgion check main:app                          every discovered route, with lifespan
  asgion check main:app --blame app -v           only findings in your code; headers and sizes per scope
  asgion check main:app --path /items --path POST:/items --json '{"a": 1}'   the body is the POST's alone
  asgion check examples/buggy_app.py:app --strict --format json --out report.json
  asgion check 'main:create_app()' --select HF,SEM --exclude-rules SEM-013
  asgion check main:app --path ws:/chat --ws-send hi --subprotocol chat.v1 --scenarios
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="asgion", prog_name="asgion")
def cli() -> None:
    """asgion: find ASGI protocol violations that tests miss.

    It drives your app in-process like a real server (lifespan, requests, disconnects) and checks every scope and
    message against the ASGI spec, the HTTP state machine and HTTP semantics. Rule ids (e.g. HF-002) are stable:
    explain one with 'asgion rules HF-002'.
    """


@cli.command(cls=DriveCommand, epilog=EPILOG)
@drive_options
@click.option("--strict", is_flag=True,
              help="Exit 1 when there are findings, app exceptions, timeouts or a failed lifespan startup.")
@click.option("--format", "output_formats", multiple=True, metavar="NAME[:PATH]",
              help="Report format: text (default), json, sarif, junit, github or any plugin's (see 'asgion "
                   "plugins'). Repeatable; NAME:PATH writes that report to a file, e.g. "
                   "--format sarif:asgion.sarif --format text.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to a file (for a single --format given without a path).")
@color_options
@click.option("-v", "--verbose", is_flag=True, help="Also show each response's headers and body size.")
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them (text format).")
@click.option("-q", "--quiet", is_flag=True, help="Print no report on stdout (the exit code and --out still work).")
def check(drive: DriveOptions, strict: bool, output_formats: tuple[str, ...], out: Path | None, color: str,
          no_color: bool, verbose: bool, statistics: bool, quiet: bool) -> int:
    """Drive APP in-process and report ASGI protocol violations.

    APP is module:attr, module:factory() or path/to/file.py:attr; it may be omitted when the config sets app.
    With no --path and no paths in the config, the app's routes are discovered and each is driven.
    """
    pm = make_plugin_manager(drive.plugins, drive.disable_plugin_autoload)
    outputs = plan_outputs(output_formats or ("text",), out, pm.reporters())
    session = run(plan(drive, pm), show_progress=not quiet, keep_details=verbose)
    view = TextView(color=_color(color, no_color), width=line_width(), verbose=verbose, statistics=statistics)
    write_outputs(outputs, session.report, view=view, quiet=quiet, owners=pm.reporter_owners())
    return 1 if strict and session.failed else 0


TRACE_EPILOG = """\b
Examples:
  asgion trace examples/buggy_app.py:app               the timeline of GET /, body before start marked HF-002
  asgion trace main:app --path ws:/chat --format json  every record as one JSON array
  asgion trace main:app --out traces/                  one JSON file per connection (read with asgion.deserialize)
  asgion trace main:app --format har > session.har     open in the browser's developer tools
"""


@cli.command(cls=DriveCommand, epilog=TRACE_EPILOG)
@drive_options
@click.option("--format", "output_format", type=click.Choice(["text", "json", "jsonl", "har"]), default="text",
              show_default=True, help="text: timelines; json: one JSON array; jsonl: a record per line; har: HAR 1.2.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Also write one JSON file per record into this directory.")
@click.option("--max-body-size", type=click.IntRange(min=0), default=DEFAULT_MAX_BODY_SIZE, show_default=True,
              help="Bytes of each body or frame kept in the trace.")
@click.option("--strict", is_flag=True,
              help="Exit 1 when there are findings, app exceptions, timeouts or a failed lifespan startup.")
@color_options
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stdout (the exit code and --out still work).")
def trace(drive: DriveOptions, output_format: str, out: Path | None, max_body_size: int, strict: bool,
          color: str, no_color: bool, quiet: bool) -> int:
    """Drive APP like 'check' and show the timeline of every connection, violations marked inline."""
    planned = plan(drive)
    memory = MemoryStorage(max_records=1_000_000)
    try:
        session = run(planned, trace=True, storage=memory, trace_dir=out, max_body_size=max_body_size)
    except OSError as exc:
        raise UserError(f"cannot write traces to {out}: {exc.strerror}") from None
    records = list(memory)
    if not quiet:
        if output_format == "text":
            rules = {rule.id: rule for rule in planned.pm.rule_registry()}
            text = render_timelines(records, rules, color=_color(color, no_color))
            notes = "".join(f"note: {note}\n" for note in session.report.notes)
            click.echo(text + notes, nl=False)
        elif output_format == "json":
            click.echo(json.dumps(as_json(records), indent=2))
        elif output_format == "jsonl":
            for record in records:
                click.echo(json.dumps(record.to_dict()))
        else:
            click.echo(json.dumps(har(records, session.report.results), indent=2))
    return 1 if strict and session.failed else 0


@cli.command()
@click.option("--pyproject", is_flag=True, help="Add a [tool.asgion] table to ./pyproject.toml instead.")
@click.option("--app", "app", default=None, metavar="MODULE:ATTR", help="Fill in the app to check.")
@click.option("--force", is_flag=True, help="Overwrite .asgion.toml, or replace an existing [tool.asgion] table.")
def init(pyproject: bool, app: str | None, force: bool) -> int:
    """Write a config with every option commented and explained (.asgion.toml, or [tool.asgion] with --pyproject).

    The pyproject form appends the table and leaves every other byte of the file as it was.
    """
    directory = Path.cwd()
    target = add_to_pyproject(directory, app, force) if pyproject else write_dot_file(directory, app, force)
    click.echo(f"wrote {target.name}: edit it, then run 'asgion check'")
    return 0


@cli.command()
@click.argument("rule_id", required=False, metavar="[RULE]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--layer", "layers", multiple=True, metavar="LAYER", help="Only rules of a layer (http, http.fsm, ...).")
@click.option("--fsm", "fsm", default=None, metavar="SCOPE_TYPE", help="Print the state machine table of a protocol.")
@click.option("--all", "show_all", is_flag=True, help="Also list retired rules (kept so old configs stay valid).")
@plugin_options
def rules(rule_id: str | None, output_format: str, layers: tuple[str, ...], fsm: str | None, show_all: bool,
          plugins: tuple[str, ...], disable_plugin_autoload: bool) -> int:
    """List every rule, or explain one RULE (id or name) with a bad and a good example."""
    pm = make_plugin_manager(plugins, disable_plugin_autoload)
    if fsm:
        click.echo(rules_view.state_machine(pm, fsm))
    elif rule_id:
        click.echo(rules_view.explain(pm, rule_id, output_format))
    else:
        click.echo(rules_view.listing(pm, output_format, split_patterns(layers), color=_color(), retired=show_all,
                                      width=line_width()), nl=False)
    return 0


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@plugin_options
def plugins(output_format: str, plugins: tuple[str, ...], disable_plugin_autoload: bool) -> int:
    """List loaded plugins: name, distribution, version, rules, reporters and hooks."""
    pm = make_plugin_manager(plugins, disable_plugin_autoload)
    click.echo(rules_view.plugin_listing(pm, output_format, color=_color()), nl=False)
    return 0


def _color(choice: str = "auto", no_color: bool = False) -> bool:
    return use_color("never" if no_color else choice)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI and turn every user error into one line on stderr and exit code 2."""
    try:
        code: Any = cli.main(args=list(argv) if argv is not None else None, prog_name="asgion",
                             standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        command = f"asgion {ctx.info_name}" if ctx is not None and ctx.parent is not None else "asgion"
        hint = f" (see '{command} --help')" if ctx is not None else ""
        click.echo(f"asgion: error: {exc.format_message()}{hint}", err=True)
        code = 2
    except UserError as exc:
        click.echo(f"asgion: error: {exc}", err=True)
        code = 2
    except click.exceptions.Abort:
        click.echo("asgion: aborted", err=True)
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
