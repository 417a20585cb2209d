"""Embedding the core with only the HTTP plugin: no entry-point scan, no CLI dependencies, other scopes untouched."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

EMBED = r'''
import asyncio, json, sys
import asgion_http.plugin
from asgion import Inspector, create_plugin_manager

async def app(scope, receive, send):
    if scope["type"] == "http":
        await receive()
        await send({"type": "http.response.body", "body": b"early"})
    elif scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.send", "text": "before accept"})
    else:
        await receive()
        await send({"type": "lifespan.startup.complete", "extra": {1, 2}})

inspector = Inspector(app, plugins=create_plugin_manager(plugins=[asgion_http.plugin], entry_points=False))
sent = {}

async def drive(scope, inbox):
    sent[scope["type"]] = []
    async def receive():
        return inbox.pop(0)
    async def send(message):
        sent[scope["type"]].append(message)
    await inspector(scope, receive, send)

async def main():
    await drive({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "path": "/",
                 "query_string": b"", "headers": []}, [{"type": "http.request"}])
    await drive({"type": "websocket", "asgi": {"version": "3.0"}, "path": "/ws", "headers": []},
                [{"type": "websocket.connect"}])
    await drive({"type": "lifespan", "asgi": {"version": "3.0"}}, [{"type": "lifespan.startup"}])

asyncio.run(main())
print(json.dumps({
    "violations": [v.rule_id for v in inspector.violations],
    "loaded": sorted(m for m in ("click", "rich", "tomlkit", "asgion_websocket", "asgion_lifespan",
                                 "asgion_reporters", "asgion_cli") if m in sys.modules),
    "plugins": sorted(n for n, _ in inspector.plugin_manager.list_name_plugin()),
    "forwarded": {k: [m["type"] for m in v] for k, v in sent.items()},
}))
'''


def test_http_only_embedding() -> None:
    out = subprocess.run([sys.executable, "-c", EMBED], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"PATH": "", "PYTHONPATH": str(ROOT)})
    data = json.loads(out.stdout)
    assert data["loaded"] == [], "neither the CLI dependencies nor the other protocol plugins may be imported"
    assert data["plugins"] == ["general", "http"]
    assert "HF-002" in data["violations"]
    assert not any(v.startswith(("WF", "WE", "WS", "LF", "LE", "LS")) for v in data["violations"])
    assert data["violations"].count("G-004") == 2, "websocket and lifespan scopes are not validated"
    assert data["forwarded"] == {"http": ["http.response.body"], "websocket": ["websocket.send"],
                                 "lifespan": ["lifespan.startup.complete"]}
