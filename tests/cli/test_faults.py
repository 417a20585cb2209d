"""The CLI driver under faulty apps: every scope and finding reaches the report, the driver invents none."""

from __future__ import annotations

import json
from pathlib import Path

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
