"""What a finding looks like once it leaves a check: an immutable, serialisable record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgion_core.rules import Severity

__all__ = ["OWNERS", "SourceLocation", "Violation"]

#: Whose code a finding is, in the order reports list them.
OWNERS = ("app", "framework", "server")


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where the app called ``send`` with the offending message (only computed when a rule fires)."""

    file: str
    line: int
    function: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} in {self.function}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "function": self.function}


@dataclass(frozen=True, slots=True)
class Violation:
    """One occurrence of a rule on one connection.

    The first seven fields keep asgion 0.6.1's public shape; the rest are additions. ``side`` is the rule's
    (which party the rule judges); ``owner`` is whose code this occurrence is: ``app`` (the user's own code),
    ``framework`` (the send happened in an installed package) or ``server`` (the server or client broke the
    protocol). ``location`` is in the user's code where possible; ``sent_from`` is the framework frame that made
    the send when ``location`` is the route's endpoint instead.
    """

    rule_id: str
    severity: Severity
    message: str
    hint: str = ""
    scope_type: str = ""
    path: str = ""
    method: str = ""
    side: str = "app"
    layer: str = ""
    location: SourceLocation | None = None
    scope_label: str = ""
    owner: str = "app"
    sent_from: SourceLocation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "scope_type": self.scope_type,
            "path": self.path,
            "method": self.method,
            "side": self.side,
            "layer": self.layer,
            "location": self.location.to_dict() if self.location else None,
            "scope": self.scope_label,
            "owner": self.owner,
            "sent_from": self.sent_from.to_dict() if self.sent_from else None,
        }
