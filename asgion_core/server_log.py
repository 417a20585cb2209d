"""The findings of ``app = inspect(app)`` under a real server, as records of the ``asgion`` logger.

A server shows its log and nothing else, so the middleware form logs each finding by default: errors and warnings
reach the terminal even when nobody configured logging (Python's last-resort handler prints them), info and perf
findings only when the ``asgion`` logger is set to INFO or DEBUG. Each rule is logged once per place in the code;
``inspector.violations`` and ``on_violation`` still see every occurrence.
"""

from __future__ import annotations

import logging

from asgion_core.rules import Severity
from asgion_core.safe_text import one_line
from asgion_core.violation import Violation

__all__ = ["LOGGER", "MAX_LOGGED_PLACES", "ServerLog", "log_violation"]

LOGGER = logging.getLogger("asgion")
_LEVELS = {Severity.ERROR: logging.ERROR, Severity.WARNING: logging.WARNING, Severity.INFO: logging.INFO,
           Severity.PERF: logging.DEBUG}


#: Places remembered per log (bounded: when full, places are logged afresh).
MAX_LOGGED_PLACES = 4096


class ServerLog:
    """The ``on_violation`` of ``inspect(app)``: each finding as one log line, once per rule and place in the code
    (a server meets the same bug on every request, and its log must not fill with it). One per Inspector."""

    def __init__(self) -> None:
        self._logged: set[tuple[str, str, int]] = set()

    def __call__(self, violation: Violation) -> None:
        location = violation.location
        if location is not None:
            place = (violation.rule_id, location.file, location.line)
            if place in self._logged:
                return
            if len(self._logged) >= MAX_LOGGED_PLACES:
                self._logged.clear()
            self._logged.add(place)
        log_violation(violation, once=location is not None)


def log_violation(violation: Violation, *, once: bool = False) -> None:
    """Log one finding: rule id, severity, connection, message and where it was made, on one line."""
    level = _LEVELS.get(violation.severity, logging.WARNING)
    if not LOGGER.isEnabledFor(level):
        return
    location = violation.location
    where = f" (at {location}{'; logged once for this place' if once else ''})" if location is not None else ""
    # the label and message quote what the client sent (its path, its headers): one line, whatever it sent
    LOGGER.log(level, "%s", one_line(f"{violation.rule_id} [{violation.severity.value}] "
                                     f"{violation.scope_label or violation.scope_type}: {violation.message}{where}"))
