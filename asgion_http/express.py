"""Express lanes for the HTTP messages that come in streams (see :class:`asgion_core.checks.ExpressCheck`).

Each lane accepts only the exact, valid, ordinary form of its message in a state the message does not change,
does the bookkeeping of the checks it covers, and leaves everything else to the normal route. A test runs every
rule scenario with and without lanes and requires the same findings.
"""

from __future__ import annotations

from asgion_core.checks import Message
from asgion_core.connection import Connection
from asgion_http.fsm import STREAMING, STREAMING_T, HttpData

_MID_STREAM = frozenset({STREAMING, STREAMING_T})


def body_chunk(conn: Connection, message: Message) -> bool:
    """A mid-stream ``{"type", "body": bytes, "more_body": True}`` (covers on_body).

    The first content of a response (HF-012, SEM-002), a chunk that would overflow content-length (HF-018) and a
    send after disconnect (HF-005) take the normal route.
    """
    if message.get("more_body") is not True:  # first: a response's final chunk leaves here at once
        return False
    body = message.get("body")
    if (
        type(body) is not bytes
        or len(message) != 3
        or conn.state not in _MID_STREAM
        or conn.disconnected
    ):
        return False
    data: HttpData = conn.data
    size = len(body)
    if size and data.watch_content:
        return False
    declared = data.declared_length
    if declared is not None and data.body_bytes + data.zc_bytes + size > declared:
        return False
    data.body_messages += 1
    data.body_bytes += size
    return True


def request_chunk(conn: Connection, message: Message) -> bool:
    """A ``{"type", "body": bytes, "more_body": True}`` request chunk while the request is open (covers
    check_request and on_request); the final chunk and anything late take the normal route."""
    if (
        message.get("more_body") is not True
        or type(message.get("body")) is not bytes
        or len(message) != 3
        or conn.disconnected
    ):
        return False
    data: HttpData = conn.data
    if data.request_complete or data.complete:
        return False
    data.last_more_body = True
    return True
