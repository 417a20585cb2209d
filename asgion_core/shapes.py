"""Shape tests shared by every protocol plugin, written once so all plugins agree on what they mean.

Checks never consume one-shot iterators (B2): for a value that is its own iterator, only iterability is tested.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PSEUDO_MARK", "QUERY_MARK", "advertised_extension", "is_one_shot", "iterable"]

#: ``ord("?")``: ``QUERY_MARK in raw_path`` searches bytes for one byte. ``b"?" in raw_path`` does the same but
#: first tries the needle as an int, raising and clearing a TypeError inside CPython (about 8 times slower).
QUERY_MARK = ord("?")
#: ``ord(":")``, the first byte of a pseudo header name: ``name[0] == PSEUDO_MARK`` allocates nothing, unlike
#: ``name[:1] == b":"`` (the caller must know that ``name`` is not empty).
PSEUDO_MARK = ord(":")


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


def advertised_extension(scope: Any, message_type: str, prefix: str) -> bool:
    """B11: a message type the server advertises in ``scope["extensions"]``, as the key itself or ``prefix + key``
    (``http.`` or ``websocket.``); such types are not "unknown"."""
    extensions = scope.get("extensions") if isinstance(scope, dict) else None
    if not isinstance(extensions, dict):
        return False
    return message_type in extensions or (message_type.startswith(prefix) and message_type[len(prefix):] in extensions)
