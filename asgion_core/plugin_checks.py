"""What a plugin hands the core, checked before it is used: hook names, hook arguments and the checks it returns.

A mistake in one plugin (a misspelled hook, a hook taking the wrong arguments, a check with a bad direction,
rules given as one string, a misspelled message type) becomes one plain sentence about that plugin; the plugin's
valid parts are still used, and no other plugin and no app call is affected.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import pluggy

from asgion_core.checks import EndCheck, EventCheck, ExpressCheck, ScopeCheck
from asgion_core.fsm import StateMachine

__all__ = ["HOOK_PREFIX", "argument_problem", "misspelled_hooks", "valid_checks"]

HOOK_PREFIX = "asgion_"
_DIRECTIONS = ("send", "receive")


def misspelled_hooks(plugin: object, known: Iterable[str]) -> list[str]:
    """The ``asgion_*`` hook implementations of ``plugin`` that name no hook, each with a suggestion."""
    hooks = sorted(known)
    problems = []
    for attribute in dir(plugin):
        if not attribute.startswith(HOOK_PREFIX) or attribute in hooks:
            continue
        try:
            marked = getattr(getattr(plugin, attribute), "asgion_impl", None) is not None
        except Exception:
            continue
        if marked:
            guess = difflib.get_close_matches(attribute, hooks, n=1)
            hint = f" (did you mean {guess[0]}?)" if guess else f" (hooks: {', '.join(hooks)})"
            problems.append(f"{attribute} is no asgion hook, so it is never called{hint}")
    return problems


def argument_problem(error: pluggy.PluginValidationError) -> str:
    """pluggy's multi-line validation message as one sentence, with what the hookspec expects."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    definition = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("hookimpl definition")), "")
    hook = definition.split("(", 1)[0]
    reason = lines[-1] if lines else str(error)
    if hook:
        return f"its {definition} does not match the hookspec ({reason})"
    return reason


def valid_checks(hook: str, answer: Any, kinds: tuple[type[Any], ...],
                 machine: StateMachine) -> tuple[list[Any], list[str]]:
    """The checks of one plugin's answer to ``hook`` that can be used, and what is wrong with the rest."""
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (list, tuple)):
        return [], [f"{hook} returned {type(answer).__name__}, not a list of checks"]
    kept, problems = [], []
    for check in answer:
        problem = _check_problem(check, kinds, machine)
        if problem is None:
            kept.append(check)
        elif problem.startswith("note:"):
            kept.append(check)
            problems.append(f"{hook}: {problem[5:]}")
        else:
            problems.append(f"{hook}: {problem}; the check is not used")
    return kept, problems


def _check_problem(check: Any, kinds: tuple[type[Any], ...], machine: StateMachine) -> str | None:
    if not isinstance(check, kinds):
        return f"{check!r:.80} is a {type(check).__name__}, not one of {', '.join(k.__name__ for k in kinds)}"
    name = getattr(check.func, "__qualname__", repr(check.func))
    if not callable(check.func):
        return f"the check's func {name} is not callable"
    if isinstance(check, (ScopeCheck, EventCheck, EndCheck)):
        rules = check.rules
        if isinstance(rules, str) or not isinstance(rules, (tuple, list)) or not all(
                isinstance(r, str) for r in rules):
            return f"{name} declares rules={rules!r:.60}: give a tuple of rule ids, e.g. ({rules!r:.20},)"
    if isinstance(check, (EventCheck, ExpressCheck)) and check.direction not in _DIRECTIONS:
        return f"{name} has direction {check.direction!r}: use 'send' or 'receive'"
    if isinstance(check, EventCheck) and check.types is not None:
        types = check.types
        if isinstance(types, str) or not all(isinstance(t, str) for t in types):
            return f"{name} declares types={types!r:.60}: give a tuple of message types"
        known = machine.send_types if check.direction == "send" else machine.receive_types
        for message_type in types:
            if message_type not in known:
                guess = difflib.get_close_matches(message_type, sorted(known), n=1, cutoff=0.8)
                if guess:
                    return (f"note:{name} names message type {message_type!r}, which the {machine.scope_type} "
                            f"protocol does not define for {check.direction} (did you mean {guess[0]!r}?)")
    return None
