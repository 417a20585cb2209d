"""The receive and send an app is given: bound methods of its connection.

One :class:`WiredConnection` per app call is the whole per-connection cost of wrapping. Closures over the
Inspector's locals would allocate a cell per captured name, a tuple and a function object per wrapper (a dozen
objects per request, each made and freed again); bound methods of the connection, which exists anyway, need two.

Per message the wrappers first offer the message to the express lane of its type, if a plugin declared one (the
ordinary chunks of a stream end there), else they hand it to the :class:`~asgion_core.router.Router`. Messages are
forwarded unchanged and in order; what the server's receive() and send() raise is remembered (see
:meth:`Connection.from_server`) and re-raised unchanged; a lane that raises is isolated like a check.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from asgion_core.checks import Message
from asgion_core.connection import Connection
from asgion_core.router import Router

__all__ = ["WiredConnection", "no_lane"]

Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def no_lane(conn: Connection, message: Message) -> bool:
    """The express lane of message types that have none: every message takes its normal route."""
    return False


class WiredConnection(Connection):
    """A :class:`Connection` that also carries the server's receive and send, and wraps them for the app.

    :attr:`checked_receive` and :attr:`checked_send` are what the app is called with; the rest of asgion sees a
    plain Connection. The three slots are set by the Inspector right after construction (no second ``__init__``
    frame per request).
    """

    __slots__ = ("router", "server_receive", "server_send")

    router: Router
    server_receive: Receive
    server_send: Send

    async def checked_receive(self) -> Message:
        self.receive_calls += 1
        try:
            receive = self.server_receive  # a slot read, then a call: as a method call it would not specialize
            message = await receive()
        except BaseException as exc:
            self.server_raised(exc)
            raise
        if self.trace is not None:
            self._trace_event("receive", message)
        router = self.router
        # the express lane, inlined (see checked_send)
        try:
            lane = router.express_receive.get(message["type"], no_lane) if type(message) is dict else no_lane
        except Exception:  # no "type", or a type whose hash or == raises: the normal route reports it
            lane = no_lane
        try:
            taken = lane(self, message)
        except Exception as exc:
            router.lane_failed(self, message, lane, exc)
            taken = False
        if not taken:
            router.receive(self, message)
        return message

    async def checked_send(self, message: Message) -> None:
        if self.trace is not None:
            self._trace_event("send", message)
        router = self.router
        # The express lane, inlined: this is the hottest code of the inspector. A missing or unhashable "type" is
        # left to the normal route, which reports it; a lane that raises is isolated like a check. Types without a
        # lane get no_lane: one call on a rare message spares two tests on every message.
        try:
            lane = router.express_send.get(message["type"], no_lane) if type(message) is dict else no_lane
        except Exception:  # no "type", or a type whose hash or == raises: the normal route reports it
            lane = no_lane
        before = self.reported
        try:
            taken = lane(self, message)
        except Exception as exc:
            router.lane_failed(self, message, lane, exc)
            taken = False
        if not taken:
            router.send(self, message)
        try:
            send = self.server_send  # as in checked_receive
            await send(message)
        except BaseException as exc:
            self.server_raised(exc)
            if (
                isinstance(exc, Exception)
                and not isinstance(exc, OSError)
                and self.disconnected
                and self.reported == before  # no finding for this message
                and self.spec_version >= (2, 4)
            ):
                self.direction = "server"
                self.report("G-020", f"send() raised {type(exc).__name__} after disconnect, not an OSError")
            raise

    def _trace_event(self, direction: str, message: Message) -> None:
        """Add the message to the connection's trace; a recorder that fails is recorded, and the message goes on."""
        try:
            self.trace.event(direction, message)
        except Exception as exc:
            self.router.trace_failed(exc)
