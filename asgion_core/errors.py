"""Exceptions the inspector raises on purpose."""

from __future__ import annotations

from asgion_core.violation import Violation

__all__ = ["ASGIProtocolError"]


class ASGIProtocolError(Exception):
    """Raised in strict mode when a connection broke rules and the app itself did not raise."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = [f"{v.rule_id} [{v.severity}] {v.message}" for v in violations[:10]]
        more = f"\n... and {len(violations) - 10} more" if len(violations) > 10 else ""
        super().__init__(f"{len(violations)} ASGI protocol violation(s):\n" + "\n".join(lines) + more)
