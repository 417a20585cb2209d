"""What to drive: parsing ``--path``, ``-H``, ``-d`` and the WebSocket frame options into connection specs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import quote, unquote

from asgion_cli.errors import UserError
from asgion_core.violation import SourceLocation

_METHOD = re.compile(r"^[A-Za-z]+$")
WS_SCHEMES = ("ws", "wss")


@dataclass(frozen=True)
class Frame:
    """One WebSocket message the client sends: text or bytes."""

    text: str | None = None
    data: bytes | None = None

    def message(self) -> dict[str, object]:
        if self.text is not None:
            return {"type": "websocket.receive", "text": self.text}
        return {"type": "websocket.receive", "bytes": self.data}


@dataclass(frozen=True)
class ConnectionSpec:
    """One connection the driver makes: an HTTP request or a WebSocket session, maybe under a failure scenario."""

    method: str
    path: str
    query_string: bytes = b""
    raw_path: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes = b""
    chunks: tuple[bytes, ...] = field(default=())
    scheme: str = "http"
    frames: tuple[Frame, ...] = ()
    subprotocols: tuple[str, ...] = ()
    #: "" for the normal run; "client disconnect", "chunked body" or "client closes first" for a scenario.
    scenario: str = ""
    #: Where the handler of the discovered route is: findings the framework sent point there.
    handler: SourceLocation | None = None

    @property
    def websocket(self) -> bool:
        return self.scheme in WS_SCHEMES

    @property
    def label(self) -> str:
        query = f"?{self.query_string.decode('latin-1')}" if self.query_string else ""
        head = "WS" if self.scheme == "ws" else "WSS" if self.scheme == "wss" else self.method
        suffix = f" [{self.scenario}]" if self.scenario else ""
        return f"{head} {self.path}{query}{suffix}"

    def scenarios(self) -> list[ConnectionSpec]:
        """The failure scenarios ``--scenarios`` adds for this connection."""
        if self.websocket:
            return [replace(self, scenario="client closes first")]
        return [replace(self, scenario="client disconnect"),
                replace(self, scenario="chunked body", chunks=split_body(self.body))]


def split_body(body: bytes, parts: int = 3) -> tuple[bytes, ...]:
    """The request body in several ``http.request`` chunks (an empty body becomes two empty chunks)."""
    if not body:
        return (b"", b"")
    size = max(1, -(-len(body) // parts))
    return tuple(body[i:i + size] for i in range(0, len(body), size)) + ((b"",) if len(body) <= size else ())


_PRINTABLE_ASCII = "".join(chr(code) for code in range(33, 127))


def parse_path(spec: str, *, default_method: str, headers: tuple[tuple[bytes, bytes], ...] = (),
               body: bytes = b"", frames: tuple[Frame, ...] = (), subprotocols: tuple[str, ...] = ()
               ) -> ConnectionSpec:
    """``/p``, ``METHOD:/p``, ``ws:/p`` or ``wss:/p``; the query string is split off, as a server would."""
    text = spec.strip()
    if not _is_text(text):
        raise UserError(f"--path {_show(spec)} is not valid UTF-8 text; percent-encode raw bytes (e.g. /%FF)")
    method, scheme = default_method, "http"
    if not text.startswith("/"):
        head, sep, rest = text.partition(":")
        if not sep or not _METHOD.match(head) or not rest.startswith("/"):
            raise UserError(f"--path {spec!r} is not /PATH, METHOD:/PATH, ws:/PATH or wss:/PATH "
                            "(e.g. GET:/items?limit=5)")
        if head.lower() in WS_SCHEMES:
            scheme, method = head.lower(), "GET"
        else:
            method = head.upper()
        text = rest
    target, _, query = text.partition("?")
    raw = quote(target, safe="/:@!$&'()*+,;=-._~%").encode("ascii")
    # printable ASCII as typed; spaces, controls and characters beyond ASCII percent-encoded (as UTF-8)
    query = quote(query, safe=_PRINTABLE_ASCII)
    if scheme in WS_SCHEMES:
        return ConnectionSpec(method="GET", path=unquote(target), query_string=query.encode("latin-1"), raw_path=raw,
                              headers=headers, scheme=scheme, frames=frames or (Frame(text="hello"),),
                              subprotocols=subprotocols)
    return ConnectionSpec(method=method, path=unquote(target), query_string=query.encode("latin-1"), raw_path=raw,
                          headers=headers, body=body, chunks=(body,))


def parse_header(text: str) -> tuple[bytes, bytes]:
    """``-H "Name: value"`` into a lower-cased name and its value, as a server would deliver it."""
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name or any(ch.isspace() for ch in name):
        raise UserError(f"header {text!r} is not 'Name: value'")
    try:
        encoded_name = name.lower().encode("ascii")
    except UnicodeEncodeError:
        raise UserError(f"header name in {_show(text)} is not ASCII") from None
    try:
        return encoded_name, value.strip().encode("latin-1")
    except UnicodeEncodeError:
        pass
    try:  # bytes the shell passed that are not UTF-8 (os.fsdecode's surrogates): sent as they came
        return encoded_name, value.strip().encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise UserError(f"header {_show(text)} contains characters that cannot be sent in HTTP/1.1") from None


def command_line_bytes(text: str) -> bytes:
    """A command-line argument as the bytes the shell passed (UTF-8, and undecodable bytes kept as they were)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise UserError(f"{_show(text)} holds characters that are not text (lone surrogates)") from None


