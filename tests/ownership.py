"""Which rule ids a check function may report, read from the source of the plugin modules.

A function may report the rule ids written as string literals in its own body, and what every definition it
names may report: module-level constants, functions it calls, classes (all their methods), followed across
modules through their imports. Closures are part of the function that makes them. This over-approximates "may
report" on purpose: a rule id that is only passed along counts for the function that writes it, which is the
check that owns it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Callable
from functools import cache
from typing import Any

RULE_ID = re.compile(r"^[A-Z]{1,3}-\d{3}$")
#: The packages whose functions are followed; anything else (the standard library, the core's helpers that take
#: rule ids as arguments) is a leaf.
FOLLOWED = ("asgion_core", "asgion_http", "asgion_websocket", "asgion_lifespan")


def _ids_in(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and RULE_ID.match(n.value)}


@cache
def _module_tree(name: str) -> tuple[ast.Module, dict[str, ast.AST], dict[str, str]]:
    """The module's AST, its top-level definitions by name, and its imports (local name -> dotted target)."""
    module = importlib.import_module(name)
    tree = ast.parse(inspect.getsource(module))
    defs: dict[str, ast.AST] = {}
    imports: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    defs[target.id] = node
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imports[alias.asname or alias.name] = alias.name
    return tree, defs, imports


def _resolve(dotted: str) -> tuple[str, str] | None:
    """``asgion_http.response.on_body`` -> (module, name), when it names a followed definition."""
    if not dotted.startswith(FOLLOWED):
        return None
    module, _, name = dotted.rpartition(".")
    try:
        importlib.import_module(module)
    except ImportError:
        return None
    return module, name


def reported_by(module: str, name: str) -> frozenset[str]:
    return frozenset(_reported(module, name, frozenset()))


def _reported(module: str, name: str, seen: frozenset[tuple[str, str]]) -> set[str]:
    if (module, name) in seen:
        return set()
    seen = seen | {(module, name)}
    try:
        _, defs, imports = _module_tree(module)
    except (ImportError, OSError, TypeError):
        return set()
    node = defs.get(name)
    if node is None:
        target = imports.get(name)
        resolved = _resolve(target) if target else None
        return _reported(*resolved, seen) if resolved else set()
    found = _ids_in(node)
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id != name:
            if sub.id in defs:
                found |= _reported(module, sub.id, seen)
            elif sub.id in imports:
                resolved = _resolve(imports[sub.id])
                if resolved:
                    found |= _reported(*resolved, seen)
        elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id in imports:
            resolved = _resolve(f"{imports[sub.value.id]}.{sub.attr}")
            if resolved:
                found |= _reported(*resolved, seen)
    return found


def is_readable(module: str, name: str) -> bool:
    """Whether ``name`` is a top-level function or class of ``module``, so its source can be read."""
    try:
        node = _module_tree(module)[1].get(name)
    except (ImportError, OSError, TypeError):
        return False
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))


def check_source(func: Callable[..., Any]) -> tuple[str, str]:
    """The module and top-level name that define ``func`` (a closure counts as the function that makes it)."""
    qualname = func.__qualname__.split(".<locals>.")[0]
    return func.__module__, qualname.split(".")[0]
