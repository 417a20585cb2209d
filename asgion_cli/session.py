"""What ``check`` and ``trace`` share: the driving options, the config they merge into, and one driven run."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from asgion_cli.driver import Driver, DriveResult
from asgion_cli.errors import UserError
from asgion_cli.loader import LoadedApp, load_app
from asgion_cli.options import FINITE_SECONDS, SEVERITY_CHOICE, make_plugin_manager, read_config, split_patterns
from asgion_cli.requests import (
    ConnectionSpec,
    Frame,
    command_line_bytes,
    parse_frames,
    parse_header,
    parse_path,
    place_bodies,
)
from asgion_cli.terminal import Progress
from asgion_core.config import BLAME_CHOICES, AsgionConfig, ConfigError, RequestSpec
from asgion_core.discovery import discover
from asgion_core.inspector import Inspector
from asgion_core.location import handler_location
from asgion_core.plugins import AsgionPluginManager
from asgion_core.report import Report, ScopeResult
from asgion_core.rules import Severity
from asgion_core.selection import SelectionError

F = TypeVar("F", bound=Callable[..., Any])

_DRIVE_OPTIONS: list[Callable[[Any], Any]] = [
    click.argument("app", required=False, metavar="[APP]"),
    click.option("--path", "paths", multiple=True, metavar="[METHOD:]/PATH",
                 help="Connection to make: /items?limit=5, POST:/items, ws:/chat or wss:/chat. Repeatable. "
                      "Default: the config's paths, else the app's routes (discovered), else /."),
    click.option("--discover/--no-discover", "discover", default=None,
                 help="Read the app's route table and drive every route (Starlette, FastAPI, Litestar, Quart, "
                      "Django, Falcon, BlackSheep, Sanic, and frameworks a plugin adds). Default: on when no paths "
                      "are given; --discover adds to given paths."),
    click.option("--method", default=None, metavar="METHOD",
                 help="Method for paths without one. Default: GET (POST with -d)."),
    click.option("-H", "--header", "headers", multiple=True, metavar="'NAME: VALUE'",
                 help="Request header. Repeatable."),
    click.option("-d", "--body", "bodies", multiple=True, metavar="DATA",
                 help="Request body ('@file' reads a file) of the --path it follows, or, given before every --path, "
                      "of all of them (and of / when there is none). A path with a body is a POST unless it names "
                      "its method."),
    click.option("--json", "json_bodies", multiple=True, metavar="JSON",
                 help="Like -d, but checked to be JSON and sent with content-type: application/json "
                      "(e.g. --path POST:/items --json '{\"name\": \"x\"}')."),
    click.option("--ws-send", "ws_texts", multiple=True, metavar="TEXT",
                 help="Text frame a WebSocket client sends after the handshake. Repeatable. Default: one 'hello'."),
    click.option("--ws-send-bytes", "ws_hexes", multiple=True, metavar="HEX",
                 help="Binary frame (hex) a WebSocket client sends, after the text frames. Repeatable."),
    click.option("--subprotocol", "subprotocols", multiple=True, metavar="NAME",
                 help="Subprotocol the WebSocket client offers (scope['subprotocols']). Repeatable."),
    click.option("--scenarios", is_flag=True,
                 help="Also run the failure paths tests miss: per HTTP path a client that disconnects "
                      "mid-response and a request body in several chunks; per WebSocket path a client that "
                      "closes first."),
    click.option("--timeout", type=FINITE_SECONDS, default=5.0, show_default=True,
                 help="Seconds per connection before the client disconnects and the app is cancelled."),
    click.option("--no-lifespan", is_flag=True, help="Do not run lifespan startup and shutdown."),
    click.option("--select", multiple=True, metavar="RULES",
                 help="Only these rules: ids, prefixes, globs (HF,SEM-00*)."),
    click.option("--exclude-rules", multiple=True, metavar="RULES",
                 help="Rules to switch off (ids, prefixes, globs)."),
    click.option("--min-severity", type=SEVERITY_CHOICE, help="Report only this severity and above."),
    click.option("--layer", "layers", multiple=True, metavar="LAYER",
                 help="Only rules of a layer (http, http.fsm, general)."),
    click.option("--blame", type=click.Choice(BLAME_CHOICES), default=None,
                 help="Which findings to report: all (default), or app: only those whose send happened in your own "
                      "code (drops what an installed framework sent and what the server or client did). Config: "
                      "blame; which packages count as yours: user_packages, library_packages."),
    click.option("--profile", default=None,
                 help="Rule profile: strict, recommended, minimal, or one from the config."),
    click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                 help="Config file (.asgion.toml or pyproject.toml). Default: discovered upwards."),
    click.option("-p", "plugins", multiple=True, metavar="NAME",
                 help="Load plugin NAME (entry point or module); 'no:NAME' blocks it. Repeatable."),
    click.option("--disable-plugin-autoload", is_flag=True,
                 help="Load no third-party plugins unless named with -p (built-ins stay)."),
]
_NAMES = ("app", "paths", "discover", "method", "headers", "bodies", "json_bodies", "ws_texts", "ws_hexes",
          "subprotocols", "scenarios", "timeout", "no_lifespan", "select", "exclude_rules", "min_severity", "layers",
          "blame", "profile", "config_path", "plugins", "disable_plugin_autoload")


@dataclass(frozen=True)
class DriveOptions:
    """The command-line options that choose the app, what to drive, the rules and the plugins."""

    app: str | None
    paths: tuple[str, ...]
    discover: bool | None
    method: str | None
    headers: tuple[str, ...]
    bodies: tuple[str, ...]
    json_bodies: tuple[str, ...]
    ws_texts: tuple[str, ...]
    ws_hexes: tuple[str, ...]
    subprotocols: tuple[str, ...]
    scenarios: bool
    timeout: float
    no_lifespan: bool
    select: tuple[str, ...]
    exclude_rules: tuple[str, ...]
    min_severity: str | None
    layers: tuple[str, ...]
    blame: str | None
    profile: str | None
    config_path: Path | None
    plugins: tuple[str, ...]
    disable_plugin_autoload: bool


def drive_options(func: F) -> F:
    """Add the shared options to a command; it receives them as one ``drive: DriveOptions`` argument."""

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        drive = DriveOptions(**{name: kwargs.pop(name) for name in _NAMES})
        return func(drive=drive, **kwargs)

    command: Any = wrapper
    for option in reversed(_DRIVE_OPTIONS):
        command = option(command)
    return command  # type: ignore[no-any-return]


@dataclass
class Plan:
    """Everything checked before the app is imported: a typo fails fast, before any app code runs."""

    pm: AsgionPluginManager
    config: AsgionConfig
    app_spec: str
    connections: list[ConnectionSpec]
    options: DriveOptions
    #: Read the app's routes once it is loaded (see asgion_core.discovery).
    discover: bool = False
    #: What every connection carries (-H, --ws-send): discovered ones too.
    headers: tuple[tuple[bytes, bytes], ...] = ()
    frames: tuple[Frame, ...] = ()
    #: The connection made when nothing else is (GET /, or POST / with -d, as asgion 0.6.1 did).
    fallback: ConnectionSpec | None = None


def plan(drive: DriveOptions, pm: AsgionPluginManager | None = None) -> Plan:
    config = read_config(drive.config_path)
    pm = pm or make_plugin_manager(drive.plugins, drive.disable_plugin_autoload)
    app_spec = drive.app or config.app
    if not app_spec:
        raise UserError("no APP given and no 'app' in the config (e.g. asgion check main:app)")
    config = config.merged(
        profile=drive.profile,
        min_severity=Severity.parse(drive.min_severity) if drive.min_severity else None,
        select=split_patterns(drive.select) or None,
        exclude_rules=config.exclude_rules + split_patterns(drive.exclude_rules) or None,
        categories=split_patterns(drive.layers) or None,
        blame=drive.blame,
    )
    header_pairs = tuple(parse_header(h) for h in drive.headers)
    given = drive.paths or config.paths
    common, own = _bodies(drive, len(drive.paths))
    frames = parse_frames(drive.ws_texts, drive.ws_hexes)

    def connection(spec: str, body: _Body | None) -> ConnectionSpec:
        data, headers = body.data if body else b"", header_pairs + (body.headers(header_pairs) if body else ())
        return parse_path(spec, default_method=(drive.method or ("POST" if data else "GET")).upper(),
                          headers=headers, body=data, frames=frames, subprotocols=drive.subprotocols)

    connections = [connection(p, own.get(i, common)) for i, p in enumerate(given)]
    if not drive.paths:  # the config's own requests, each with its headers and body (given paths replace them)
        connections += [_request(spec, header_pairs, drive.subprotocols) for spec in config.requests]
        given = given or tuple(spec.path for spec in config.requests)
    fallback = connection("/", common)
    return Plan(pm, config, app_spec, connections, drive,
                discover=drive.discover if drive.discover is not None else not given,
                headers=header_pairs, frames=frames, fallback=fallback)


#: Where a drive command keeps its raw arguments (see DriveCommand).
_ARGS = "asgion.args"


class DriveCommand(click.Command):
    """A command that keeps its raw arguments, so that each -d/--json is paired with the --path it follows."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[_ARGS] = list(args)
        return super().parse_args(ctx, args)


