"""A bounded walk over the values inside a message: each container once, to a fixed depth and size.

A message may hold anything an app builds: shared sub-structure (``x = [x, x]`` twenty times is 2^20 paths but
21 objects), a list that contains itself, a million items, or subclasses whose methods raise. The walk visits each
container once (by identity), stops descending below :data:`MAX_DEPTH` levels, stops after :data:`MAX_NODES`
values, and reads containers only with the built-in types' own methods (``dict.items(d)``, not ``d.items()``), so
what a subclass overrides is never called. The work per message is therefore at most ``MAX_NODES`` steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_NODES", "PLAIN_TYPES", "Visit", "WalkResult", "children", "first_foreign", "walk"]

#: Containers nested deeper than this are not looked into (G-014 reports them).
MAX_DEPTH = 32
#: Values visited per walk at most; a message holding more is reported (G-014) and the rest not inspected.
MAX_NODES = 10_000
#: The exact types a message may hold; anything else, subclasses included, is foreign to :func:`first_foreign`.
PLAIN_TYPES = frozenset({bytes, str, int, float, bool, type(None), list, tuple, dict})

#: Called for every value reached: ``visit(value, depth, where)``; ``where`` is a path like ``['headers'][0]``.
Visit = Callable[[Any, int, str], None]


@dataclass(slots=True)
class WalkResult:
    """What a walk ended with: values visited, and why it stopped early (if it did)."""

    visited: int = 0
    #: Where a container was nested deeper than MAX_DEPTH (the first such place).
    too_deep: str | None = None
    #: Where a container was found inside itself (the first such place).
    cycle: str | None = None
    #: Whether the walk stopped at MAX_NODES.
    truncated: bool = False


def children(value: Any, where: str) -> Iterator[tuple[Any, str, Any]]:
    """``(child, path, key)`` for each item of a dict, list or tuple (``key`` is None for sequences), read with the
    built-in type's methods so a subclass's overrides are never called."""
    if isinstance(value, dict):
        for key, item in dict.items(value):
            yield item, f"{where}[{_key_text(key)}]", key
    elif isinstance(value, list):
        for index, item in enumerate(list.__iter__(value)):
            yield item, f"{where}[{index}]", None
    else:
        for index, item in enumerate(tuple.__iter__(value)):
            yield item, f"{where}[{index}]", None


def walk(roots: Iterable[tuple[Any, str]], visit: Visit, *, depth: int = 1, max_depth: int = MAX_DEPTH,
         max_nodes: int = MAX_NODES) -> WalkResult:
    """Visit each ``(value, where)`` of ``roots`` (at ``depth``) and every value inside them once, depth first,
    within the budgets.

    The walk is iterative; a container is entered once however often it is referenced, and a container found
    inside itself is recorded as a cycle instead of being entered again.
    """
    result = WalkResult()
    entered: set[int] = set()
    # (value, depth, where, ancestors): ancestors are the ids of the containers on the path, for cycles
    stack: list[tuple[Any, int, str, frozenset[int]]] = [(value, depth, where, frozenset())
                                                         for value, where in reversed(list(roots))]
    while stack:
        value, depth, path, ancestors = stack.pop()
        if result.visited >= max_nodes:
            result.truncated = True
            break
        result.visited += 1
        visit(value, depth, path)
        if not isinstance(value, (dict, list, tuple)):
            continue
        ident = id(value)
        if ident in ancestors:
            result.cycle = result.cycle or path
            continue
        if ident in entered:
            continue  # shared sub-structure: walked once already
        if depth > max_depth:
            result.too_deep = result.too_deep or path
            continue
        entered.add(ident)
        inner = ancestors | {ident}
        items = list(islice(children(value, path), max_nodes - result.visited + 1))
        stack.extend((child, depth + 1, child_path, inner) for child, child_path, _ in reversed(items))
    return result


def first_foreign(root: Any, where: str = "") -> str | None:
    """The path of the first value inside ``root`` whose type is not exactly a plain message type (a subclass or
    another object), within the walk's budgets; None when every value reached is plain."""
    found: list[str] = []

    def visit(value: Any, depth: int, path: str) -> None:
        if not found and type(value) not in PLAIN_TYPES:
            found.append(f"{path} ({type(value).__name__})")
        if isinstance(value, dict) and not found:
            for key in dict.keys(value):
                if type(key) not in PLAIN_TYPES:
                    found.append(f"{path} key ({type(key).__name__})")
                    break

    walk([(root, where)], visit)
    return found[0] if found else None


def _key_text(key: Any) -> str:
    if type(key) is str or type(key) is int:
        return repr(key)
    return f"<{type(key).__name__}>"
