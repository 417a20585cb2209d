"""The result of a run: per-scope outcomes and their violations, in a shape every reporter can render."""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from asgion_core.location import DEFAULT_BLAME, Blame, find_raise_site
from asgion_core.rules import Rule, Severity
from asgion_core.safe_text import describe_exception, exception_message, exception_type, format_traceback
from asgion_core.violation import SourceLocation, Violation

__all__ = ["AppException", "InternalError", "Report", "ReportOptions", "Reporter", "ScopeResult"]


@dataclass(frozen=True, slots=True)
class AppException:
    """An exception that ended an app call, kept as text so reports never hold live frames."""

    type: str
    message: str
    location: SourceLocation | None
    traceback: str

    @classmethod
    def from_exception(cls, exc: BaseException, blame: Blame = DEFAULT_BLAME) -> AppException:
        """Never raises, whatever the exception's ``__str__`` does; message and traceback are clipped, and the
        location is the innermost frame of the user's own code (as G-021 reports it)."""
        return cls(exception_type(exc), exception_message(exc), find_raise_site(exc, blame), format_traceback(exc))

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "message": self.message,
            "location": self.location.to_dict() if self.location else None,
        }


@dataclass(frozen=True, slots=True)
class InternalError:
    """A check, plugin or callback that raised. Recorded once per culprit; it never reaches the app.

    ``at`` is the innermost frame of what raised (``file:line in function``): enough to find the bug, without
    keeping the traceback object alive.
    """

    plugin: str
    where: str
    error: str
    at: str = ""

    @classmethod
    def from_exception(cls, plugin: str, where: str, exc: BaseException, prefix: str = "") -> InternalError:
        at = ""
        try:
            frames = traceback.extract_tb(exc.__traceback__)
            if frames:
                at = f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}"
        except Exception:
            at = ""
        return cls(plugin, where, prefix + describe_exception(exc), at)

    def __str__(self) -> str:
        return f"{self.plugin}: {self.where}: {self.error}" + (f" (at {self.at})" if self.at else "")

    def to_dict(self) -> dict[str, str]:
        return {"plugin": self.plugin, "where": self.where, "error": self.error, "at": self.at}


@dataclass
class ScopeResult:
    """One driven or observed connection: what it was, what broke, and how it ended."""

    label: str
    scope_type: str
    path: str = ""
    method: str = ""
    violations: list[Violation] = field(default_factory=list)
    #: Occurrences beyond the per-rule cap, counted instead of kept.
    suppressed: dict[str, int] = field(default_factory=dict)
    exception: AppException | None = None
    cancelled: bool = False
    timed_out: bool = False
    #: What the protocol reports as the connection's status (an HTTP response's status code), if any.
    status: int | None = None
    duration_ns: int = 0
    notes: list[str] = field(default_factory=list)
    #: What the protocol tells of the connection (response headers, body size), when the Inspector was asked to
    #: keep details (``asgion check -v``); header values of secret names are redacted.
    details: dict[str, Any] = field(default_factory=dict)
    #: The id of the connection's trace record, when it was traced (what pairs a HAR entry with its findings).
    trace_id: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.violations) or self.exception is not None or self.timed_out

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scope_type": self.scope_type,
            "path": self.path,
            "method": self.method,
            "violations": [v.to_dict() for v in self.violations],
            "suppressed": dict(self.suppressed),
            "exception": self.exception.to_dict() if self.exception else None,
            "cancelled": self.cancelled,
            "timed_out": self.timed_out,
            "status": self.status,
            "duration_ms": round(self.duration_ns / 1e6, 3),
            "notes": list(self.notes),
            **({"details": self.details} if self.details else {}),
        }


@dataclass(frozen=True)
class ReportOptions:
    """How a reporter should render: colours, the project root for relative paths, and for human-readable
    reporters the line width (None: do not wrap), per-scope details (``-v``) and counts per rule instead of the
    findings (``--statistics``)."""

    color: bool = False
    root: str = "."
    width: int | None = None
    verbose: bool = False
    statistics: bool = False


@dataclass
class Report:
    """Everything a reporter needs about one run."""

    app: str
    results: list[ScopeResult] = field(default_factory=list)
    internal_errors: list[InternalError] = field(default_factory=list)
    plugin_errors: list[str] = field(default_factory=list)
    #: Run-level remarks (for example "lifespan unsupported").
    notes: list[str] = field(default_factory=list)
    elapsed_ns: int = 0
    #: The rules that fired, by id (reporters that describe rules, like SARIF, use them).
    rules: dict[str, Rule] = field(default_factory=dict)
    #: The file that defines the app, for findings without a source location of their own.
    app_source: str | None = None
    #: When the run started, as an aware datetime (JUnit timestamps).
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: Why lifespan startup failed (its ``lifespan.startup.failed`` message, or a sentence), when it did: the run
    #: then made no connection, and CI reports show it as an error.
    startup_failure: str | None = None
    #: The rule profile the run used, for report metadata.
    profile: str = ""
    #: The config file the run read, if any (SARIF places results that have no location of their own there).
    config_source: str | None = None
    #: The distribution (name, version) that brought each fired rule, for rules of third-party plugins (SARIF
    #: lists them as tool extensions); rules of asgion itself are not listed.
    rule_distributions: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def violations(self) -> list[Violation]:
        return [v for r in self.results for v in r.violations]

    def severity_counts(self) -> dict[str, int]:
        counts = Counter(v.severity.value for v in self.violations)
        return {s.value: counts.get(s.value, 0) for s in Severity}

    def aggregated(self) -> list[dict[str, Any]]:
        """Violations grouped by rule, message and location, with a count and the paths they occurred on."""
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        for result in self.results:
            for v in result.violations:
                key = (v.rule_id, v.message, v.location)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = {**v.to_dict(), "count": 0, "paths": []}
                    del group["path"], group["method"], group["scope"]
                group["count"] += 1
                if v.path and v.path not in group["paths"]:
                    group["paths"].append(v.path)
            for rule_id, extra in result.suppressed.items():
                for group in groups.values():
                    if group["rule_id"] == rule_id:
                        group["count"] += extra
                        break
        order = {s.value: s.rank for s in Severity}
        return sorted(groups.values(), key=lambda g: (-order[g["severity"]], g["rule_id"]))

    def keep_owners(self, owners: Collection[str]) -> int:
        """Drop the findings whose owner (app, framework, server) is not in ``owners``; how many were dropped."""
        dropped = 0
        for result in self.results:
            kept = [v for v in result.violations if v.owner in owners]
            dropped += len(result.violations) - len(kept)
            if len(kept) != len(result.violations):
                result.violations = kept
                result.suppressed = {rid: n for rid, n in result.suppressed.items()
                                     if any(v.rule_id == rid for v in kept)}
        return dropped

    def rule_counts(self) -> list[tuple[str, int]]:
        """Occurrences per rule (suppressed ones included), most frequent first."""
        counts: Counter[str] = Counter()
        for result in self.results:
            counts.update(v.rule_id for v in result.violations)
            counts.update(result.suppressed)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    @property
    def exceptions(self) -> list[ScopeResult]:
        return [r for r in self.results if r.exception is not None]

    @property
    def timeouts(self) -> list[ScopeResult]:
        return [r for r in self.results if r.timed_out]


class Reporter(Protocol):
    """What a reporter plugin registers under a format name."""

    description: str

    def render(self, report: Report, options: ReportOptions) -> str:
        """The whole report as text (written to stdout or the ``--out`` file)."""
        ...