@dataclass(frozen=True)
class _Body:
    """A request body from -d or --json, and whether it is JSON (which brings its content type)."""

    data: bytes
    json: bool

    def headers(self, given: tuple[tuple[bytes, bytes], ...]) -> tuple[tuple[bytes, bytes], ...]:
        if self.json and not any(name == b"content-type" for name, _ in given):
            return ((b"content-type", b"application/json"),)
        return ()


def _bodies(drive: DriveOptions, path_count: int) -> tuple[_Body | None, dict[int, _Body]]:
    """The body for every path (given before all --path options) and the bodies of single paths, by index."""
    ctx = click.get_current_context(silent=True)
    args = ctx.meta.get(_ARGS) if ctx is not None else None
    takes_value = frozenset(name for param in (ctx.command.params if ctx is not None else ())
                            if isinstance(param, click.Option) and not param.is_flag and not param.count
                            for name in param.opts)
    common: _Body | None = None
    own: dict[int, _Body] = {}
    for placed in place_bodies(args, drive.bodies, drive.json_bodies, takes_value):
        body = _Body(_read_body(placed.value), placed.kind == "json")
        if body.json:
            _check_json(body.data, placed.value)
        if placed.path_index is None or placed.path_index >= path_count:
            if common is not None:
                raise UserError("more than one -d/--json before the first --path: give one for every path there, "
                                "or one after each --path it belongs to")
            common = body
        elif placed.path_index in own:
            raise UserError(f"--path {drive.paths[placed.path_index]} has more than one -d/--json")
        else:
            own[placed.path_index] = body
    return common, own


