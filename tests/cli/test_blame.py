"""Blame in the user's code: every finding says whose it is and points at the user's file and line, in every
output format; ``--blame app`` and the package settings decide what counts as the user's."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRun

SHOP = '''\
from fastapi import FastAPI, Response

app = FastAPI()


@app.get("/items/{item_id}")
async def read_item(item_id: int) -> Response:
    return Response(b"abc", media_type="text/plain; charset=utf-8", headers={"content-length": "5"})


@app.get("/boom")
async def boom() -> dict[str, int]:
    raise RuntimeError("database unreachable")


async def raw(scope, receive, send):
    await send({"type": "http.response.body", "body": b"early"})


app.mount("/raw", raw)
'''


def line_of(source: str, text: str) -> int:
    return next(number for number, line in enumerate(source.splitlines(), 1) if text in line)


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "shop.py").write_text(SHOP)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    sys.modules.pop("shop", None)  # each test imports its own copy, from its own directory
    yield tmp_path
    sys.modules.pop("shop", None)


def findings(run_cli: CliRun, *args: str) -> dict[str, list[dict[str, Any]]]:
    code, out, err = run_cli("check", "shop:app", "--format", "json", *args)
    assert code == 0, err
    return {s["label"]: s["violations"] for s in json.loads(out)["scopes"]}


def test_a_send_made_by_the_framework_points_at_the_route_handler(run_cli: CliRun, shop: Path) -> None:
    found = {v["rule_id"]: v for v in findings(run_cli)["GET /items/1"]}
    short_body = found["SEM-003"]  # the handler declared 5 bytes and gave 3; Starlette's Response sent them
    assert short_body["owner"] == "framework"
    assert short_body["location"] == {"file": "shop.py", "line": line_of(SHOP, '@app.get("/items/{item_id}")'),
                                      "function": "read_item"}
    assert short_body["sent_from"]["file"].endswith("starlette/responses.py")


def test_a_send_in_the_users_own_code_points_at_that_line(run_cli: CliRun, shop: Path) -> None:
    found = {v["rule_id"]: v for v in findings(run_cli)["GET /raw/x"]}
    assert found["HF-002"]["owner"] == "app" and found["HF-002"]["sent_from"] is None
    assert found["HF-002"]["location"]["line"] == line_of(SHOP, 'b"early"')
    # "returned without a response" is no send: it points at the endpoint the framework routed to
    assert found["HF-001"]["location"]["line"] == line_of(SHOP, "async def raw")


def test_an_exception_points_at_the_raise_once(run_cli: CliRun, shop: Path) -> None:
    boom = findings(run_cli)["GET /boom"]
    assert [(v["rule_id"], v["owner"], v["location"]["line"]) for v in boom] == [
        ("G-021", "app", line_of(SHOP, "raise RuntimeError"))]
    _, out, _ = run_cli("check", "shop:app")
    assert out.count("G-021") == 1 and f"shop.py:{line_of(SHOP, 'raise RuntimeError')} in boom" in out


def test_every_format_uses_the_same_location(run_cli: CliRun, shop: Path) -> None:
    handler = line_of(SHOP, '@app.get("/items/{item_id}")')
    _, out, _ = run_cli("check", "shop:app", "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    short_body = next(r for r in results if r["ruleId"] == "SEM-003")
    physical = short_body["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "shop.py" and physical["region"]["startLine"] == handler
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] > 1 for r in results), "no line-1 fallback"
    _, out, _ = run_cli("check", "shop:app", "--format", "github")
    assert f"file=shop.py,line={handler}" in next(line for line in out.splitlines() if "SEM-003" in line)
    _, out, _ = run_cli("check", "shop:app")
    assert f"at shop.py:{handler} in read_item" in out and "sent from starlette/responses.py:" in out


def test_text_groups_findings_by_owner(run_cli: CliRun, shop: Path) -> None:
    out = run_cli("check", "shop:app", "--color", "never")[1]
    yours, framework = out.index("In your code:"), out.index("In framework code")
    assert yours < out.index("HF-002") < framework < out.index("SEM-003")


def test_blame_app_keeps_only_the_users_findings(run_cli: CliRun, shop: Path) -> None:
    everything = [v for vs in findings(run_cli).values() for v in vs]
    outside = sum(v["owner"] != "app" for v in everything)
    assert outside >= 1 and any(v["rule_id"] == "SEM-003" and v["owner"] == "framework" for v in everything)
    _, out, _ = run_cli("check", "shop:app", "--format", "json", "--blame", "app")
    data = json.loads(out)
    owners = {v["owner"] for s in data["scopes"] for v in s["violations"]}
    assert owners == {"app"}
    shown = sum(len(s["violations"]) for s in data["scopes"])
    assert shown == len(everything) - outside
    assert any(f"{outside} finding{'s' if outside != 1 else ''} outside your code not shown (--blame app)" in n
               for n in data["notes"])
    (shop / ".asgion.toml").write_text('blame = "app"\n')
    assert "SEM-003" not in {v["rule_id"] for vs in findings(run_cli).values() for v in vs}
    (shop / ".asgion.toml").write_text('blame = "mine"\n')
    code, out, err = run_cli("check", "shop:app")
    assert code == 2 and "blame must be one of all, app" in err and "Traceback" not in err


def test_library_packages_moves_the_users_module_out_of_their_code(run_cli: CliRun, shop: Path) -> None:
    (shop / ".asgion.toml").write_text('library_packages = ["shop"]\n')
    raw = {v["rule_id"]: v for v in findings(run_cli)["GET /raw/x"]}
    assert raw["HF-002"]["owner"] == "framework"


def test_user_packages_claims_an_installed_package(run_cli: CliRun, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    installed = tmp_path / "site-packages"
    installed.mkdir()
    (installed / "vendored.py").write_text(
        "async def app(scope, receive, send):\n"
        "    if scope['type'] == 'http':\n"
        "        await send({'type': 'http.response.body', 'body': b'early'})\n")
    monkeypatch.syspath_prepend(str(installed))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "vendored", raising=False)

    def owner() -> str:
        _, out, _ = run_cli("check", "vendored:app", "--format", "json")
        [hf002] = [v for s in json.loads(out)["scopes"] for v in s["violations"] if v["rule_id"] == "HF-002"]
        return str(hf002["owner"])

    assert owner() == "framework", "a module under site-packages is third-party"
    (tmp_path / ".asgion.toml").write_text('user_packages = ["vendored"]\n')
    assert owner() == "app"
