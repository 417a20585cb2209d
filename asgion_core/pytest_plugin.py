"""asgion's pytest plugin (entry point ``pytest11``): fixtures for testing ASGI apps and asgion plugins.

``asgi_inspect`` wraps the apps under test and fails (``--asgi-strict``) or warns when they break the protocol.
``asgion_runner`` plays a :class:`~asgion_core.scenario.Scenario` through an Inspector made of the plugins you name
(plus the built-in protocol plugins) and returns the violations; plugin authors test their rules with it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from asgion_core.config import AsgionConfig, load_config
from asgion_core.inspector import Inspector
from asgion_core.rules import Severity
from asgion_core.scenario import Scenario
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


# -- testing ASGI apps: the asgi_inspect fixture, the asgi_validate marker, --asgi-strict ---------------------------
_INSPECTORS = pytest.StashKey[list[Inspector]]()
_SEVERITIES = [s.value for s in Severity]


class AsgionViolationWarning(UserWarning):
    """ASGI protocol violations found by ``asgi_inspect`` in a test that is not strict."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asgion", "ASGI protocol inspection (asgion)")
    group.addoption("--asgi-strict", action="store_true", default=None,
                    help="Fail tests whose asgi_inspect inspectors found violations (default: warn).")
    group.addoption("--asgi-min-severity", choices=_SEVERITIES, default=None,
                    help="Only violations of this severity and above count (default: info).")
    parser.addini("asgi_strict", type="bool", default=False, help="Like --asgi-strict.")
    parser.addini("asgi_min_severity", default="", help="Like --asgi-min-severity.")
    parser.addini("asgi_config", default="", help="asgion config file for asgi_inspect (default: discovered).")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "asgi_validate(exclude_rules=(), min_severity=None): rule selection for the test's asgi_inspect "
        "inspectors (ids, prefixes or globs such as 'SEM-*').",
    )


def _strict(config: pytest.Config) -> bool:
    option = config.getoption("--asgi-strict")
    return bool(option) if option is not None else bool(config.getini("asgi_strict"))


def _floor(config: pytest.Config, marker: pytest.Mark | None) -> Severity:
    value = (marker.kwargs.get("min_severity") if marker else None) or config.getoption("--asgi-min-severity") \
        or config.getini("asgi_min_severity") or "perf"
    return Severity.parse(value)


@pytest.fixture
def asgi_inspect(request: pytest.FixtureRequest) -> Callable[..., Inspector]:
    """A factory: ``asgi_inspect(app, **options)`` returns an :class:`Inspector` wrapping ``app``.

    The project's asgion config (``.asgion.toml`` or ``[tool.asgion]``, or the ``asgi_config`` ini option) is
    loaded unless you pass ``config=`` or ``use_config=False``. The test's ``asgi_validate`` marker adds
    ``exclude_rules`` and ``min_severity``. After the test and all its fixtures are torn down, the violations of
    every inspector made here are judged: with ``--asgi-strict`` (or ``asgi_strict = true``) the test fails, else
    an ``AsgionViolationWarning`` lists them.
    """
    made = request.node.stash.setdefault(_INSPECTORS, [])
    marker = request.node.get_closest_marker("asgi_validate")

    def factory(app: Any, *, config: AsgionConfig | None = None, use_config: bool = True,
                **options: Any) -> Inspector:
        if config is None and use_config:
            configured = request.config.getini("asgi_config")
            config = load_config(configured or None, start=request.config.rootpath)
        if marker is not None:
            options["exclude_rules"] = [*marker.kwargs.get("exclude_rules", ()), *options.get("exclude_rules", ())]
        inspector = Inspector(app, config=config, **options)
        made.append(inspector)
        return inspector

    return factory


def describe_violation(violation: Violation) -> str:
    where = f"\n      at {violation.location}" if violation.location else ""
    hint = f"\n      hint: {violation.hint}" if violation.hint else ""
    scope = violation.scope_label or violation.scope_type
    return f"  {violation.rule_id} [{violation.severity.value}] {scope}: {violation.message}{where}{hint}"


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Runs after the test's fixtures were torn down, so violations found during teardown count too."""
    inspectors = item.stash.get(_INSPECTORS, [])
    if not inspectors:
        return
    floor = _floor(item.config, item.get_closest_marker("asgi_validate"))
    violations = [v for inspector in inspectors for v in inspector.violations if v.severity.rank >= floor.rank]
    inspectors.clear()
    if not violations:
        return
    message = f"asgion found {len(violations)} ASGI violation(s):\n" + "\n".join(map(describe_violation, violations))
    if _strict(item.config):
        pytest.fail(message, pytrace=False)
    warnings.warn(AsgionViolationWarning(message), stacklevel=1)
