"""asgion's pytest plugin (entry point ``pytest11``): inspection of the apps under test, and fixtures for plugins.

``--asgi-auto`` wraps every app a test hands to a known test client; ``asgi_inspect`` wraps the apps a test names.
Either way a test whose app broke the protocol fails (``--asgi-strict``) or warns, a summary counts the findings,
and ``--asgi-report`` writes one report of the session.
``asgion_runner`` plays a :class:`~asgion_core.scenario.Scenario` through an Inspector made of the plugins you name
(plus the built-in protocol plugins) and returns the violations; plugin authors test their rules with it.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest
from _pytest.runner import runtestprotocol  # private, but the standard protocol itself: reports come back unlogged

from asgion_core.config import AsgionConfig, ConfigError, load_config
from asgion_core.inspector import Inspector
from asgion_core.plugins import AsgionPluginManager, PluginError, create_plugin_manager, default_plugin_manager
from asgion_core.pytest_auto import AutoInspection, Finding
from asgion_core.pytest_session import ReportTarget, SessionFindings, judge, parse_targets, payload_of
from asgion_core.rules import Severity
from asgion_core.scenario import Scenario
from asgion_core.selection import SelectionError, match_rules
from asgion_core.testing import plugin_manager_for, run_scenario
from asgion_core.violation import Violation

Runner = Callable[..., list[Violation]]


@pytest.fixture
def asgion_runner() -> Runner:
    """``asgion_runner(scenario, *plugins, profile="strict", **config)`` -> the violations found.

    ``plugins`` are plugin objects (modules or instances); the built-in http, websocket and lifespan plugins are
    always added, and nothing else installed in the environment is loaded.
    """

    def run(scenario: Scenario, *plugins: object, profile: str = "strict", **config: Any) -> list[Violation]:
        base = replace(scenario, config={**scenario.config, **config})
        return run_scenario(base, plugins=plugin_manager_for(*plugins), profile=profile)

    return run


# -- testing ASGI apps: asgi_inspect, --asgi-auto, --asgi-strict, the summary and the session report ---------------
_INSPECTORS = pytest.StashKey[list[Inspector]]()
#: How many violations of each asgi_inspect inspector were judged already (by id), when a test is judged twice.
_SEEN = pytest.StashKey[dict[int, int]]()
#: Whether another plugin's protocol runs the test (its reports are judged as they are made).
_FOREIGN = pytest.StashKey[bool]()
#: Whether asgion's own protocol runs the test (its reports are judged before they are logged).
_OWN = pytest.StashKey[bool]()
_STATE = pytest.StashKey["_State"]()
_SEVERITIES = [s.value for s in Severity]


class AsgionViolationWarning(UserWarning):
    """ASGI protocol violations found while a test ran, in a test that is not strict."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asgion", "ASGI protocol inspection (asgion)")
    group.addoption("--asgi-auto", action="store_true", default=None,
                    help="Inspect every app a test hands to a test client (Starlette/FastAPI TestClient, httpx "
                         "ASGITransport, Litestar's and Quart's test clients, asgi-lifespan, and transports plugins "
                         "add), without changing the tests.")
    group.addoption("--asgi-strict", action="store_true", default=None,
                    help="Fail tests whose inspected apps broke the protocol (default: one warning per test).")
    group.addoption("--asgi-min-severity", choices=_SEVERITIES, default=None,
                    help="Only violations of this severity and above count (default: info).")
    group.addoption("--asgi-report", action="append", default=[], metavar="FORMAT:PATH",
                    help="Write one report of the whole session (json, sarif, junit, github or a plugin's format), "
                         "each finding under its test's node id; merged across pytest-xdist workers. Repeatable.")
    parser.addini("asgi_auto", type="bool", default=False, help="Like --asgi-auto.")
    parser.addini("asgi_strict", type="bool", default=False, help="Like --asgi-strict.")
    parser.addini("asgi_min_severity", default="", help="Like --asgi-min-severity.")
    parser.addini("asgi_config", default="", help="asgion config file (default: discovered from the rootdir).")


