"""Whose exception is it: the app's own timeouts and cancel scopes are the app's; only the server's signals and a
cancellation of the app call by the server count as the client leaving."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest

from asgion import Inspector
from asgion_core.scenario import http_scope


async def asyncio_timeout(receive: Callable[[], Awaitable[Any]]) -> None:
    async with asyncio.timeout(0.01):
        await receive()


async def wait_for(receive: Callable[[], Awaitable[Any]]) -> None:
    await asyncio.wait_for(receive(), 0.01)


async def fail_after(receive: Callable[[], Awaitable[Any]]) -> None:
    with anyio.fail_after(0.01):
        await receive()


async def move_on_after(receive: Callable[[], Awaitable[Any]]) -> None:
    with anyio.move_on_after(0.01):
        await receive()
    raise RuntimeError("the app gave up waiting")


async def task_group_cancels_receive(receive: Callable[[], Awaitable[Any]]) -> None:
    """A framework streaming a body while a task listens for the disconnect: the body raises, the group
    cancels the pending receive(), and the body's error comes out."""
    async def body() -> None:
        await anyio.sleep(0.01)
        raise ValueError("the body generator failed")

    async with anyio.create_task_group() as group:
        group.start_soon(receive)
        group.start_soon(body)


async def own_oserror(receive: Callable[[], Awaitable[Any]]) -> None:
    try:
        raise OSError("database connection refused")
    except OSError:
        raise RuntimeError("could not load the user") from None


WAYS = [asyncio_timeout, wait_for, fail_after, move_on_after, task_group_cancels_receive, own_oserror]


async def never(*args: Any) -> Any:
    await asyncio.Event().wait()


def run(app: Any) -> tuple[Inspector, BaseException | None]:
    inspector = Inspector(app, keep_clean_results=True)
    raised: BaseException | None = None

    async def main() -> None:
        nonlocal raised
        try:
            await inspector(http_scope(), never, never)
        except BaseException as exc:
            raised = exc

    asyncio.run(main())
    return inspector, raised


@pytest.mark.parametrize("way", WAYS, ids=lambda w: w.__name__)
def test_the_apps_own_timeout_is_the_apps_error(way: Callable[..., Awaitable[None]]) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await way(receive)

    inspector, raised = run(app)
    assert raised is not None and not isinstance(raised, asyncio.CancelledError)
    [result] = inspector.results
    assert result.exception is not None, result.notes
    assert not any("client left" in note for note in result.notes)
    assert "G-021" in {v.rule_id for v in result.violations}


def test_a_server_cancelling_the_app_is_recorded_as_cancelled() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()

    inspector = Inspector(app, keep_clean_results=True)

    async def main() -> None:
        task = asyncio.ensure_future(inspector(http_scope(), never, never))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    [result] = inspector.results
    assert result.cancelled and result.exception is None
    assert "G-021" not in {v.rule_id for v in result.violations}


def test_the_servers_own_signal_is_still_the_client_leaving() -> None:
    async def closed(message: Any) -> None:
        raise OSError("the client has gone")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})

    inspector = Inspector(app, keep_clean_results=True)
    with pytest.raises(OSError):
        asyncio.run(inspector(http_scope(), never, closed))
    [result] = inspector.results
    assert result.exception is None and "client left" in result.notes[0]
