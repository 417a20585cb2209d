"""``inspect(app)`` as middleware under real servers (uvicorn, hypercorn) with real clients (httpx, websockets).

Clean framework apps give no findings of the app's side; buggy endpoints give the expected ids. Server-side
findings (rules that blame the server) are listed in SERVER_FINDINGS with what they mean; any other finding
fails the test, so a new server behaviour is noticed and documented (docs/servers.md).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
import websockets

from asgion import Inspector, inspect
from asgion_core.plugins import create_plugin_manager
from tests.integration.apps.starlette_app import app as starlette_app
from tests.lifespan.test_servers import app_with_startup
from tests.servers.conftest import SERVERS

PM = create_plugin_manager(autoload=False, env={})

#: Findings that blame the server, observed on these servers, and why they are expected (see docs/servers.md).
SERVER_FINDINGS: dict[str, set[str]] = {"uvicorn": set(), "hypercorn": set()}


def run_clients(address: str) -> dict[str, Any]:
    async def main() -> dict[str, Any]:
        results: dict[str, Any] = {}
        async with httpx.AsyncClient(base_url=f"http://{address}") as client:
            results["items"] = (await client.get("/items")).json()
            results["post"] = (await client.post("/items", json={"name": "w"})).status_code
            results["stream"] = (await client.get("/stream")).text
            results["head"] = (await client.head("/text")).status_code
            results["empty"] = (await client.get("/empty")).status_code
            results["moved"] = (await client.get("/moved", follow_redirects=False)).status_code
        async with websockets.connect(f"ws://{address}/ws/echo") as socket:
            await socket.send("hello")
            results["echo"] = await socket.recv()
        return results

    return asyncio.run(main())


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_clean_app_under_a_real_server(server: str) -> None:
    inspector = inspect(starlette_app, plugins=PM, profile="strict", exclude_rules=["HF-011"])
    with SERVERS[server](inspector) as address:
        results = run_clients(address)
    assert results["items"]["greeting"] == "hello", "lifespan state reached the request through the server"
    assert results["stream"].count("chunk") == 5 and results["echo"] == "hello"
    assert (results["post"], results["head"], results["empty"], results["moved"]) == (201, 200, 204, 307)
    app_side = [f"{v.rule_id} {v.scope_label}: {v.message}" for v in inspector.violations if v.side == "app"]
    assert app_side == []
    server_side = {v.rule_id for v in inspector.violations if v.side == "server"}
    assert server_side <= SERVER_FINDINGS[server], sorted(server_side)


async def buggy(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})
        await send({"type": "websocket.send", "text": "after close"})
        return
    await receive()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"too long"})


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_buggy_app_under_a_real_server(server: str) -> None:
    inspector: Inspector = inspect(buggy, plugins=PM)

    async def clients(address: str) -> None:
        async with httpx.AsyncClient(base_url=f"http://{address}") as client:
            with contextlib.suppress(httpx.HTTPError):  # a server may cut a body longer than its content-length
                await client.get("/")
        with contextlib.suppress(websockets.ConnectionClosed):
            async with websockets.connect(f"ws://{address}/ws") as socket:
                await socket.recv()
        await asyncio.sleep(0.2)

    with SERVERS[server](inspector) as address:
        asyncio.run(clients(address))
    ids = {v.rule_id for v in inspector.violations}
    assert {"HF-018", "WF-004"} <= ids


def test_two_uvicorn_servers_share_one_inspector() -> None:
    """Each server's requests are judged against its own lifespan scope: no LF-011 from the other's startup."""
    import threading

    from tests.servers.conftest import uvicorn_server

    async def slow_startup() -> None:  # so that one server starts while the other serves
        await asyncio.sleep(0.3)

    inspector = inspect(app_with_startup(slow_startup), plugins=PM)

    async def hammer(address: str, seconds: float) -> int:
        count = 0
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        async with httpx.AsyncClient(base_url=f"http://{address}") as client:
            while loop.time() < end:
                assert (await client.get("/")).text == "ok"
                count += 1
        return count

    with uvicorn_server(inspector) as first:
        second: dict[str, Any] = {}

        def start_second() -> None:
            with uvicorn_server(inspector) as address:
                second["address"] = address
                second["done"] = asyncio.run(hammer(address, 0.2))

        thread = threading.Thread(target=start_second)
        thread.start()
        served = asyncio.run(hammer(first, 0.6))  # while the second server runs its slow startup
        thread.join(20)
    assert served > 0 and second.get("done", 0) > 0
    assert "LF-011" not in {v.rule_id for v in inspector.violations}


def test_findings_reach_the_servers_log_with_no_setup(tmp_path: Any) -> None:
    """``uvicorn main:app`` as a user starts it: the middleware form's findings are in the server's output."""
    import subprocess
    import sys

    from tests.servers.conftest import free_port, wait_for_port

    (tmp_path / "main.py").write_text('''
from asgion import inspect


async def short(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"10")]})
    await send({"type": "http.response.body", "body": b"abc"})

app = inspect(short)
''')
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port",
                               str(port), "--lifespan", "off"], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port)
        with contextlib.suppress(httpx.HTTPError):  # uvicorn cuts the connection of a short body
            httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "SEM-003 [warning] GET /: content-length declared 10 but only 3 bytes were sent (at " in output, output
    assert "main.py:" in output.split("SEM-003")[1].splitlines()[0]
