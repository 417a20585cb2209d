"""asgion's pytest plugin (entry point ``pytest11``): fixtures for testing ASGI apps and asgion plugins.

``asgion_runner`` plays a :class:`~asgion_core.scenario.Scenario` through an Inspector made of the plugins you name
(plus the built-in protocol plugins) and returns the violations; plugin authors test their rules with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

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
