"""The ``asgion`` command: ``check`` an app, list ``rules`` and ``plugins``.

Exit codes are part of the interface: 0 when the run finished (findings are printed but do not fail it), 1 when
``--strict`` is given and there are findings, app exceptions or timeouts, 2 for any usage or runtime error, which
is printed as one line without a traceback.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from asgion_cli import rules_view
from asgion_cli.driver import Driver
from asgion_cli.errors import UserError
from asgion_cli.loader import load_app
from asgion_cli.options import (
    SEVERITY_CHOICE,
    config_options,
    make_plugin_manager,
    plugin_options,
    read_config,
    split_patterns,
)
from asgion_cli.outputs import plan_outputs, write_outputs
from asgion_cli.requests import parse_frames, parse_header, parse_path
from asgion_core.inspector import Inspector
from asgion_core.rules import Severity
from asgion_core.selection import SelectionError

EPILOG = """\b
Examples:
  asgion check main:app                          GET / with lifespan
  asgion check main:app --path /items --path POST:/items -d '{"a": 1}' -H 'content-type: application/json'
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


@cli.command(epilog=EPILOG)
@click.argument("app", required=False, metavar="APP")
@click.option("--path", "paths", multiple=True, metavar="[METHOD:]/PATH",
              help="Connection to make: /items?limit=5, POST:/items, ws:/chat or wss:/chat. Repeatable. "
                   "Default: the config's paths, else /.")
@click.option("--method", default=None, metavar="METHOD",
              help="Method for paths without one.\n\nDefault: GET (POST with -d).")
@click.option("-H", "--header", "headers", multiple=True, metavar="'NAME: VALUE'", help="Request header. Repeatable.")
@click.option("-d", "--body", default=None, metavar="DATA", help="Request body ('@file' reads a file).")
@click.option("--ws-send", "ws_texts", multiple=True, metavar="TEXT",
              help="Text frame a WebSocket client sends after the handshake. Repeatable. Default: one 'hello'.")
@click.option("--ws-send-bytes", "ws_hexes", multiple=True, metavar="HEX",
              help="Binary frame (hex) a WebSocket client sends, after the text frames. Repeatable.")
@click.option("--subprotocol", "subprotocols", multiple=True, metavar="NAME",
              help="Subprotocol the WebSocket client offers (scope['subprotocols']). Repeatable.")
@click.option("--scenarios", is_flag=True,
              help="Also run the failure paths tests miss: per HTTP path a client that disconnects mid-response "
                   "and a request body in several chunks; per WebSocket path a client that closes first.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=5.0, show_default=True,
              help="Seconds per request before the client disconnects and the app is cancelled.")
@click.option("--no-lifespan", is_flag=True, help="Do not run lifespan startup and shutdown.")
@click.option("--strict", is_flag=True, help="Exit 1 when there are findings, app exceptions or timeouts.")
@click.option("--format", "output_formats", multiple=True, metavar="NAME[:PATH]",
              help="Report format: text (default), json, sarif, junit, github or any plugin's (see 'asgion "
                   "plugins'). Repeatable; NAME:PATH writes that report to a file, e.g. "
                   "--format sarif:asgion.sarif --format text.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to a file (for a single --format given without a path).")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rules: ids, prefixes, globs (HF,SEM-00*).")
@click.option("--exclude-rules", multiple=True, metavar="RULES", help="Rules to switch off (ids, prefixes, globs).")
@click.option("--min-severity", type=SEVERITY_CHOICE, help="Report only this severity and above.")
@click.option("--layer", "layers", multiple=True, metavar="LAYER",
              help="Only rules of a layer (http, http.fsm, general).")