def _check_json(data: bytes, given: str) -> None:
    try:
        json.loads(data)
    except ValueError as exc:
        shown = given if len(given) <= 60 else given[:60] + "..."
        raise UserError(f"--json {shown!r} is not valid JSON: {exc}") from None


@dataclass
class Session:
    """One driven run: the inspector, what the driver did, and the report."""

    inspector: Inspector
    outcome: DriveResult
    report: Report
    loaded: LoadedApp

    @property
    def failed(self) -> bool:
        """Whether ``--strict`` fails the run: findings, app exceptions, timeouts, a failed startup, and any plugin
        or internal error (a check that could not run may have hidden a finding)."""
        report = self.report
        return (bool(report.violations or report.exceptions or report.timeouts or report.plugin_errors
                     or report.internal_errors) or self.outcome.lifespan == "failed")


def run(planned: Plan, *, show_progress: bool = False, **inspector_options: Any) -> Session:
    """Load the app, drive it and build the report; ``show_progress`` draws a progress bar on a terminal's stderr
    when the run lasts more than a second."""
    started = time.perf_counter_ns()
    started_at = datetime.now(UTC)
    # What the app prints while it is imported and driven goes to stderr: stdout is the report's (json, sarif...).
    with contextlib.redirect_stdout(sys.stderr):
        loaded = load_app(planned.app_spec)
        try:
            inspector = Inspector(loaded.app, config=planned.config, plugins=planned.pm, max_results=100_000,
                                  max_violations=100_000, keep_clean_results=True, **inspector_options)
        except (SelectionError, ConfigError) as exc:
            raise UserError(str(exc)) from None
        connections, notes, discovered = _connections(planned, loaded.app)
        progress = Progress(len(connections), enabled=None if show_progress else False)
        try:
            outcome = Driver(inspector, timeout=planned.options.timeout, lifespan=not planned.options.no_lifespan,
                             on_progress=progress.update).run(connections)
        finally:
            progress.stop()
    report = inspector.report(planned.app_spec, results=outcome.results)
    report.notes = notes + list(outcome.notes)
    labels = {inspector.redactor.label(spec.label) for spec in discovered}  # as the driver labels them
    report.notes += _not_found_note([r for r in outcome.results if r.label in labels])
    report.notes += _server_error_note(outcome.results)
    report.startup_failure = outcome.startup_failure
    report.profile = planned.config.profile
    report.config_source = str(planned.config.source) if planned.config.source else None
    if planned.config.blame == "app":
        dropped = report.keep_owners(("app",))
        if dropped:
            report.notes.append(f"{dropped} finding{'s' if dropped != 1 else ''} outside your code not shown "
                                "(--blame app)")
    report.elapsed_ns = time.perf_counter_ns() - started
    report.started_at = started_at
    report.app_source = loaded.source or report.app_source
    planned.pm.hook.asgion_session_finish(report=report)
    return Session(inspector, outcome, report, loaded)


