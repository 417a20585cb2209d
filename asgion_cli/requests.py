"""What to drive: parsing ``--path``, ``-H`` and ``-d`` into request descriptions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from asgion_cli.errors import UserError

_METHOD = re.compile(r"^[A-Za-z]+$")


@dataclass(frozen=True)
class RequestSpec:
    """One HTTP request the driver will make."""

    method: str
    path: str
    query_string: bytes = b""
    raw_path: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes = b""
    chunks: tuple[bytes, ...] = field(default=())

    @property
    def label(self) -> str:
        query = f"?{self.query_string.decode('latin-1')}" if self.query_string else ""
        return f"{self.method} {self.path}{query}"


def parse_path(spec: str, *, default_method: str, headers: tuple[tuple[bytes, bytes], ...] = (),
               body: bytes = b"") -> RequestSpec:
    """``/p``, ``METHOD:/p`` or ``/p?q=1``: the query string is split off, as a server would."""
    text = spec.strip()
    method = default_method
    if not text.startswith("/"):
        head, sep, rest = text.partition(":")
        if not sep or not _METHOD.match(head) or not rest.startswith("/"):
            raise UserError(f"--path {spec!r} is not /PATH or METHOD:/PATH (e.g. GET:/items?limit=5)")
        if head.lower() in ("ws", "wss"):
            raise UserError(f"--path {spec!r}: WebSocket paths need the websocket plugin, which is not installed")
        method, text = head.upper(), rest
    target, _, query = text.partition("?")
    raw = quote(target, safe="/:@!$&'()*+,;=-._~%").encode("ascii")
    return RequestSpec(method=method, path=unquote(target), query_string=query.encode("latin-1"), raw_path=raw,
                       headers=headers, body=body, chunks=(body,))


def parse_header(text: str) -> tuple[bytes, bytes]:
    """``-H "Name: value"`` into a lower-cased name and its value, as a server would deliver it."""
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name or any(ch.isspace() for ch in name):
        raise UserError(f"header {text!r} is not 'Name: value'")
    try:
        return name.lower().encode("ascii"), value.strip().encode("latin-1")
    except UnicodeEncodeError:
        raise UserError(f"header {text!r} contains characters that cannot be sent in HTTP/1.1") from None
