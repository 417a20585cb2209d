"""Rule selection: turn a profile and filters into the one frozenset of enabled rule ids.

Config files, CLI flags and ``Inspector`` keyword arguments all end up here, so the three agree by construction.
The result is computed once per Inspector; disabled rules then cost nothing at run time.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from asgion_core.rules import Rule, RuleRegistry, Severity

__all__ = ["BUILTIN_PROFILES", "Profile", "SelectionError", "match_rules", "select_rules"]


class SelectionError(ValueError):
    """A rule pattern, profile or category the registry cannot make sense of."""


@dataclass(frozen=True)
class Profile:
    """A named starting point for selection; user profiles may also carry filters of their own."""

    name: str
    description: str
    #: "all" (every rule that can fire), "default" (rules on by default) or the name of a profile to extend.
    base: str = "recommended"
    min_severity: Severity | None = None
    categories: tuple[str, ...] = ()
    include_rules: tuple[str, ...] = ()
    exclude_rules: tuple[str, ...] = field(default=())


BUILTIN_PROFILES: dict[str, Profile] = {
    "strict": Profile("strict", "every rule that can fire, preview rules included", base="all"),
    "recommended": Profile("recommended", "the rules that are on by default", base="default"),
    "minimal": Profile("minimal", "default rules of severity error only", base="default", min_severity=Severity.ERROR),
}

_ID = re.compile(r"^[A-Z]+-\d+$")
_PREFIX = re.compile(r"^[A-Z]+$")


def match_rules(pattern: str, registry: RuleRegistry) -> list[Rule]:
    """Rules a pattern names: an exact id (``HF-002``), a prefix (``HF``), a glob (``SEM-0*``) or a rule name.

    An exact id whose prefix belongs to a loaded plugin but that no plugin registered is a typo and raises;
    an id of a plugin that is not loaded matches nothing quietly, so one config serves every plugin set.
    """
    text = pattern.strip()
    upper = text.upper()
    if any(ch in text for ch in "*?["):
        return [r for r in registry if fnmatch.fnmatchcase(r.id, upper) or fnmatch.fnmatchcase(r.name, text)]
    if _ID.match(upper):
        rule = registry.get(upper)
        if rule is None and registry.owner_of_prefix(upper.split("-")[0]) is not None:
            raise SelectionError(f"unknown rule id {text!r}")
        return [rule] if rule else []
    if _PREFIX.match(upper) and registry.owner_of_prefix(upper) is not None:
        return [r for r in registry if r.prefix == upper]
    named = [r for r in registry if r.name == text]
    if named or _PREFIX.match(upper):
        return named
    raise SelectionError(f"rule pattern {text!r} matches no rule id, prefix or name")


def select_rules(
    registry: RuleRegistry,
    *,
    profile: str = "recommended",
    profiles: Mapping[str, Profile] | None = None,
    min_severity: Severity | str | None = None,
    categories: Iterable[str] = (),
    include_rules: Iterable[str] = (),
    exclude_rules: Iterable[str] = (),
    select: Iterable[str] = (),
) -> frozenset[str]:
    """Compute the enabled rule ids.

    Order: the profile's base set, then its own and the given ``include_rules`` are added, ``categories`` (layer
    prefixes such as ``http`` or ``http.fsm``) and ``min_severity`` narrow it, and ``exclude_rules`` remove.
    ``select``, when given, replaces the profile and includes with exactly the rules it names (preview rules
    included); the other filters still narrow that. Retired rules never end up enabled.
    """
    known = {**BUILTIN_PROFILES, **(profiles or {})}
    chain = _resolve(profile, known)
    base = chain[-1].base
    if base == "all":
        enabled = {r.id for r in registry if r.can_fire}
    else:
        enabled = {r.id for r in registry if r.can_fire and r.default_enabled}
    includes = [p for prof in chain for p in prof.include_rules] + list(include_rules)
    excludes = [p for prof in chain for p in prof.exclude_rules] + list(exclude_rules)
    cats = list(categories) or [c for prof in chain for c in prof.categories]
    floor = Severity.parse(min_severity) if min_severity is not None else _floor(chain)
    for pattern in includes:
        enabled.update(r.id for r in match_rules(pattern, registry) if r.can_fire)
    only = list(select)
    if only:
        enabled = set()
        for pattern in only:
            matched = match_rules(pattern, registry)
            if not matched:  # an explicit selection that selects nothing would let every app pass
                raise SelectionError(f"select pattern {pattern!r} matches no rule{_suggest(pattern, registry)}")
            enabled.update(r.id for r in matched if r.can_fire)
    if cats:
        layers = {part for r in registry for part in _layer_prefixes(r.layer)}
        for category in cats:
            if category not in layers:
                guess = difflib.get_close_matches(category, sorted(layers), n=1)
                hint = f" (did you mean {guess[0]!r}?)" if guess else f" (layers: {', '.join(sorted(layers))})"
                raise SelectionError(f"category {category!r} matches no rule's layer{hint}")
        enabled = {i for i in enabled if _in_categories(registry[i].layer, cats)}
    if floor is not None:
        enabled = {i for i in enabled if registry[i].severity.rank >= floor.rank}
    for pattern in excludes:
        enabled.difference_update(r.id for r in match_rules(pattern, registry))
    return frozenset(enabled)


def _layer_prefixes(layer: str) -> list[str]:
    """``http.fsm`` -> ``["http", "http.fsm"]``: a category names a layer or any of its parents."""
    parts = layer.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))] if layer else []


def _suggest(pattern: str, registry: RuleRegistry) -> str:
    words = sorted({r.id for r in registry} | {r.prefix for r in registry} | {r.name for r in registry})
    guess = difflib.get_close_matches(pattern.strip().upper(), words, n=1, cutoff=0.5) or difflib.get_close_matches(
        pattern.strip(), words, n=1)
    return f" (did you mean {guess[0]!r}?)" if guess else ""


def _in_categories(layer: str, categories: list[str]) -> bool:
    return any(layer == c or layer.startswith(c + ".") for c in categories)


def _floor(chain: list[Profile]) -> Severity | None:
    for prof in chain:
        if prof.min_severity is not None:
            return prof.min_severity
    return None


def _resolve(name: str, known: Mapping[str, Profile]) -> list[Profile]:
    """The profile and the profiles it extends, nearest first; the last one's base is "all" or "default"."""
    chain: list[Profile] = []
    current = name
    while current not in _ROOTS:
        prof = known.get(current)
        if prof is None:
            raise SelectionError(f"unknown profile {current!r} (known: {', '.join(sorted(known))})")
        if prof in chain:
            raise SelectionError(f"profile {name!r} extends itself")
        chain.append(prof)
        current = prof.base
    return chain


_ROOTS = ("all", "default")