def _server_error_note(results: list[ScopeResult]) -> list[str]:
    """A 5xx the framework answered is no protocol finding, but the route is not healthy either: say so, since
    the exception behind it never reached asgion."""
    failed = [r.label for r in results if r.scope_type == "http" and r.status is not None and r.status >= 500
              and r.exception is None]
    if not failed:
        return []
    shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
    return [f"{len(failed)} HTTP operation{'s' if len(failed) != 1 else ''} answered 5xx ({shown}): the framework "
            "answered a server error for the app; its exception, if any, is in the app's log, not here"]


def _not_found_note(discovered: list[ScopeResult]) -> list[str]:
    """Discovered paths are filled with sample values (1, "x"): when they answer 404 their handlers' code after
    the lookup went unchecked, which the coverage line alone does not say."""
    http = [r for r in discovered if r.scope_type == "http"]
    missing = sum(1 for r in http if r.status == 404)
    if not missing:
        return []
    return [f"{missing} of {len(http)} discovered HTTP operations answered 404: sample path values (1, 'x') may "
            "name nothing in the app's data; drive real ones with --path or [[tool.asgion.requests]]"]


def _connections(planned: Plan, app: Any) -> tuple[list[ConnectionSpec], list[str], list[ConnectionSpec]]:
    """The connections to make (given, plus the discovered ones when discovery is on), the coverage line as a
    note, and the discovered connections among them."""
    connections, notes = list(planned.connections), []
    discovered: list[ConnectionSpec] = []
    drive = planned.options
    if planned.discover:
        found = discover(planned.pm, app)
        known = {(c.method, c.path, c.websocket) for c in connections}
        for route in found.routes:  # -d is for the given paths: a discovered operation gets the body it requires
            own = tuple((name.encode(), value.encode()) for name, value in route.headers
                        if not any(name.encode() == given for given, _ in planned.headers))
            spec = replace(parse_path(route.spec, default_method="GET", headers=planned.headers + own,
                                      body=route.body, frames=planned.frames, subprotocols=drive.subprotocols),
                           handler=handler_location(route.handler))
            if (spec.method, spec.path, spec.websocket) not in known:
                connections.append(spec)
                discovered.append(spec)
        if found.routes:
            skipped = f"; skipped: {'; '.join(found.skipped)}" if found.skipped else ""
            notes.append(f"{len(found.routes)} operations on {found.route_count} discovered routes "
                         f"({found.source}){skipped}")
        elif not connections:
            notes.append("no route table found for this app (a raw ASGI app, or a framework no discovery plugin "
                         "knows; see asgion plugins): only GET / was checked; name connections with --path")
    if not connections and planned.fallback is not None:
        connections = [planned.fallback]
    if drive.scenarios:
        connections = [variant for spec in connections for variant in (spec, *spec.scenarios())]
    return connections, notes, discovered


def _request(spec: RequestSpec, common: tuple[tuple[bytes, bytes], ...],
             subprotocols: tuple[str, ...]) -> ConnectionSpec:
    """A ``[[tool.asgion.requests]]`` entry as a connection: its own headers after the common ones, its body."""
    headers = common + tuple(parse_header(h) for h in spec.headers)
    body = _Body(spec.json.encode() if spec.json is not None else (spec.body or "").encode("utf-8"),
                 json=spec.json is not None)
    headers += body.headers(headers)
    path = spec.path if not spec.method or ":" in spec.path.split("/")[0] else f"{spec.method.upper()}:{spec.path}"
    return parse_path(path, default_method="POST" if body.data else "GET", headers=headers, body=body.data,
                      frames=parse_frames(spec.ws_send, ()), subprotocols=subprotocols)


def _read_body(body: str) -> bytes:
    if body.startswith("@"):
        try:
            return Path(body[1:]).read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read request body file {body[1:]}: {exc.strerror}") from None
    return command_line_bytes(body)
