"""The findings of ``app = inspect(app)`` under a real server, as records of the ``asgion`` logger.

A server shows its log and nothing else, so the middleware form logs each finding by default: errors and warnings
reach the terminal even when nobody configured logging (Python's last-resort handler prints them), info and perf
findings only when the ``asgion`` logger is set to INFO or DEBUG.
"""

from __future__ import annotations

import logging

from asgion_core.rules import Severity
from asgion_core.safe_text import one_line
from asgion_core.violation import Violation

__all__ = ["LOGGER", "log_violation"]

LOGGER = logging.getLogger("asgion")
_LEVELS = {Severity.ERROR: logging.ERROR, Severity.WARNING: logging.WARNING, Severity.INFO: logging.INFO,
           Severity.PERF: logging.DEBUG}


def log_violation(violation: Violation) -> None:
    """Log one finding: rule id, severity, connection, message and where it was made, on one line."""
    level = _LEVELS.get(violation.severity, logging.WARNING)
    if not LOGGER.isEnabledFor(level):
        return
    where = f" (at {violation.location})" if violation.location is not None else ""
    # the label and message quote what the client sent (its path, its headers): one line, whatever it sent
    LOGGER.log(level, "%s", one_line(f"{violation.rule_id} [{violation.severity.value}] "
                                     f"{violation.scope_label or violation.scope_type}: {violation.message}{where}"))
