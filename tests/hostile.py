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


def _raising(name: str, base: type, *methods: str) -> Any:
    """A subclass of ``base`` whose ``methods`` all raise Boom."""
    return type(name, (base,), {method: _boom for method in methods})


_COMPARE = ("__hash__", "__eq__", "__repr__", "__bool__")
HostileStr = _raising("HostileStr", str, *_COMPARE, "__str__", "__format__", "lower", "encode", "startswith",
                      "partition")
HostileBytes = _raising("HostileBytes", bytes, *_COMPARE, "lower", "decode", "strip", "startswith")
HostileInt = _raising("HostileInt", int, *_COMPARE, "__lt__", "__le__", "__gt__", "__ge__", "__str__",
                      "__index__", "__format__")
HostileDict = _raising("HostileDict", dict, "get", "__getitem__", "items", "keys", "values", "__iter__",
                       "__contains__", "__len__", "copy", "__repr__", "__eq__")
HostileList = _raising("HostileList", list, "__iter__", "__len__", "__getitem__", "__repr__", "__eq__", "__bool__")


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
