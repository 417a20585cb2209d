"""``[[tool.asgion.requests]]``: connections whose method, headers and body belong to them alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRun

FASTAPI = "tests.integration.apps.fastapi_app:app"


def test_each_request_has_its_own_body_and_headers(run_cli: CliRun, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".asgion.toml").write_text(
        '[[requests]]\nmethod = "POST"\npath = "/items"\njson = {name = "widget"}\n\n'
        '[[requests]]\npath = "/items"\nheaders = {x-trace = "1"}\n')
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("trace", FASTAPI, "--format", "json")
    assert code == 0, err
    records = [r for r in json.loads(out) if r["scope"].get("type") == "http"]
    assert [(r["scope"]["method"], r["summary"]["status"]) for r in records] == [("POST", 201), ("GET", 200)]
    post, get = records
    assert [b"x-trace", b"1"] not in [[h[0]["$bytes"].encode(), h[1]["$bytes"].encode()]
                                      for h in post["scope"]["headers"]], "the header belongs to the GET alone"
    assert any(h[0] == {"$bytes": "x-trace"} for h in get["scope"]["headers"])
    assert any(h == [{"$bytes": "content-type"}, {"$bytes": "application/json"}] for h in post["scope"]["headers"])


@pytest.mark.parametrize(("table", "message"), [
    ('[[requests]]\nmethod = "GET"\n', "path must be a string"),
    ('[[requests]]\npath = "/x"\ncolour = 1\n', "unknown key 'colour'"),
    ('[[requests]]\npath = "/x"\nbody = "a"\njson = 1\n', "body or json, not both"),
    ("requests = 3\n", "array of tables"),
])
def test_mistakes_in_the_table_are_one_line(table: str, message: str, run_cli: CliRun, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(table)
    code, _, err = run_cli("check", FASTAPI, "--config", str(config))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def driven(run_cli: CliRun, *args: str) -> list[tuple[str, str, int, bool]]:
    """(method, path, status, sent as JSON) of each HTTP connection ``asgion trace`` made on the FastAPI app."""
    code, out, err = run_cli("trace", FASTAPI, "--format", "json", *args)
    assert code == 0, err
    records = [r for r in json.loads(out) if r["scope"].get("type") == "http"]
    json_header = [{"$bytes": "content-type"}, {"$bytes": "application/json"}]
    return [(r["scope"]["method"], r["scope"]["path"], r["summary"]["status"], json_header in r["scope"]["headers"])
            for r in records]


def test_a_body_after_a_path_is_that_paths_alone(run_cli: CliRun) -> None:
    assert driven(run_cli, "--path", "/items", "--json", '{"name": "widget"}', "--path", "/items") == [
        ("POST", "/items", 201, True), ("GET", "/items", 200, False)]
    assert driven(run_cli, "--path", "/items", "--path=/items", "-d", '{"name": "w"}', "-H",
                  "content-type: application/json") == [("GET", "/items", 200, True), ("POST", "/items", 201, True)]


def test_a_body_before_every_path_is_every_paths_as_in_0_6_1(run_cli: CliRun) -> None:
    assert driven(run_cli, "--json", '{"name": "w"}', "--path", "/items", "--path", "PUT:/items") == [
        ("POST", "/items", 201, True), ("PUT", "/items", 405, True)]


@pytest.mark.parametrize(("args", "message"), [
    (("--path", "/items", "--json", "{bad"), "--json '{bad' is not valid JSON"),
    (("--path", "/items", "-d", "a", "--json", "1"), "--path /items has more than one -d/--json"),
    (("-d", "a", "-d", "b", "--path", "/items"), "more than one -d/--json before the first --path"),
])
def test_body_mistakes_are_one_line(args: tuple[str, ...], message: str, run_cli: CliRun) -> None:
    code, _, err = run_cli("check", FASTAPI, *args)
    assert code == 2 and message in err and "Traceback" not in err
