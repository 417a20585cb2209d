"""The GitHub reporter: workflow commands with file and line, escaped as the runner expects."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from asgion_reporters.github import command, escape_data, escape_property
from tests.conftest import CliRun
from tests.reporters.conftest import BUGGY, BUGGY_LINE, render


def test_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("error", "x: y, z", file="dir/a,b:c.py", line=3, title="T:1") == (
        "::error file=dir/a%2Cb%3Ac.py,line=3,title=T%3A1::x: y, z")


def test_example_annotations(run_cli: CliRun, in_project: Path) -> None:
    lines = render(run_cli, "github", BUGGY).splitlines()
    hf002 = next(line for line in lines if "HF-002" in line)
    assert hf002.startswith(f"::error file=examples/buggy_app.py,line={BUGGY_LINE},title=asgion HF-002::")
    assert any(line.startswith("::notice ") and "SEM-013" in line for line in lines)
    assert all(line.startswith("::") and "\n" not in line for line in lines)


def test_clean_run_prints_nothing(run_cli: CliRun, in_project: Path) -> None:
    assert render(run_cli, "github", "examples/clean_app.py:app") == ""


def test_exception_is_annotated(run_cli: CliRun) -> None:
    out = render(run_cli, "github", "tests.cli.apps:raises")
    assert "::error" in out and "the app raised ValueError" in out


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the runner reads it: ``::name k=v,k=v::message``, %-escapes undone."""

    def unescape(text: str) -> str:
        for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            text = text.replace(escaped, char)
        return text

    assert line.startswith("::")
    head, _, message = line[2:].partition("::")
    name, _, props = head.partition(" ")
    properties = dict(item.split("=", 1) for item in props.split(",")) if props else {}
    return name, {k: unescape(v) for k, v in properties.items()}, unescape(message)


MANY = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await receive()
    number = int(scope["path"].strip("/p") or 0)
    if number % 2:  # an error of its own on odd paths
        await send({"type": "http.response.body", "body": b"early"})
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(100 + number).encode())]})
    await send({"type": "http.response.body", "body": b"x"})
"""


def app_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str) -> str:
    """Write ``source`` as module ``name`` on the import path; its ``app`` as the CLI names it."""
    (tmp_path / f"{name}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    return f"{name}:app"


def represented(message: str) -> int:
    """How many findings one annotation stands for: ``[GET /p0 and 13 more]`` is 14."""
    more = re.search(r" and (\d+) more\]", message.split("\n")[0])
    return 1 + int(more.group(1)) if more else 1


def test_errors_first_and_within_githubs_limits(run_cli: CliRun, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_module(tmp_path, monkeypatch, "many_findings", MANY)
    paths = [arg for i in range(14) for arg in ("--path", f"/p{i}")]
    lines = render(run_cli, "github", app, *paths).splitlines()
    parsed = [parse_command(line) for line in lines]
    kinds = [name for name, _, _ in parsed]
    assert kinds == sorted(kinds, key=("error", "warning", "notice").index), "errors first"
    assert all(kinds.count(kind) <= 10 for kind in set(kinds)) and kinds.count("warning") == 10
    [hf002] = [message for _, props, message in parsed if props.get("title") == "asgion HF-002"]
    assert "[GET /p1 and 6 more]" in hf002, "the same finding at the same place is one annotation"
    name, _, message = parsed[-1]
    assert name == "notice" and message.split()[1:4] == ["more", "findings:", "see"]
    left_out = int(message.split()[0])
    total = json.loads(render(run_cli, "json", app, *paths))["summary"]["total"]
    shown = sum(represented(message) for _, _, message in parsed[:-1])
    assert shown + left_out == total, "nothing lost: shown plus counted is every finding"


def test_a_step_summary_is_written_when_github_asks(run_cli: CliRun, in_project: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    render(run_cli, "github", BUGGY)
    text = summary.read_text()
    assert text.startswith(f"### asgion: {BUGGY}") and "| HF-002 | error | GET / |" in text
    assert f"examples/buggy_app.py:{BUGGY_LINE}" in text


def test_one_annotation_per_app_exception(run_cli: CliRun) -> None:
    lines = [line for line in render(run_cli, "github", "tests.cli.apps:raises").splitlines() if "raised" in line]
    assert len(lines) == 1 and parse_command(lines[0])[0] == "error"


def test_a_failed_startup_is_annotated(run_cli: CliRun) -> None:
    lines = render(run_cli, "github", "tests.integration.apps.failing_startup:app").splitlines()
    name, properties, message = parse_command(lines[0])
    assert name == "error" and properties["title"] == "asgion: lifespan startup failed"
    assert "database unreachable" in message


def test_paths_are_relative_to_the_workspace(run_cli: CliRun, in_project: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(in_project.parent))
    line = next(line for line in render(run_cli, "github", BUGGY).splitlines() if "HF-002" in line)
    assert parse_command(line)[1]["file"] == f"{in_project.name}/examples/buggy_app.py"


def test_a_scope_that_met_a_finding_twice_counts_once_in_its_annotation(
        run_cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_module(tmp_path, monkeypatch, "late_bodies", """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"x"})
    for _ in range(3):
        await send({"type": "http.response.body", "body": b"late"})
""")
    lines = render(run_cli, "github", app, "--path", "/").splitlines()
    [late] = [message for _, props, message in map(parse_command, lines) if props.get("title") == "asgion HF-004"]
    assert "[GET /]" in late, late


def test_when_notices_are_full_the_last_one_makes_room_for_the_count(
        run_cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_module(tmp_path, monkeypatch, "many_notices", """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await receive()
    kind = "text/x" + scope["path"].strip("/")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", kind.encode())]})
    await send({"type": "http.response.body", "body": b"x"})
""")
    paths = [arg for i in range(14) for arg in ("--path", f"/p{i}")]
    parsed = [parse_command(line) for line in render(run_cli, "github", app, *paths).splitlines()]
    assert [name for name, _, _ in parsed].count("notice") == 10
    name, props, message = parsed[-1]
    assert name == "notice" and props.get("title") == "asgion"
    total = json.loads(render(run_cli, "json", app, *paths))["summary"]["total"]
    assert sum(represented(m) for _, _, m in parsed[:-1]) + int(message.split()[0]) == total
