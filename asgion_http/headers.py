"""Header helpers shared by the HTTP checks: shape tests, well-formed pairs, and field-value parsing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: RFC 9110 token characters (tchar).
TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NOT_TOKEN = re.compile(rb"[^!#$%&'*+\-.^_`|~0-9A-Za-z]")
_INJECTION = re.compile(rb"[\r\n\x00]")
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
#: Anything but visible ASCII and SP, or leading/trailing SP or HTAB: the quick test before the detailed ones.
UNUSUAL_VALUE = re.compile(rb"[^\x20-\x7e]|^[ \t]|[ \t]$")


def is_one_shot(value: Any) -> bool:
    """A value that is its own iterator (a generator): checks may only test that it is iterable (B2)."""
    try:
        return iter(value) is value
    except TypeError:
        return False


def iterable(value: Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def pair_shape_ok(item: Any) -> bool:
    return isinstance(item, (list, tuple)) and len(item) == 2


def headers_malformed(headers: Any) -> bool:
    """HE-008: not iterable, an item not a two-element list/tuple, or a name or value not bytes."""
    if not iterable(headers) or isinstance(headers, (str, bytes)):
        return True
    if is_one_shot(headers):
        return False
    return not all(pair_shape_ok(i) and isinstance(i[0], bytes) and isinstance(i[1], bytes) for i in headers)


def bytes_pairs(headers: Any) -> list[tuple[bytes, bytes]]:
    """The well-formed ``[bytes, bytes]`` pairs, names as given; nothing for one-shot or non-iterable values."""
    if not iterable(headers) or isinstance(headers, (str, bytes)) or is_one_shot(headers):
        return []
    return [(i[0], i[1]) for i in headers if pair_shape_ok(i) and isinstance(i[0], bytes) and isinstance(i[1], bytes)]


def lowered(pairs: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(name.lower(), value) for name, value in pairs]


def values(pairs: Iterable[tuple[bytes, bytes]], name: bytes) -> list[bytes]:
    """Values of a header in a list of lower-cased pairs."""
    return [v for n, v in pairs if n == name]


def name_problem(name: bytes) -> str | None:
    """HE-025 (not a token) for names that do not start with ":" (those are HE-024)."""
    if not name:
        return "is empty"
    bad = _NOT_TOKEN.search(name)
    if bad:
        return f"contains the byte {bad.group()!r}, which is not a token character"
    return None


def value_injection(value: bytes) -> bool:
    return _INJECTION.search(value) is not None


def value_control_or_padding(value: bytes) -> bool:
    if _CONTROL.search(value):
        return True
    return bool(value) and (value[:1] in (b" ", b"\t") or value[-1:] in (b" ", b"\t"))


def value_non_ascii(value: bytes) -> bool:
    return _NON_ASCII.search(value) is not None


def split_list(value: bytes) -> list[bytes]:
    """A comma-separated field value, elements trimmed of SP and HTAB."""
    return [part.strip(b" \t") for part in value.split(b",")]


def parameters(value: bytes) -> tuple[bytes, dict[bytes, bytes]]:
    """``type/subtype; a=b`` into the lower-cased first part and lower-cased parameter names."""
    head, *rest = value.split(b";")
    params = {}
    for item in rest:
        name, _, val = item.partition(b"=")
        params[name.strip(b" \t").lower()] = val.strip(b" \t")
    return head.strip(b" \t").lower(), params
