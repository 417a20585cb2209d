"""Express lanes for an ordinary HTTP exchange: its scope (:class:`~asgion_core.checks.ExpressScopeCheck`) and its
messages (:class:`~asgion_core.checks.ExpressCheck`).

Each message lane accepts only the exact, valid, ordinary form of its message in a state where the message is
allowed, takes the state machine's step and does the bookkeeping of the checks it covers, and leaves everything else
to the normal route. A test runs every rule scenario with and without lanes and requires the same findings.
"""

from __future__ import annotations

from time import perf_counter_ns

from asgion_core.checks import Message, Scope
from asgion_core.connection import Connection
from asgion_core.general import SPEC_VERSIONS
from asgion_http.fsm import (
    BODY_DONE_T,
    COMPLETE,
    INIT,
    STARTED,
    STARTED_T,
    STREAMING,
    STREAMING_T,
    HttpData,
)
from asgion_http.response import body_complete, late_start
from asgion_http.scope import ordinary_fields
from asgion_http.start_cache import analyse, cache_of

_ASGI_VERSIONS = ("2.0", "3.0")
_SPEC_VERSIONS = SPEC_VERSIONS["http"]
#: The state machine's steps for an accepted body message: mid-stream (more_body True) and final.
_MID_STREAM = frozenset({STREAMING, STREAMING_T})
_MORE_STEPS = {STARTED: STREAMING, STREAMING: STREAMING, STARTED_T: STREAMING_T, STREAMING_T: STREAMING_T}
_FINAL_STEPS = {STARTED: COMPLETE, STREAMING: COMPLETE, STARTED_T: BODY_DONE_T, STREAMING_T: BODY_DONE_T}
#: asgi dicts proven ordinary (see _ordinary_asgi), at most MAX_CLEAN_ASGI of them.
_clean_asgi: list[dict[str, object]] = []
MAX_CLEAN_ASGI = 8
#: The last client and the last server address proven plain. Servers pass the same tuple objects to every request
#: of a connection, and a tuple of a str and an int cannot change, so the same object is plain again (tested by
#: identity, which also keeps a subclass or a (str, bool) pair out). With many connections the last one is
#: usually another connection's, so a miss tests the tuple inline (a call would cost more than the test).
_plain_addresses: list[object] = [None, None]
#: Stands in for an absent ``state`` (a dict, so absent and dict pass the same test).
_NO_STATE: dict[str, object] = {}


def ordinary_scope(conn: Connection, scope: Scope) -> bool:
    """The scope servers send, proven clean in one pass (covers the http plugin's check_scope and the core's
    check_asgi and check_extensions): plain field types and values, an asgi dict of known versions, (str, int)
    addresses, extensions without TLS, a dict state or none. Everything else is left to those checks.
    """
    asgi, client, server = scope.get("asgi"), scope.get("client"), scope.get("server")
    if type(asgi) is not dict or (asgi not in _clean_asgi and not _ordinary_asgi(asgi)):
        return False
    if client is not _plain_addresses[0] and client is not None:
        if not (type(client) is tuple and len(client) == 2 and type(client[0]) is str and type(client[1]) is int):
            return False
        _plain_addresses[0] = client
    if server is not _plain_addresses[1] and server is not None:
        if not (type(server) is tuple and len(server) == 2 and type(server[0]) is str and type(server[1]) is int):
            return False
        _plain_addresses[1] = server
    data: HttpData = conn.data
    extensions = data.raw_extensions
    return (
        ordinary_fields(scope, data)
        and (extensions is None or _plain_extensions(extensions))
        and type(scope.get("state", _NO_STATE)) is dict
    )


def _ordinary_asgi(asgi: dict[str, object]) -> bool:
    """Known versions, as str or absent. A clean one is remembered: a copy, compared by value (servers send an
    equal asgi dict with every request, and a short list of dicts is searched in C). Only the two version keys are
    judged, so a dict equal to a remembered one is clean too."""
    spec = asgi.get("spec_version")
    if asgi.get("version", "2.0") not in _ASGI_VERSIONS or not (
        spec is None or (type(spec) is str and spec in _SPEC_VERSIONS)
    ):
        return False
    if len(_clean_asgi) < MAX_CLEAN_ASGI and _small_and_plain(asgi):
        _clean_asgi.append(dict(asgi))
    return True


