"""The CLI driver under faulty apps: every scope and finding reaches the report, the driver invents none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRun


def write_app(tmp_path: Path, name: str, source: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    return f"{path}:app"


def test_strict_fails_on_an_exception_whose_str_raises(run_cli: CliRun, tmp_path: Path) -> None:
    target = write_app(tmp_path, "strapp", (
        "class AppError(Exception):\n"
        "    def __str__(self):\n"
        "        return self.detail\n"
        "async def app(scope, receive, send):\n"
        "    if scope['type'] != 'http':\n"
        "        return\n"
        "    await receive()\n"
        "    raise AppError()\n"
    ))
    code, out, err = run_cli("check", target, "--strict", "--no-lifespan", "--format", "json")
    assert code == 1, (out, err)
    [result] = json.loads(out)["scopes"]
    assert result["exception"]["type"] == "AppError"


LIFESPAN_APPS = {
    "returns after replying": (
        "        await receive()\n"
        "        await send({'type': 'lifespan.startup.complete'})\n"
        "        return\n", "LF-013"),
    "replies with a wrong type": (
        "        await receive()\n"
        "        await send({'type': 'lifespan.startup.done'})\n"
        "        await receive()\n", "LE-002"),
    "replies twice": (
        "        await receive()\n"
        "        await send({'type': 'lifespan.startup.complete'})\n"
        "        await send({'type': 'lifespan.startup.complete'})\n"
        "        await receive()\n"
        "        await send({'type': 'lifespan.shutdown.complete'})\n", None),
    "answers with http messages": (
        "        await receive()\n"
        "        await send({'type': 'http.response.start', 'status': 200, 'headers': []})\n"
        "        await receive()\n", "LE-002"),
    "raises before answering": (
        "        raise RuntimeError('no lifespan here')\n", None),
    "raises after answering": (
        "        await receive()\n"
        "        await send({'type': 'lifespan.startup.complete'})\n"
        "        raise RuntimeError('broken')\n", "G-021"),
}


@pytest.mark.parametrize("name", sorted(LIFESPAN_APPS))
def test_the_lifespan_scope_is_always_reported(name: str, run_cli: CliRun, tmp_path: Path) -> None:
    body, expected = LIFESPAN_APPS[name]
    target = write_app(tmp_path, "lsapp", (
        "async def app(scope, receive, send):\n"
        "    if scope['type'] == 'lifespan':\n"
        f"{body}"
        "        return\n"
        "    await receive()\n"
        "    await send({'type': 'http.response.start', 'status': 200,\n"
        "                'headers': [(b'content-type', b'text/plain'), (b'content-length', b'2')]})\n"
        "    await send({'type': 'http.response.body', 'body': b'ok'})\n"
    ))
    code, out, err = run_cli("check", target, "--format", "json", "--timeout", "1", "--path", "/a", "--path", "/b")
    assert code in (0, 1), err
    data = json.loads(out)
    lifespan, *requests = data["scopes"]
    assert lifespan["scope_type"] == "lifespan"
    found = {v["rule_id"] for v in lifespan["violations"]}
    if expected:
        assert expected in found, found
    assert [r["label"] for r in requests] == ["GET /a", "GET /b"]
    request_rules = {v["rule_id"] for r in requests for v in r["violations"]}
    assert not request_rules & {"LF-011", "LF-015"}, "the driver never provokes a server-side finding"
    sides = {v["side"] for s in data["scopes"] for v in s["violations"]}
    assert "server" not in sides, data


def test_a_blocked_loop_keeps_the_lifespan_scope(run_cli: CliRun, tmp_path: Path) -> None:
    target = write_app(tmp_path, "blocker", (
        "import time\n"
        "async def app(scope, receive, send):\n"
        "    if scope['type'] == 'lifespan':\n"
        "        await receive()\n"
        "        await send({'type': 'lifespan.startup.complete'})\n"
        "        await receive()\n"
        "        await send({'type': 'lifespan.shutdown.complete'})\n"
        "        return\n"
        "    time.sleep(30)\n"
    ))
    code, out, _ = run_cli("check", target, "--format", "json", "--timeout", "0.2")
    assert code == 0  # a timeout fails only under --strict
    lifespan, request = json.loads(out)["scopes"]
    assert lifespan["scope_type"] == "lifespan"
    assert request["timed_out"] and "blocked the event loop" in request["notes"][0]


def test_findings_of_a_leaked_task_reach_the_report(run_cli: CliRun, tmp_path: Path) -> None:
    target = write_app(tmp_path, "leaky", (
        "import asyncio\n"
        "tasks = []\n"
        "async def late(send):\n"
        "    await asyncio.sleep(0.05)\n"
        "    try:\n"
        "        await send({'type': 'http.response.body', 'body': b'late'})\n"
        "    except OSError:\n"
        "        pass\n"
        "async def app(scope, receive, send):\n"
        "    if scope['type'] != 'http':\n"
        "        raise RuntimeError('no lifespan')\n"
        "    await receive()\n"
        "    await send({'type': 'http.response.start', 'status': 200,\n"
        "                'headers': [(b'content-type', b'text/plain')]})\n"
        "    await send({'type': 'http.response.body', 'body': b'ok'})\n"
        "    if scope['path'] == '/leak':\n"
        "        tasks.append(asyncio.ensure_future(late(send)))\n"
        "    else:\n"
        "        await asyncio.gather(*tasks)  # the leaked send happens while this request runs\n"
    ))
    code, out, _ = run_cli("check", target, "--format", "json", "--path", "/leak", "--path", "/next", "--strict")
    assert code == 1
    data = json.loads(out)
    leak = next(s for s in data["scopes"] if s["label"] == "GET /leak")
    assert leak["violations"], "the late send's finding is in its own scope's result"
    assert any("after the app call ended" in note for note in leak["notes"])
    assert data["summary"]["total"] >= 1


@pytest.mark.parametrize("ending", ["sys.exit(4)", "raise KeyboardInterrupt"])
def test_an_app_that_exits_mid_request_is_that_scopes_exception(ending: str, run_cli: CliRun,
                                                                tmp_path: Path) -> None:
    target = write_app(tmp_path, "quitter", (
        "import sys\n"
        "async def app(scope, receive, send):\n"
        "    if scope['type'] != 'http':\n"
        "        return\n"
        "    print('hello from the app')\n"
        "    await receive()\n"
        f"    {ending}\n"
    ))
    code, out, err = run_cli("check", target, "--format", "json", "--strict", "--path", "/a", "--path", "/b")
    assert code == 1
    data = json.loads(out)  # the app's print() went to stderr, so stdout is the report alone
    assert "hello from the app" in err
    requests = [s for s in data["scopes"] if s["scope_type"] == "http"]
    assert [s["label"] for s in requests] == ["GET /a", "GET /b"], "the run carried on after the first exit"
    assert all(s["exception"]["type"] in ("SystemExit", "KeyboardInterrupt") for s in requests)


def test_labels_and_reports_hold_no_query_secret(run_cli: CliRun) -> None:
    code, out, _ = run_cli("check", "tests.cli.apps:echo", "--path", "/a?page=2&access_token=s3cr3t",
                           "--format", "json")
    assert code == 0 and "s3cr3t" not in out
    assert any(s["label"] == "GET /a?page=2&access_token=[redacted]" for s in json.loads(out)["scopes"])


def test_g021_and_the_exception_point_at_the_raising_line_of_the_users_code(run_cli: CliRun, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "boom_api.py").write_text(
        "from fastapi import FastAPI\n"
        "app = FastAPI()\n"
        "@app.get('/boom')\n"
        "async def boom():\n"
        "    raise RuntimeError('database unavailable')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code, out, err = run_cli("check", "boom_api:app", "--path", "/boom", "--format", "json")
    assert code == 0, err
    [scope] = [s for s in json.loads(out)["scopes"] if s["label"] == "GET /boom"]
    [g021] = [v for v in scope["violations"] if v["rule_id"] == "G-021"]
    assert g021["location"]["file"].endswith("boom_api.py") and g021["location"]["line"] == 5
    assert scope["exception"]["location"] == g021["location"]