def _is_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _show(text: str) -> str:
    """An argument as an error message quotes it: undecodable bytes as \\xNN escapes, at most 100 characters."""
    if _is_text(text):
        shown = text
    else:
        try:
            shown = text.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
        except UnicodeEncodeError:  # lone surrogates that stand for no byte
            shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
    return repr(shown if len(shown) <= 100 else shown[:100] + "...")


def parse_frames(texts: tuple[str, ...], hexes: tuple[str, ...]) -> tuple[Frame, ...]:
    """``--ws-send TEXT`` and ``--ws-send-bytes HEX`` into frames (text frames first, in order)."""
    frames = [Frame(text=t) for t in texts]
    for value in hexes:
        try:
            frames.append(Frame(data=bytes.fromhex(value)))
        except ValueError:
            raise UserError(f"--ws-send-bytes {value!r} is not hexadecimal (e.g. 68656c6c6f)") from None
    return tuple(frames)


@dataclass(frozen=True)
class PlacedBody:
    """A ``-d``/``--json`` value and the ``--path`` it belongs to: the one it follows on the command line, or None
    when it comes before every ``--path`` (then it is every given path's, as in asgion 0.6.1)."""

    kind: str  # "data" or "json"
    value: str
    path_index: int | None


_PATH_OPTIONS = ("--path",)
_BODY_OPTIONS = {"-d": "data", "--body": "data", "--json": "json"}


def place_bodies(args: list[str] | None, data: tuple[str, ...], jsons: tuple[str, ...],
                 takes_value: frozenset[str] = frozenset()) -> list[PlacedBody]:
    """Pair each body option with the ``--path`` before it, reading the command line in order (click keeps each
    option's values in order, but not their order across options); ``takes_value`` names the other options whose
    next word is their value. Without the command line (the options came from Python), every body is placed
    before the paths."""
    values = {"data": list(data), "json": list(jsons)}
    order: list[tuple[str, int | None]] = []
    paths = 0
    tokens = iter(args or ())
    for token in tokens:
        if token == "--":
            break
        name, has_value, _ = token.partition("=")
        if name in _PATH_OPTIONS:
            paths += 1
            if not has_value:
                next(tokens, None)
        elif name in _BODY_OPTIONS:
            order.append((_BODY_OPTIONS[name], paths - 1 if paths else None))
            if not has_value:
                next(tokens, None)
        elif token.startswith("-d") and not token.startswith("--"):  # -d'...' written as one word
            order.append(("data", paths - 1 if paths else None))
        elif name in takes_value and not has_value:
            next(tokens, None)
    counted = {kind: sum(1 for k, _ in order if k == kind) for kind in values}
    if args is None or any(counted[kind] != len(values[kind]) for kind in values):
        return [PlacedBody(kind, value, None) for kind in values for value in values[kind]]
    placed = []
    for kind, index in order:
        placed.append(PlacedBody(kind, values[kind].pop(0), index))
    return placed
