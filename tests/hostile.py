"""Hostile objects: values whose dunder methods raise, and subclasses of the types ASGI messages hold.

An app (or a server) can hand asgion anything. These objects raise from the methods asgion's code is most likely
to call on a value (truth, hash, equality, text, length, iteration, item access), so a test that passes them in
shows that asgion never lets such an exception escape and never changes what passes through.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

__all__ = ["HOSTILE_KINDS", "Boom", "hostile", "hostile_dict", "hostile_values", "make"]


class Boom(Exception):
    """What every hostile method raises (never caught by asgion's ``except (KeyError, TypeError)`` style code)."""


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise Boom("hostile")


class RaisingBool:
    __bool__ = _boom


class RaisingHash:
    __hash__ = _boom  # type: ignore[assignment]
    __eq__ = _boom  # type: ignore[assignment]


class RaisingText:
    __str__ = _boom
    __repr__ = _boom
    __format__ = _boom


class HostileStr(str):
    __hash__ = _boom  # type: ignore[assignment]
    __eq__ = _boom  # type: ignore[assignment]
    __str__ = _boom
    __repr__ = _boom
    __format__ = _boom
    __bool__ = _boom
    lower = _boom
    encode = _boom
    startswith = _boom
    partition = _boom


class HostileBytes(bytes):
    __hash__ = _boom  # type: ignore[assignment]
    __eq__ = _boom  # type: ignore[assignment]
    __repr__ = _boom
    __bool__ = _boom
    lower = _boom
    decode = _boom
    strip = _boom
    startswith = _boom


class HostileInt(int):
    __hash__ = _boom  # type: ignore[assignment]
    __eq__ = _boom  # type: ignore[assignment]
    __lt__ = _boom  # type: ignore[assignment]
    __le__ = _boom  # type: ignore[assignment]
    __gt__ = _boom  # type: ignore[assignment]
    __ge__ = _boom  # type: ignore[assignment]
    __bool__ = _boom
    __repr__ = _boom
    __str__ = _boom
    __index__ = _boom
    __format__ = _boom


class HostileDict(dict):  # type: ignore[type-arg]
    get = _boom
    __getitem__ = _boom
    items = _boom
    keys = _boom
    values = _boom
    __iter__ = _boom
    __contains__ = _boom
    __len__ = _boom
    copy = _boom
    __repr__ = _boom
    __eq__ = _boom  # type: ignore[assignment]


class HostileList(list):  # type: ignore[type-arg]
    __iter__ = _boom
    __len__ = _boom
    __getitem__ = _boom
    __repr__ = _boom
    __eq__ = _boom  # type: ignore[assignment]
    __bool__ = _boom


class HostileException(Exception):
    """An exception whose text cannot be made (``str`` raises; a raising ``__repr__`` would break asyncio itself)."""

    __str__ = _boom


HOSTILE_KINDS = ["bool", "hash", "text", "str", "bytes", "int", "dict", "list"]


def make(kind: str, like: Any = "x") -> Any:
    """A hostile object of ``kind``; ``like`` seeds the subclasses' value."""
    if kind == "bool":
        return RaisingBool()
    if kind == "hash":
        return RaisingHash()
    if kind == "text":
        return RaisingText()
    if kind == "str":
        return HostileStr(like if isinstance(like, str) else "x")
    if kind == "bytes":
        return HostileBytes(like if isinstance(like, bytes) else b"x")
    if kind == "int":
        return HostileInt(like if isinstance(like, int) else 200)
    if kind == "dict":
        return hostile_dict(like if isinstance(like, dict) else {"type": "x"})
    if kind == "list":
        return HostileList(like if isinstance(like, list) else [b"x"])
    raise ValueError(kind)


def hostile_dict(contents: dict[Any, Any]) -> HostileDict:
    """A dict subclass holding ``contents`` whose own methods all raise."""
    out = HostileDict()
    for key, value in contents.items():
        dict.__setitem__(out, key, value)
    return out


def hostile(like: Any = "x") -> st.SearchStrategy[Any]:
    return st.sampled_from(HOSTILE_KINDS).map(lambda kind: make(kind, like))


#: Plain values mixed with hostile ones, as message fields.
hostile_values = st.one_of(hostile("x"), hostile(b"body"), hostile(200), hostile(True),
                           st.builds(lambda k: [(b"x-h", make(k, b"v"))], st.sampled_from(HOSTILE_KINDS)),
                           st.builds(lambda k: [make(k, b"x-h")], st.sampled_from(HOSTILE_KINDS)))