def _small_and_plain(asgi: dict[str, object]) -> bool:
    """Only small dicts of exact str keys and values are remembered: comparing with them can never call an
    object's own ``__eq__``, and the few kept stay a few hundred bytes."""
    size = 0
    for key, value in asgi.items():
        if type(key) is not str or type(value) is not str:
            return False
        size += len(key) + len(value)
    return size <= 256


def _plain_extensions(extensions: object) -> bool:
    """A dict of dicts without "tls" (the TLS rules need the full check)."""
    if type(extensions) is not dict or "tls" in extensions:
        return False
    return all(type(value) is dict for value in extensions.values())


def response_start(conn: Connection, message: Message) -> bool:
    """``{"type", "status": int, "headers": list or tuple}`` opening a response, when the (cached) analysis of the
    message finds nothing (covers on_start). Trailers, odd fields and every finding take the normal route."""
    status = message.get("status")
    headers = message.get("headers", ())
    kind = type(headers)
    if (
        type(status) is not int
        or conn.state != INIT
        or (kind is not list and kind is not tuple)
        or len(message) != (3 if "headers" in message else 2)  # (an int plus a bool would take CPython's slow add)
        or conn.disconnected
    ):
        return False
    data: HttpData = conn.data
    cache = cache_of(conn.shared)
    try:
        key = (status, data.http_version, data.scheme, tuple(headers))
        analysis = cache.clean.get(key)
    except Exception:  # list items, unhashable (or hostile) values: the full analysis decides, uncached here
        key, analysis = None, None
    if analysis is None:
        analysis = analyse(message, data.http_version, data.scheme, cache)
        if analysis.field_findings or analysis.semantic_findings or analysis.headers.malformed:
            return False
        if key is not None:
            cache.remember_clean(key, analysis, headers)
    conn.state = STARTED
    conn.rejected = False
    # started() written out for a clean analysis without trailers: one call fewer per response
    data.start = analysis
    data.watch_content = analysis.watch_content
    data.start_ns = now = perf_counter_ns()
    if now - conn.started_ns > conn.config.ttfb_ns:
        late_start(conn, now)
    return True


def body_chunk(conn: Connection, message: Message) -> bool:
    """``{"type", "body": bytes, "more_body": bool}`` (``body`` and ``more_body`` optional) after the start
    message (covers on_body).

    The first content of a response that HF-012 or SEM-002 must judge, a chunk that would overflow content-length
    (HF-018) and a send after disconnect (HF-005) take the normal route. A mid-stream chunk (the bulk of a stream)
    is recognised first; the first and the final chunk of a response move the state, and a final chunk completes
    the body here, with the rules judged at that point.
    """
    body = message.get("body")
    more = message.get("more_body", False)
    nxt: str | None
    if more is True and type(body) is bytes and len(message) == 3 and conn.state in _MID_STREAM:
        nxt = None  # the bulk of a stream: a self-loop, decided in the fewest steps
    else:
        keys = 3 if "more_body" in message else 2  # the keys a valid message has ("body" may be absent)
        if body is None and "body" not in message:
            body, keys = b"", keys - 1
        if type(body) is not bytes or (more is not True and more is not False) or len(message) != keys:
            return False
        nxt = (_MORE_STEPS if more else _FINAL_STEPS).get(conn.state)
        if nxt is None:
            return False
    if conn.disconnected:
        return False
    data: HttpData = conn.data
    size = len(body)
    if size and data.watch_content:
        return False
    declared = data.start.declared_length
    if declared is not None and data.body_bytes + data.zc_bytes + size > declared:
        return False
    data.body_messages += 1
    data.body_bytes += size
    if nxt is None:
        return True
    conn.state = nxt
    conn.rejected = False
    if more:
        return True
    conn.direction = "send"  # the end-of-body rules may report
    data.ended_with = "body"
    body_complete(conn, data)
    return True


def request_chunk(conn: Connection, message: Message) -> bool:
    """``{"type", "body": bytes, "more_body": bool}`` (``more_body`` optional) while the request is open (covers
    check_request and on_request); anything late takes the normal route."""
    more = message.get("more_body", False)
    if (
        type(message.get("body")) is not bytes
        or (more is not True and more is not False)
        or len(message) != (3 if "more_body" in message else 2)
        or conn.disconnected
    ):
        return False
    data: HttpData = conn.data
    if data.request_complete or data.complete:
        return False
    data.last_more_body = more
    if not more:
        data.request_complete = True
        data.receive_at_final = conn.receive_calls
    return True
