"""Shape tests shared by every protocol plugin, written once so all plugins agree on what they mean.

Checks never consume one-shot iterators (B2): for a value that is its own iterator, only iterability is tested.
"""

from __future__ import annotations

from typing import Any

__all__ = ["is_one_shot", "iterable"]


def iterable(value: Any) -> bool:
    """Whether ``iter()`` accepts the value."""
    try:
        iter(value)
    except TypeError:
        return False
    return True


def is_one_shot(value: Any) -> bool:
    """A value that is its own iterator (a generator): its items must not be inspected."""
    try:
        return iter(value) is value
    except TypeError:
        return False
