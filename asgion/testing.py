"""Testing helpers for asgion plugin authors (re-exported from ``asgion_core.testing``).

Describe what an app does as a :class:`Scenario` and play it through an Inspector with :func:`run_scenario`, or
with the ``asgion_runner`` pytest fixture that asgion's pytest plugin provides.
"""

from asgion_core.testing import (
    DELETE,
    Case,
    Scenario,
    Step,
    call,
    http_scope,
    plugin_manager_for,
    raises,
    receive,
    render_scenario,
    returns,
    run_scenario,
    send,
    sleep,
)

__all__ = [
    "DELETE",
    "Case",
    "Scenario",
    "Step",
    "call",
    "http_scope",
    "plugin_manager_for",
    "raises",
    "receive",
    "render_scenario",
    "returns",
    "run_scenario",
    "send",
    "sleep",
]
