"""HTTP semantics on response headers (RFC 9110, 9112, 9113, 9114, 6265).

Header-based rules read only well-formed ``[bytes, bytes]`` pairs and skip a response whose start headers failed
HE-008. ``inspect_start_headers`` also records the facts later checks need (content type, declared length).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from asgion_core.checks import Reporter
from asgion_core.connection import Connection
from asgion_core.headers import parameters, show, split_list
from asgion_http.fsm import HttpData
from asgion_http.start_facts import StartFacts

Index = Mapping[bytes, list[bytes]]

_H2_FORBIDDEN = (b"connection", b"keep-alive", b"proxy-connection", b"transfer-encoding", b"upgrade", b"te")
_TRAILER_FORBIDDEN = frozenset({
    b"content-length", b"transfer-encoding", b"host", b"content-type", b"content-encoding", b"content-range",
    b"trailer", b"te", b"connection", b"keep-alive", b"upgrade", b"authorization", b"www-authenticate",
    b"proxy-authenticate", b"set-cookie",
})
_DAYS = frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday",
                   "friday", "saturday", "sunday"})
_COOKIE_START = re.compile(rb" *[!#$%&'*+\-.^_`|~0-9A-Za-z]+=")
_WORD_BEFORE = re.compile(rb"([A-Za-z]+)$")


def inspect_start_headers(conn: Reporter, data: StartFacts, index: Index) -> None:
    """Record content type and declared length, and report the header-based SEM rules of the start message."""
    content_types = index.get(b"content-type", ())
    if len(content_types) > 1:
        conn.report("SEM-001", f"{len(content_types)} content-type headers")
    if content_types:
        data.content_type = content_types[0]
        media, params = parameters(content_types[0])
        data.sse = media == b"text/event-stream"
        if media.startswith(b"text/") and not data.sse and b"charset" not in params:
            conn.report("SEM-013", f"content-type {show(content_types[0])} has no charset")
    _content_length(conn, data, index.get(b"content-length", ()))
    status = data.status
    if index.get(b"content-length", ()) and status is not None and (100 <= status <= 199 or status == 204):
        conn.report("SEM-014", f"content-length sent with status {status}")
    if index.get(b"content-length", ()) and index.get(b"transfer-encoding", ()):
        conn.report("SEM-017", "both content-length and transfer-encoding are set")
    if index.get(b"transfer-encoding", ()) and data.http_version in ("1.0", "1.1", None):
        conn.report("HE-010", "transfer-encoding set by the app; the server chooses the framing")
    _connection_specific(conn, data, index, "http.response.start")
    origins = [v.strip(b" \t") for v in index.get(b"access-control-allow-origin", ())]
    credentials = [v.strip(b" \t").lower() for v in index.get(b"access-control-allow-credentials", ())]
    if b"*" in origins and b"true" in credentials:
        conn.report("SEM-012", "access-control-allow-origin '*' together with allow-credentials 'true'")
    for cookie in index.get(b"set-cookie", ()):
        _cookie(conn, data, cookie)
    names = index.keys()
    if status == 401 and b"www-authenticate" not in names:
        conn.report("SEM-020", "status 401 without a www-authenticate challenge")
    if status in (301, 302, 303, 307, 308) and b"location" not in names:
        conn.report("SEM-021", f"redirect status {status} without a location header")
    if status == 405 and b"allow" not in names:
        conn.report("SEM-025", "status 405 without an allow header")
    if data.trailers_expected and b"trailer" not in names:
        conn.report("SEM-023", "trailers announced without a trailer header naming the fields")


def inspect_trailer_headers(conn: Connection, data: HttpData, index: Index) -> None:
    for name in index:
        if name in _TRAILER_FORBIDDEN:
            conn.report("SEM-022", f"{show(name)} may not be sent as a trailer field")
    _connection_specific(conn, data, index, "http.response.trailers")


def _connection_specific(conn: Reporter, data: HttpData | StartFacts, index: Index, where: str) -> None:
    if data.http_version not in ("2", "3"):
        return
    for name in index:
        if name in _H2_FORBIDDEN:
            version = data.http_version
            conn.report("SEM-018", f"{where} carries connection-specific header {show(name)} on HTTP/{version}")


def _content_length(conn: Reporter, data: StartFacts, raw_values: Sequence[bytes]) -> None:
    if not raw_values:
        return
    elements = [e for v in raw_values for e in split_list(v)]
    invalid = [e for e in elements if not e or not e.isdigit() or not e.isascii()]
    for element in invalid:
        conn.report("SEM-016", f"content-length element {show(element)} is not a decimal byte count")
    valid = [e for e in elements if e not in invalid]
    numbers = {int(e) for e in valid}
    if len(numbers) > 1:
        conn.report("SEM-015", f"content-length values disagree: {sorted(numbers)}")
    elif len(elements) > 1 and not invalid:
        conn.report("SEM-024", f"content-length given {len(elements)} times")
    if not invalid and len(set(elements)) == 1:
        data.declared_length = int(elements[0])


def _cookie(conn: Reporter, data: HttpData | StartFacts, cookie: bytes) -> None:
    attributes = [a.strip(b" \t") for a in cookie.split(b";")[1:]]
    names = {a.partition(b"=")[0].strip(b" \t").lower(): a.partition(b"=")[2].strip(b" \t") for a in attributes}
    if data.scheme == "https" and b"secure" not in names and not _is_deletion(names.get(b"max-age")):
        conn.report("SEM-004", f"cookie {show(cookie.split(b'=')[0])} set over https without Secure")
    if _folded(cookie):
        conn.report("SEM-019", "one set-cookie header holds several cookies")


def _is_deletion(max_age: bytes | None) -> bool:
    if max_age is None:
        return False
    try:
        return int(max_age) <= 0
    except ValueError:
        return False


def _folded(cookie: bytes) -> bool:
    for index, byte in enumerate(cookie):
        if byte != 0x2C:  # ","
            continue
        word = _WORD_BEFORE.search(cookie[:index])
        if word and word.group(1).decode("ascii").lower() in _DAYS:
            continue
        if _COOKIE_START.match(cookie, index + 1):
            return True
    return False
