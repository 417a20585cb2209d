"""The rule model: what a rule is, how severe it is, and the registry that keeps ids unique.

A rule is frozen data. Ids are public API (users name them in config files), so the registry refuses a duplicate id
and refuses a prefix claimed by two plugins: two plugins can never silently fight over what ``HF-002`` means.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["LAYER_SCOPE_TYPES", "Rule", "RuleError", "RuleRegistrar", "RuleRegistry", "Severity"]


class Severity(enum.Enum):
    """How bad a finding is; ``error`` > ``warning`` > ``info`` > ``perf``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    PERF = "perf"

    @property
    def rank(self) -> int:
        """Higher is more severe, so ``min_severity`` is a simple comparison."""
        return _RANKS[self]

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """Accept a member or its name in any case; raise ``ValueError`` naming the valid choices."""
        if isinstance(value, Severity):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (choose from {choices})") from None

    def __str__(self) -> str:
        return self.value


_RANKS = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1, Severity.PERF: 0}

#: The scope types a layer's rules apply to; a layer's first word names its protocol.
LAYER_SCOPE_TYPES = {"http": ("http",), "ws": ("websocket",), "lifespan": ("lifespan",), "general": ()}

STATUSES = frozenset({"stable", "changed", "new", "retired", "preview"})
SIDES = frozenset({"app", "server", "either"})


class RuleError(ValueError):
    """A plugin tried to register a rule the registry cannot accept."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One check's identity and documentation. ``summary`` says exactly when it fires; ``hint`` how to fix it."""

    id: str
    name: str
    severity: Severity
    layer: str
    side: str = "app"
    status: str = "new"
    default_enabled: bool = True
    summary: str = ""
    hint: str = ""
    explanation: str = ""
    #: How the rule differs from asgion 0.6.1's rule of the same id (docs/rules.md lists these; reports do not).
    changes: str = ""
    #: Empty means: the scope types of the layer's protocol, or every scope type for ``general``.
    scope_types: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if "-" not in self.id or not self.id.split("-", 1)[1].isdigit():
            raise RuleError(f"rule id {self.id!r} is not PREFIX-NNN")
        if self.status not in STATUSES:
            raise RuleError(f"rule {self.id}: unknown status {self.status!r}")
        if self.side not in SIDES:
            raise RuleError(f"rule {self.id}: unknown side {self.side!r}")

    @property
    def prefix(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def can_fire(self) -> bool:
        """Retired rules stay registered so old configs load, but never report anything."""
        return self.status != "retired"


class RuleRegistry:
    """Every rule the loaded plugins know, keyed by id, with the plugin that owns each prefix."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self._owners: dict[str, str] = {}
        self._rule_plugin: dict[str, str] = {}

    def register(self, rule: Rule, plugin: str) -> None:
        """Add ``rule`` on behalf of ``plugin``; a taken id or a prefix owned by another plugin is refused."""
        if rule.id in self._rules:
            raise RuleError(f"rule id {rule.id} registered twice (by {self._rule_plugin[rule.id]!r} and {plugin!r})")
        owner = self._owners.setdefault(rule.prefix, plugin)
        if owner != plugin:
            raise RuleError(f"rule prefix {rule.prefix!r} of {rule.id} belongs to plugin {owner!r}, not {plugin!r}")
        self._rules[rule.id] = rule
        self._rule_plugin[rule.id] = plugin

    def plugin_of(self, rule_id: str) -> str:
        return self._rule_plugin[rule_id]

    def owner_of_prefix(self, prefix: str) -> str | None:
        return self._owners.get(prefix)

    def get(self, rule_id: str) -> Rule | None:
        return self._rules.get(rule_id)

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=_sort_key))

    def __len__(self) -> int:
        return len(self._rules)

    def by_plugin(self, plugin: str) -> list[Rule]:
        return [r for r in self if self._rule_plugin[r.id] == plugin]


def _sort_key(rule: Rule) -> tuple[str, int]:
    prefix, number = rule.id.split("-", 1)
    return prefix, int(number)


class RuleRegistrar(Protocol):
    """What ``asgion_register_rules`` receives: the registry as seen by one plugin."""

    def register(self, rule: Rule) -> None:
        """Add ``rule``; raises :class:`RuleError` for a taken id or a prefix another plugin owns."""
        ...

    def __contains__(self, rule_id: object) -> bool: ...
