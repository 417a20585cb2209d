"""Use of the optional HTTP extensions (docs/extensions.rst): only what the server advertises may be sent."""

from __future__ import annotations

from asgion_core.checks import Message
from asgion_core.connection import Connection
from asgion_http.fsm import DEBUG, EARLY_HINT, PATHSEND, PUSH, TRAILERS, ZEROCOPY, HttpData

GATED = (PUSH, ZEROCOPY, PATHSEND, EARLY_HINT, DEBUG, TRAILERS)


def check_advertised(conn: Connection, message: Message) -> None:
    """"... servers advertise support by including a key in the extensions dict of the scope"."""
    data: HttpData = conn.data
    if message["type"] not in data.extensions:
        conn.report("EX-009", f"{message['type']} sent but scope['extensions'] does not advertise it")