@click.option("--profile", default=None, help="Rule profile: strict, recommended, minimal, or one from the config.")
@click.option("--no-color", is_flag=True, help="Plain text output (also when NO_COLOR is set).")
@click.option("-q", "--quiet", is_flag=True, help="Print no report on stdout (the exit code and --out still work).")
@config_options
@plugin_options
def check(app: str | None, paths: tuple[str, ...], method: str | None, headers: tuple[str, ...], body: str | None,
          ws_texts: tuple[str, ...], ws_hexes: tuple[str, ...], subprotocols: tuple[str, ...], scenarios: bool,
          timeout: float, no_lifespan: bool, strict: bool, output_formats: tuple[str, ...], out: Path | None,
          select: tuple[str, ...], exclude_rules: tuple[str, ...], min_severity: str | None, layers: tuple[str, ...],
          profile: str | None, no_color: bool, quiet: bool, config_path: Path | None, plugins: tuple[str, ...],
          disable_plugin_autoload: bool) -> int:
    """Drive APP in-process and report ASGI protocol violations.

    APP is module:attr, module:factory() or path/to/file.py:attr; it may be omitted when the config sets app.
    """
    started = time.perf_counter_ns()
    started_at = datetime.now(UTC)
    config = read_config(config_path)
    pm = make_plugin_manager(plugins, disable_plugin_autoload)
    outputs = plan_outputs(output_formats or ("text",), out, pm.reporters())
    app_spec = app or config.app
    if not app_spec:
        raise UserError("no APP given and no 'app' in the config (e.g. asgion check main:app)")
    config = config.merged(
        profile=profile,
        min_severity=Severity.parse(min_severity) if min_severity else None,
        select=split_patterns(select) or None,
        exclude_rules=config.exclude_rules + split_patterns(exclude_rules) or None,
        categories=split_patterns(layers) or None,
    )
    header_pairs = tuple(parse_header(h) for h in headers)
    data = _read_body(body)
    default_method = (method or ("POST" if data else "GET")).upper()
    frames = parse_frames(ws_texts, ws_hexes)
    connections = [parse_path(p, default_method=default_method, headers=header_pairs, body=data, frames=frames,
                              subprotocols=subprotocols) for p in (paths or config.paths or ("/",))]
    if scenarios:
        connections = [variant for spec in connections for variant in (spec, *spec.scenarios())]
    loaded = load_app(app_spec)
    try:
        inspector = Inspector(loaded.app, config=config, plugins=pm, max_results=100_000, max_violations=100_000)
    except SelectionError as exc:
        raise UserError(str(exc)) from None
    outcome = Driver(inspector, timeout=timeout, lifespan=not no_lifespan).run(connections)
    report = inspector.report(app_spec, results=outcome.results)
    report.notes = list(outcome.notes)
    report.elapsed_ns = time.perf_counter_ns() - started
    report.started_at = started_at
    report.app_source = loaded.source or report.app_source
    pm.hook.asgion_session_finish(report=report)
    write_outputs(outputs, report, color=not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty(),
                  quiet=quiet)
    failed = bool(report.violations or report.exceptions or report.timeouts) or outcome.lifespan == "failed"
    return 1 if strict and failed else 0


def _read_body(body: str | None) -> bytes:
    if body is None:
        return b""
    if body.startswith("@"):
        try:
            return Path(body[1:]).read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read request body file {body[1:]}: {exc.strerror}") from None
    return body.encode("utf-8")


@cli.command()
@click.argument("rule_id", required=False, metavar="[RULE]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--layer", "layers", multiple=True, metavar="LAYER", help="Only rules of a layer (http, http.fsm, ...).")
@click.option("--fsm", "fsm", default=None, metavar="SCOPE_TYPE", help="Print the state machine table of a protocol.")
@plugin_options
def rules(rule_id: str | None, output_format: str, layers: tuple[str, ...], fsm: str | None, plugins: tuple[str, ...],
          disable_plugin_autoload: bool) -> int:
    """List every rule, or explain one RULE (id or name) with a bad and a good example."""
    pm = make_plugin_manager(plugins, disable_plugin_autoload)
    if fsm:
        click.echo(rules_view.state_machine(pm, fsm))
    elif rule_id:
        click.echo(rules_view.explain(pm, rule_id, output_format))
    else:
        click.echo(rules_view.listing(pm, output_format, split_patterns(layers), color=_color()), nl=False)
    return 0


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@plugin_options
def plugins(output_format: str, plugins: tuple[str, ...], disable_plugin_autoload: bool) -> int:
    """List loaded plugins: name, distribution, version, rules, reporters and hooks."""
    pm = make_plugin_manager(plugins, disable_plugin_autoload)
    click.echo(rules_view.plugin_listing(pm, output_format, color=_color()), nl=False)
    return 0


def _color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


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
