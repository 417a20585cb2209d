"""Text output that scales and teaches: grouping, statistics, wrapping, colour, details with ``-v``, progress."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
from pathlib import Path

import pytest

from asgion_cli.terminal import PROGRESS_AFTER, Progress, line_width, use_color
from tests.conftest import EXAMPLES, CliRun

BUGGY = f"{EXAMPLES / 'buggy_app.py'}:app"
PATHS = [f"/page/{n}" for n in range(9)]


def many_paths(*args: str) -> list[str]:
    return [item for path in PATHS for item in ("--path", path)] + list(args)


def test_the_same_finding_on_many_scopes_is_shown_once(run_cli: CliRun) -> None:
    out = run_cli("check", BUGGY, *many_paths())[1]
    assert out.count("HF-002") == 1
    assert ("on 9 scopes: GET /page/0, GET /page/1, GET /page/2, GET /page/3, GET /page/4, GET /page/5, "
            "and 3 more") in out
    assert all(f"GET /page/{n}" in out.split("In your code")[0] for n in range(9)), "every scope keeps its line"


def test_statistics_count_per_rule(run_cli: CliRun) -> None:
    out = run_cli("check", BUGGY, *many_paths("--statistics"))[1]
    rows = {m.group(2): int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\s+([A-Z]+-\d{3})\s", out, re.M)}
    assert rows["HF-002"] == 9 and rows["SEM-013"] == 9
    assert "hint:" not in out, "statistics replace the listing"
    data = json.loads(run_cli("check", BUGGY, *many_paths("--format", "json"))[1])
    assert sum(g["count"] for g in data["violations"] if g["rule_id"] == "HF-002") == rows["HF-002"]


def test_lines_wrap_at_columns_with_a_hanging_indent(run_cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    lines = run_cli("check", BUGGY, *many_paths())[1].splitlines()
    assert max(len(line) for line in lines) <= 60
    start = next(i for i, line in enumerate(lines) if "on 9 scopes" in line)
    column = lines[start].index("on 9 scopes")
    assert lines[start + 1].startswith(" " * column) and lines[start + 1][column] != " ", "continuation hangs"
    monkeypatch.delenv("COLUMNS")
    assert any(len(line) > 60 for line in run_cli("check", BUGGY, *many_paths())[1].splitlines()), \
        "a pipe gets unwrapped lines"


@pytest.mark.parametrize(("args", "env", "colored"), [
    (("--color", "always"), {}, True),
    (("--color", "never"), {"FORCE_COLOR": "1"}, False),
    ((), {"FORCE_COLOR": "1"}, True),
    ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ((), {}, False),  # captured output is no terminal
    (("--color", "always", "--no-color"), {}, False),
])
def test_color_choice(args: tuple[str, ...], env: dict[str, str], colored: bool, run_cli: CliRun,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert ("\x1b[" in run_cli("check", BUGGY, *args)[1]) is colored


def test_terminal_decisions_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "0")
    assert use_color("auto", io.StringIO()) is False, "FORCE_COLOR=0 forces nothing"
    monkeypatch.setenv("COLUMNS", "not a number")
    assert line_width(io.StringIO()) is None
    monkeypatch.setenv("COLUMNS", "132")
    assert line_width(io.StringIO()) == 132


def test_verbose_shows_status_headers_and_body_size(run_cli: CliRun, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cookie_app.py").write_text(
        "async def app(scope, receive, send):\n"
        "    if scope['type'] != 'http':\n"
        "        return\n"
        "    await send({'type': 'http.response.start', 'status': 201, 'headers': [\n"
        "        (b'content-type', b'text/plain; charset=utf-8'), (b'set-cookie', b'session=s3cr3t')]})\n"
        "    await send({'type': 'http.response.body', 'body': b'hello', 'more_body': True})\n"
        "    await send({'type': 'http.response.body', 'body': b' world'})\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    out = run_cli("check", "cookie_app:app", "-v")[1]
    assert "GET /  201" in out
    assert "body: 11 bytes in 2 messages" in out and "content-type: text/plain; charset=utf-8" in out
    assert "set-cookie:" in out and "s3cr3t" not in out, "secret header values are redacted"
    assert "body:" not in run_cli("check", "cookie_app:app")[1]


def test_rules_table_fits_80_columns(run_cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = run_cli("rules")[1]
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out.splitlines()[0].split() == ["id", "severity", "name", "summary"]


def test_rules_piped_keep_every_summary_whole_on_one_line(run_cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    out = run_cli("rules")[1]  # not a terminal: grep and files get whole lines
    [ex009] = [line for line in out.splitlines() if line.startswith("EX-009 ")]
    assert ex009.endswith("without that exact message type as a key.") and "…" not in out
    assert out.splitlines()[0].split() == ["id", "severity", "name", "summary"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_appears_on_a_terminal_only_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    master, replica = pty.openpty()
    terminal = os.fdopen(replica, "w")
    monkeypatch.setattr("sys.stderr", terminal)
    clock = FakeClock()
    progress = Progress(4, clock=clock)
    assert progress.enabled, "a terminal gets the progress display"
    progress.update(1, "GET /a")
    terminal.flush()
    assert _read_all(master) == "", "a short run prints nothing extra"
    clock.now = PROGRESS_AFTER + 0.1
    progress.update(2, "GET /b")
    progress.stop()
    terminal.flush()
    shown = _read_all(master)
    terminal.close()
    os.close(master)
    assert "2/4" in shown and "GET /b" in shown
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert not Progress(4, clock=clock).enabled, "silent when stderr is no terminal"


def _read_all(fd: int) -> str:
    chunks = []
    while select.select([fd], [], [], 0.2)[0]:
        chunks.append(os.read(fd, 65536))
    return b"".join(chunks).decode(errors="replace")


def test_a_lifespan_the_app_does_not_speak_is_not_called_ok(run_cli: CliRun) -> None:
    out = run_cli("check", "tests.cli.apps:raises", "--color", "never")[1]
    assert out.splitlines()[0].split() == ["lifespan", "unsupported"]
    assert run_cli("check", "examples/clean_app.py:app", "--color", "never")[1].splitlines()[0].split() == \
        ["lifespan", "ok"]
