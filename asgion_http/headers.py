"""Header helpers shared by the HTTP checks: shape tests, well-formed pairs, and field-value parsing."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from asgion_core.shapes import is_one_shot, iterable

_NOT_TOKEN = re.compile(rb"[^!#$%&'*+\-.^_`|~0-9A-Za-z]")
_INJECTION = re.compile(rb"[\r\n\x00]")
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
#: Anything but visible ASCII and SP, or leading/trailing SP or HTAB: the quick test before the detailed ones.
UNUSUAL_VALUE = re.compile(rb"[^\x20-\x7e]|^[ \t]|[ \t]$")






def pair_shape_ok(item: Any) -> bool:
    return isinstance(item, (list, tuple)) and len(item) == 2






class Headers(NamedTuple):
    """A headers value read once: the well-formed pairs, whether anything was malformed (the HE-008 test), and
    the values by lower-cased name (``by_name``). One-shot iterators are never read (B2): no pairs, not malformed."""

    pairs: list[tuple[bytes, bytes]]
    malformed: bool
    by_name: dict[bytes, list[bytes]]


def parse_headers(headers: Any) -> Headers:
    if isinstance(headers, (str, bytes)) or not iterable(headers):
        return Headers([], True, {})
    if is_one_shot(headers):
        return Headers([], False, {})
    pairs: list[tuple[bytes, bytes]] = []
    index: dict[bytes, list[bytes]] = {}
    malformed = False
    for item in headers:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            name, value = item
            if isinstance(name, bytes) and isinstance(value, bytes):
                pairs.append((name, value))
                index.setdefault(name.lower(), []).append(value)
                continue
        malformed = True
    return Headers(pairs, malformed, index)






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