class _State:
    """The session: the project's asgion config (read when first needed), the plugin manager, auto inspection and
    the findings."""

    def __init__(self, config: pytest.Config) -> None:
        self.pytest_config = config
        self._config: AsgionConfig | None = None
        self._pm: AsgionPluginManager | None = None
        self.auto: AutoInspection | None = None
        #: The plugin manager of the asgi_inspect fixture's Inspectors, once a test asked for it.
        self.fixture_pm: AsgionPluginManager | None = None
        self.findings = SessionFindings()
        self.targets: list[ReportTarget] = []
        self.problems: list[str] = []
        self.started_ns = time.perf_counter_ns()
        self.findings.started_at = datetime.now(UTC)

    @property
    def config(self) -> AsgionConfig:
        """The project's asgion config; a mistake in it is a ConfigError (read only when asgion is used, so a bad
        [tool.asgion] never breaks a pytest run that does not use it)."""
        if self._config is None:
            configured = self.pytest_config.getini("asgi_config")
            self._config = load_config(configured or None, start=self.pytest_config.rootpath)
        return self._config

    @property
    def blame_app(self) -> bool:
        """Whether the config keeps only the findings of the user's own code (``blame = "app"``); a config that
        cannot be read has said nothing (the place that needs it reports the mistake)."""
        try:
            return self.config.blame == "app"
        except ConfigError:
            return False

    @property
    def pm(self) -> AsgionPluginManager:
        if self._pm is None:
            try:
                self._pm = create_plugin_manager()
            except PluginError as exc:
                raise pytest.UsageError(f"asgion: {exc}") from None
            # Registered now, at startup: registering imports the rules' examples, and inside a test that
            # runs an event loop a suite's blocking-call detector (blockbuster) would make that fail and
            # disable a plugin for the whole session.
            self._pm.rule_registry()
        return self._pm

    @property
    def used_pm(self) -> bool:
        """Whether anything in this session asked for the plugin manager (only then can a plugin have failed)."""
        return self._pm is not None

    def start(self) -> None:
        """Check the options up front: a mistake is one usage error, before any test runs."""
        config = self.pytest_config
        for value in (config.getoption("--asgi-min-severity"), config.getini("asgi_min_severity")):
            if value:
                try:
                    Severity.parse(value)
                except ValueError as exc:
                    raise pytest.UsageError(f"asgion: asgi_min_severity: {exc}") from None
        values = config.getoption("--asgi-report") or []
        option = config.getoption("--asgi-auto")
        auto = option if option is not None else config.getini("asgi_auto")
        if values or auto:
            try:
                self.config  # noqa: B018  (read now: its mistakes are usage errors)
            except ConfigError as exc:
                raise pytest.UsageError(f"asgion: {exc}") from None
        if values:
            try:
                self.targets = parse_targets(values, self.pm.reporters())
            except ValueError as exc:
                raise pytest.UsageError(str(exc)) from None
        if auto:
            self.auto = AutoInspection(self.config, self.pm)

    def install_transports(self) -> None:
        """Patch the transports (importing their modules as the suite's own tests will, under its warning
        filters, which is why this waits for collection)."""
        if self.auto is not None:
            transports = [t for answer in self.pm.hook.asgion_test_transports() for t in answer or ()]
            self.auto.install(transports)
            self.problems += self.auto.problems

    def judges(self, item: pytest.Item) -> bool:
        """Whether asgion runs this test's protocol: with auto inspection, or when it asks for asgi_inspect (a
        test that reaches it through request.getfixturevalue is judged in its reports instead)."""
        return self.auto is not None or "asgi_inspect" in getattr(item, "fixturenames", ())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "asgi_validate(exclude_rules=(), min_severity=None): rule selection for the test's inspected apps "
        "(ids, prefixes or globs such as 'SEM-*').",
    )
    config.addinivalue_line("markers", "asgi_skip: do not judge this test's ASGI traffic (--asgi-auto).")
    state = _State(config)
    config.stash[_STATE] = state
    state.start()


def pytest_collection(session: pytest.Session) -> None:
    state = session.config.stash.get(_STATE, None)
    if state is not None:
        state.install_transports()


def _foreign_protocols(item: pytest.Item) -> list[Any]:
    """The implementations of the test protocol that apply to ``item`` (conftests in its directories included)
    from plugins other than pytest and asgion (pytest-rerunfailures, flaky ...), in the order pluggy would call
    them: asgion must not bypass them."""
    found = []
    for impl in reversed(item.ihook.pytest_runtest_protocol.get_hookimpls()):
        plugin = impl.plugin
        module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
        if impl.hookwrapper or getattr(impl, "wrapper", False) or module == __name__:
            continue
        if not module.startswith(("_pytest", "xdist")):
            found.append(impl)
    return found


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None and state.auto is not None:
        state.auto.uninstall()


