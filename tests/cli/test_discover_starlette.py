"""Discovery on by default: ``asgion check APP`` drives every route of a Starlette or FastAPI app."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRun

APPS = {"starlette": "tests.integration.apps.starlette_app:app", "fastapi": "tests.integration.apps.fastapi_app:app"}


def check(run_cli: CliRun, *args: str) -> dict[str, Any]:
    code, out, err = run_cli("check", *args, "--format", "json")
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return data


def labels(data: dict[str, Any]) -> list[str]:
    return [s["label"] for s in data["scopes"] if s["scope_type"] != "lifespan"]


@pytest.mark.parametrize("framework", sorted(APPS))
def test_every_route_is_driven_without_options(framework: str, run_cli: CliRun) -> None:
    data = check(run_cli, APPS[framework])
    driven = labels(data)
    assert {"GET /items", "HEAD /items", "POST /items", "GET /stream", "WS /ws/echo", "WS /ws/no-close"} <= set(driven)
    if framework == "fastapi":
        assert "DELETE /items/1" in driven, "the int path parameter (a type hint) got a valid value"
        assert not any("/docs" in label or "/openapi.json" in label for label in driven)
        assert "4 routes the framework serves itself (/openapi.json, /docs, /docs/oauth2-redirect, /redoc)" in \
            " ".join(data["notes"]), "FastAPI's own documentation routes are not the user's to check"
    [coverage] = [n for n in data["notes"] if "discovered routes" in n]
    assert coverage.startswith(f"{len(driven)} operations on ")
    no_close = next(s for s in data["scopes"] if s["label"] == "WS /ws/no-close")
    assert [v["rule_id"] for v in no_close["violations"]] == ["WF-014"], "a bug away from / is found"


def test_converters_give_valid_path_parameters(run_cli: CliRun, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "typed_routes.py").write_text(
        "from starlette.applications import Starlette\n"
        "from starlette.responses import PlainTextResponse\n"
        "from starlette.routing import Mount, Route\n"
        "async def show(request):\n"
        "    return PlainTextResponse(repr(dict(request.path_params)))\n"
        "api = [Route('/n/{n:int}', show), Route('/f/{f:float}', show), Route('/u/{u:uuid}', show),\n"
        "       Route('/p/{rest:path}', show), Route('/s/{s}', show)]\n"
        "app = Starlette(routes=[Mount('/api', routes=api)])\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    data = check(run_cli, "typed_routes:app")
    driven = [label for label in labels(data) if label.startswith("GET")]
    assert driven == ["GET /api/n/1", "GET /api/f/1.0", "GET /api/u/00000000-0000-4000-8000-000000000001",
                      "GET /api/p/x", "GET /api/s/x"]
    code, out, _ = run_cli("trace", "typed_routes:app", "--format", "json")
    assert code == 0
    statuses = {record["scope"]["path"]: record["summary"]["status"] for record in json.loads(out)
                if record["scope"].get("type") == "http"}
    assert set(statuses.values()) == {200}, statuses  # every sample value matched its converter (no 404)


def test_no_discover_checks_only_the_root(run_cli: CliRun) -> None:
    assert labels(check(run_cli, APPS["fastapi"], "--no-discover")) == ["GET /"]


def test_given_paths_replace_discovery_and_discover_adds_to_them(run_cli: CliRun) -> None:
    assert labels(check(run_cli, APPS["fastapi"], "--path", "/stream")) == ["GET /stream"]
    added = labels(check(run_cli, APPS["fastapi"], "--path", "/stream", "--discover"))
    assert added[0] == "GET /stream" and added.count("GET /stream") == 1 and "WS /ws/echo" in added


def test_a_body_given_with_d_does_not_turn_discovered_routes_into_posts(run_cli: CliRun) -> None:
    driven = labels(check(run_cli, APPS["fastapi"], "-d", '{"name": "w"}', "--discover"))
    assert "GET /items" in driven and "GET /stream" in driven


def test_an_app_without_a_route_table_says_so(run_cli: CliRun) -> None:
    data = check(run_cli, "tests.cli.apps:echo")
    assert labels(data) == ["GET /"]
    assert any("no route table found" in note for note in data["notes"])


def test_discovery_follows_middleware_wrappers(run_cli: CliRun, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "wrapped_app.py").write_text(
        "from tests.integration.apps.fastapi_app import app as inner\n"
        "class Timing:\n"
        "    def __init__(self, app):\n"
        "        self.app = app\n"
        "    async def __call__(self, scope, receive, send):\n"
        "        await self.app(scope, receive, send)\n"
        "app = Timing(inner)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "WS /ws/echo" in labels(check(run_cli, "wrapped_app:app"))


def test_a_plugin_can_add_a_framework(run_cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tiny_framework.py").write_text(
        "from asgion import hookimpl\n"
        "from asgion_core.discovery import DiscoveredRoute, Discovery\n"
        "class Tiny:\n"
        "    paths = ['/a', '/b']\n"
        "    async def __call__(self, scope, receive, send):\n"
        "        if scope['type'] != 'http':\n"
        "            return\n"
        "        await receive()\n"
        "        await send({'type': 'http.response.start', 'status': 204, 'headers': []})\n"
        "        await send({'type': 'http.response.body', 'body': b''})\n"
        "app = Tiny()\n"
        "@hookimpl\n"
        "def asgion_discover_routes(app):\n"
        "    if isinstance(app, Tiny):\n"
        "        return Discovery([DiscoveredRoute(p) for p in app.paths], source='tiny')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    data = check(run_cli, "tiny_framework:app", "-p", "tiny_framework")
    assert labels(data) == ["GET /a", "GET /b"]
    assert "2 operations on 2 discovered routes (tiny)" in data["notes"]


def test_every_http_scope_shows_its_status(run_cli: CliRun) -> None:
    data = check(run_cli, APPS["fastapi"])
    statuses = {s["label"]: s["status"] for s in data["scopes"]}
    assert statuses["GET /items"] == 200 and statuses["GET /moved"] == 307 and statuses["WS /ws/echo"] is None
    assert statuses["lifespan"] is None
    _, text, _ = run_cli("check", APPS["fastapi"], "--path", "/moved", "--no-color")
    assert "GET /moved  307" in text


def test_d_alone_still_posts_to_the_root_as_in_0_6_1(run_cli: CliRun) -> None:
    assert labels(check(run_cli, "tests.cli.apps:echo", "-d", "x")) == ["POST /"]


@pytest.mark.parametrize(("cors", "origin"), [
    ("allow_origins=['http://localhost:3000']", "http://localhost:3000"),
    ("allow_origin_regex=r'https://[a-z]+\\.example\\.org'", None),
    ("allow_origins=['*']", "https://example.com"),
    ("allow_origins='http://localhost:8080'", "http://localhost:8080"),
])
def test_preflights_come_from_an_origin_the_app_allows_once_per_path(
        cors: str, origin: str | None, run_cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cors_app.py").write_text(f'''
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, {cors}, allow_methods=["*"])


@app.get("/items")
def list_items() -> list[str]:
    return []


@app.post("/items")
def add_item() -> str:
    return "ok"
''')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "cors_app", raising=False)  # the CLI runs in this process: no stale app
    data = check(run_cli, "cors_app:app", "-v")
    preflights = [s for s in data["scopes"] if s["label"].startswith("OPTIONS ")]
    assert [s["label"] for s in preflights] == ["OPTIONS /items"], "one preflight per path"
    assert preflights[0]["status"] == 200, "the origin is one the middleware allows"
    out = run_cli("trace", "cors_app:app", "--format", "json")[1]
    [record] = [r for r in json.loads(out) if r["scope"].get("method") == "OPTIONS"]
    sent = dict((name["$bytes"], value["$bytes"]) for name, value in record["scope"]["headers"])
    assert sent["origin"] == origin if origin else re.fullmatch(r"https://[a-z]+\.example\.org", sent["origin"])


def test_operations_that_found_nothing_are_counted(run_cli: CliRun, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lookup_app.py").write_text('''
from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.get("/items/{item_id}")
def get_item(item_id: int) -> str:
    raise HTTPException(404)


@app.get("/")
def root() -> str:
    return "ok"
''')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lookup_app", raising=False)
    notes = check(run_cli, "lookup_app:app")["notes"]
    assert any(n.startswith("1 of 2 discovered HTTP operations answered 404: sample path") for n in notes), notes
    assert not any("answered 404" in n for n in check(run_cli, "lookup_app:app", "--path", "/")["notes"])
    # your own paths and the --scenarios variants are not sample values
    notes = check(run_cli, "lookup_app:app", "--discover", "--path", "/nothing", "--scenarios")["notes"]
    assert any(n.startswith("1 of 2 discovered HTTP operations answered 404") for n in notes), notes


def test_server_errors_the_framework_answered_are_named(run_cli: CliRun, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "crashing_app.py").write_text('''
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.exception_handler(NameError)
async def oops(request, exc):
    return PlainTextResponse("oops", status_code=500)


@app.post("/login")
def login() -> str:
    return UserRepository  # noqa: F821  (the bug a framework turns into a 500)
''')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "crashing_app", raising=False)
    notes = check(run_cli, "crashing_app:app")["notes"]
    assert any(n.startswith("1 HTTP operation answered 5xx (POST /login): the framework") for n in notes), notes
