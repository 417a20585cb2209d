"""What asgion never writes down: credentials in header values, query parameters and form or JSON body fields.

A name is secret when it matches one of the patterns (shell-style, case-insensitive) of :data:`DEFAULT_SECRET_NAMES`
(except the public :data:`PUBLIC_NAMES`) or of the user's ``redact`` list; ``redact_replace`` replaces the defaults
instead of extending them. The same test applies to header names (str, bytes or bytearray), query-string parameter
names and the field names of ``application/x-www-form-urlencoded`` and JSON bodies. Values are replaced by
``[redacted]``; names stay, so a trace still shows that the header was sent.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["DEFAULT_SECRET_NAMES", "PUBLIC_NAMES", "REDACTED", "REDACTED_BYTES", "Redactor"]

#: The default patterns. ``auth`` covers authorization, proxy-authorization and x-auth-token; ``session`` covers
#: session cookies' header forms; ``x-amz-security-token`` is covered by ``*token*``.
DEFAULT_SECRET_NAMES = (
    "authorization", "proxy-authorization", "cookie", "set-cookie", "*token*", "*secret*", "*password*",
    "*passwd*", "*api-key*", "*apikey*", "*api_key*", "*session*", "*auth*", "*signature*", "*credential*",
)
#: Names the default patterns match but whose values are public metadata, not secrets: CORS answers
#: (``access-control-allow-credentials: true``) and authentication challenges (``www-authenticate``).
PUBLIC_NAMES = ("access-control-*", "www-authenticate")
REDACTED = "[redacted]"
REDACTED_BYTES = REDACTED.encode()
#: Names remembered per Redactor (most traffic repeats a few dozen header names).
_MAX_REMEMBERED = 512


class Redactor:
    """Decides which names are secret and rewrites recorded values; one per Inspector (its memo dies with it)."""

    __slots__ = ("_form", "_json", "_known", "_pattern", "patterns")

    def __init__(self, extra: Iterable[str] = (), replace: Iterable[str] | None = None) -> None:
        extra = tuple(extra)
        replace = tuple(replace) if replace is not None else None
        base = replace if replace is not None else DEFAULT_SECRET_NAMES
        self.patterns: tuple[str, ...] = tuple(dict.fromkeys(p.lower() for p in (*base, *extra)))
        alternatives = [_any_of(extra)]
        if replace is None:  # the defaults cast a wide net; the public names are taken out of it
            alternatives.append(f"(?!{_any_of(PUBLIC_NAMES)})(?:{_any_of(DEFAULT_SECRET_NAMES)})")
        else:
            alternatives.append(_any_of(replace))
        self._pattern = re.compile("|".join(alternatives), re.IGNORECASE)
        self._known: dict[str | bytes, bool] = {}
        # "name": value (a string, number, literal), for names that match; applied to JSON text
        self._json = re.compile(rb'"((?:[^"\\]|\\.){1,200})"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,{}\[\]\s]+)')
        # name=value pairs of a form body or query string
        self._form = re.compile(rb"(^|&|;)([^=&;]{1,200})=([^&;]*)")

    def is_secret(self, name: object) -> bool:
        """Whether a header or field name (str, bytes, bytearray) is one whose value must not be recorded."""
        exact = type(name) is bytes or type(name) is str  # immutable and hashable: the memo's keys
        if exact:
            cached: bool | None = self._known.get(name)  # type: ignore[call-overload]
            if cached is not None:
                return cached
        if isinstance(name, (bytes, bytearray)):
            text = bytes(name).decode("latin-1")
        elif isinstance(name, str):
            text = str.__str__(name)
        else:
            return False
        known = self._pattern.fullmatch(text) is not None
        if exact and len(self._known) < _MAX_REMEMBERED:
            self._known[name] = known  # type: ignore[index]
        return known

    def query_string(self, query: Any) -> Any:
        """A query string with the values of secret parameters replaced (bytes or str, as given)."""
        if isinstance(query, str):
            return self.form(query.encode("latin-1", "replace")).decode("latin-1")
        if isinstance(query, (bytes, bytearray)):
            return self.form(bytes(query))
        return query

    def label(self, text: str) -> str:
        """A connection label such as ``GET /a?token=x [chunked body]`` with its query string redacted."""
        path, sep, rest = text.partition("?")
        if not sep:
            return text
        query, space, suffix = rest.partition(" ")
        return f"{path}?{self.query_string(query)}{space}{suffix}"

    def form(self, body: bytes) -> bytes:
        """``a=1&password=x`` -> ``a=1&password=[redacted]``; names are compared percent-decoded-free (as sent)."""
        if b"=" not in body:
            return body

        def replace(match: re.Match[bytes]) -> bytes:
            name = match.group(2).replace(b"+", b" ")
            if self.is_secret(_unquote(name)):
                return match.group(1) + match.group(2) + b"=" + REDACTED_BYTES
            return match.group(0)

        return self._form.sub(replace, body)

    def json(self, body: bytes) -> bytes:
        """JSON text with the values of secret keys replaced, at any depth; works on a chunk of a longer body."""
        if b'"' not in body:
            return body

        def replace(match: re.Match[bytes]) -> bytes:
            if self.is_secret(match.group(1)):
                return b'"' + match.group(1) + b'"' + match.group(2) + b'"' + REDACTED_BYTES + b'"'
            return match.group(0)

        return self._json.sub(replace, body)

    def body(self, body: Any, content_type: str) -> Any:
        """A recorded body (bytes or str) with secret fields replaced, by its content type (or its look)."""
        if isinstance(body, str):
            return self.body(body.encode("utf-8", "surrogatepass"), content_type).decode("utf-8", "surrogatepass")
        if not isinstance(body, bytes) or not body:
            return body
        if "json" in content_type or (not content_type and body[:1] in (b"{", b"[")):
            return self.json(body)
        if "x-www-form-urlencoded" in content_type:
            return self.form(body)
        return body


def _unquote(name: bytes) -> bytes:
    """Percent-decoding of a form field name, enough to see ``pass%77ord``."""
    if b"%" not in name:
        return name
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(name)


def _any_of(patterns: Iterable[str]) -> str:
    """A regular expression matching any of the shell-style ``patterns`` in full (nothing, for none)."""
    return "|".join(fnmatch.translate(p.lower()) for p in patterns) or r"(?!)"