def _strict(config: pytest.Config) -> bool:
    option = config.getoption("--asgi-strict")
    return bool(option) if option is not None else bool(config.getini("asgi_strict"))


def _marker_excludes(marker: pytest.Mark | None) -> list[str]:
    """The asgi_validate marker's ``exclude_rules``: a list of patterns, or one pattern given as a string."""
    excluded = marker.kwargs.get("exclude_rules", ()) if marker else ()
    return [excluded] if isinstance(excluded, str) else list(excluded)


def _floor(config: pytest.Config, marker: pytest.Mark | None) -> Severity:
    value = (marker.kwargs.get("min_severity") if marker else None) or config.getoption("--asgi-min-severity") \
        or config.getini("asgi_min_severity") or "perf"
    return Severity.parse(value)


@pytest.fixture
def asgi_inspect(request: pytest.FixtureRequest) -> Callable[..., Inspector]:
    """A factory: ``asgi_inspect(app, **options)`` returns an :class:`Inspector` wrapping ``app``.

    The project's asgion config (``.asgion.toml`` or ``[tool.asgion]``, or the ``asgi_config`` ini option) is
    used unless you pass ``config=`` or ``use_config=False``. The test's ``asgi_validate`` marker adds
    ``exclude_rules`` and ``min_severity``. Once the test and its fixtures are torn down, the violations of every
    inspector made here are judged with the test: with ``--asgi-strict`` (or ``asgi_strict = true``) the test
    fails, else an ``AsgionViolationWarning`` lists them.
    """
    made = request.node.stash.setdefault(_INSPECTORS, [])
    marker = request.node.get_closest_marker("asgi_validate")
    state = request.config.stash[_STATE]
    state.fixture_pm = default_plugin_manager()  # the Inspectors made here use it: its failures are reported
    state.fixture_pm.rule_registry()  # before the test's event loop runs (see _State.pm)

    def factory(app: Any, *, config: AsgionConfig | None = None, use_config: bool = True,
                **options: Any) -> Inspector:
        if config is None and use_config:
            try:
                config = state.config
            except ConfigError as exc:
                pytest.fail(f"asgion: {exc}", pytrace=False)
        if marker is not None:
            options["exclude_rules"] = [*_marker_excludes(marker), *options.get("exclude_rules", ())]
        inspector = Inspector(app, config=config, **options)
        made.append(inspector)
        return inspector

    return factory


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """Run the test as pytest does, but log its reports only once its findings are judged: findings made in
    fixture teardown (a lifespan shutdown) then fail the test's call phase, never as an extra ERROR.

    Plugins that run the protocol themselves for some tests (pytest-rerunfailures for a test with reruns) are
    asked first; when one takes the test, its reports are judged as they are made (pytest_runtest_makereport)."""
    state = item.config.stash.get(_STATE, None)
    if state is None or not state.judges(item):
        return None
    for impl in _foreign_protocols(item):
        item.stash[_FOREIGN] = True
        arguments = {"item": item, "nextitem": nextitem}
        if impl.function(**{name: arguments[name] for name in impl.argnames}) is not None:
            return True
        item.stash[_FOREIGN] = False
    item.stash[_OWN] = True
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    if state.auto is not None:
        state.auto.current = item.nodeid
    try:
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
    finally:
        if state.auto is not None:
            state.auto.current = None
    message = _judge(item, state)
    call = next((r for r in reports if r.when == "call"), None)
    if message is not None and call is not None:  # (a failed setup is the test's result already)
        _fail(call, message)
    for report in reports:
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    state = item.config.stash.get(_STATE, None)
    if state is not None and state.auto is not None:
        state.auto.current = item.nodeid  # again for each rerun under another plugin's protocol


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under another plugin's protocol: judge what the call made in its report, and what teardown made in the
    teardown's (an ERROR then: that protocol has logged the call already)."""
    outcome = yield
    state = item.config.stash.get(_STATE, None)
    if state is None or item.stash.get(_OWN, False) or call.when == "setup":
        return
    if not item.stash.get(_FOREIGN, False) and not (call.when == "teardown" and item.stash.get(_INSPECTORS, [])):
        return  # (asgi_inspect reached through getfixturevalue: judged once, at teardown)
    message = _judge(item, state)
    if call.when == "teardown" and state.auto is not None:
        state.auto.current = None
    if message is not None:
        _fail(outcome.get_result(), message)


def _fail(report: pytest.TestReport, message: str) -> None:
    if report.passed and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = message
    else:
        report.sections.append(("asgion", message))


def _judge(item: pytest.Item, state: _State) -> str | None:
    """Judge the findings the test made since it was last judged; the failure message when it must fail
    (``--asgi-strict``), else None (a warning was shown, or there was nothing to say)."""
    seen = item.stash.setdefault(_SEEN, {})
    findings = []
    for inspector in item.stash.get(_INSPECTORS, []):
        violations = inspector.violations
        findings += [Finding(item.nodeid, "asgi_inspect", v) for v in violations[seen.get(id(inspector), 0):]]
        seen[id(inspector)] = len(violations)
        state.findings.add_internal_errors(inspector.internal_errors)
        state.findings.add_exceptions((item.nodeid, r.exception) for r in inspector.results if r.exception)
    if state.auto is not None:
        findings += state.auto.take(item.nodeid)
    if findings:
        file, line, _ = item.location  # relative to the rootdir; the line is 0-based
        state.findings.test_places[item.nodeid] = (file, (line or 0) + 1)
    if not findings or item.get_closest_marker("asgi_skip") is not None:
        return None
    marker = item.get_closest_marker("asgi_validate")
    try:
        floor = _floor(item.config, marker)
    except ValueError as exc:
        return f"asgion: @pytest.mark.asgi_validate(min_severity=...): {exc}"
    try:  # the patterns mean what they mean in the config: ids, prefixes, globs and rule names
        registry = state.pm.rule_registry()
        excluded = {rule.id for pattern in _marker_excludes(marker) for rule in match_rules(pattern, registry)}
    except SelectionError as exc:
        return f"asgion: @pytest.mark.asgi_validate(exclude_rules=...): {exc}"
    judged = judge(findings, floor=floor, exclude=excluded, only_app=state.blame_app)
    state.findings.add(judged)
    if not judged.app:
        return None
    message = judged.message(item.config.rootpath)
    if _strict(item.config):
        return message
    with warnings.catch_warnings():  # shown, never raised: a suite's "error" filter must not change outcomes
        warnings.simplefilter("always", AsgionViolationWarning)
        warnings.warn(AsgionViolationWarning(message), stacklevel=1)
    return None


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """After pytest's own teardown of what is left (session fixtures, and everything after -x): findings made
    there, or outside any test (a module-level client's lifespan), still count."""
    state = session.config.stash.get(_STATE, None)
    if state is None:
        return
    if state.auto is not None:
        stray = state.auto.take_all()
        if stray:
            state.findings.add(judge(stray, floor=_floor(session.config, None), only_app=state.blame_app))
    if state.used_pm:
        state.findings.add_plugin_errors(state.pm.plugin_errors)
    if state.fixture_pm is not None:
        state.findings.add_plugin_errors(state.fixture_pm.plugin_errors)
    if state.auto is not None:
        state.findings.add_patched(state.auto.patched)
        state.findings.inspected |= state.auto.inspected
        state.findings.add_internal_errors(state.auto.internal_errors())
        state.findings.add_exceptions(state.auto.exceptions.items())
    state.findings.elapsed_ns = time.perf_counter_ns() - state.started_ns
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: the controller merges and writes
        workeroutput["asgion"] = state.findings.to_json()
        return
    if state.targets:
        state.problems += state.findings.write(state.targets, state.pm, session.config.rootpath)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist's controller: a worker finished; merge the findings it sent through its worker output."""
    state = node.config.stash.get(_STATE, None)
    payload = payload_of(getattr(node, "workeroutput", None))
    if state is not None and payload is not None:
        state.findings.merge_json(payload)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or getattr(config, "workeroutput", None) is not None:
        return
    lines = state.findings.summary_lines()
    if state.targets:
        lines += [f"report: {t.format} written to {t.path}" for t in state.targets]
    lines += state.problems
    if lines:
        terminalreporter.write_sep("=", "asgion")
        for line in lines:
            terminalreporter.write_line(line)
