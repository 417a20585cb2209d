from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, CliRun

BUGGY = "examples/buggy_app.py:app"
BUGGY_LINE = next(i for i, line in enumerate((EXAMPLES / "buggy_app.py").read_text().splitlines(), 1)
                  if "http.response.body" in line)


@pytest.fixture
def in_project(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the project root, as CI does, so paths in reports are project-relative."""
    root = EXAMPLES.parent
    monkeypatch.chdir(root)
    return root


def render(run_cli: CliRun, fmt: str, *args: str) -> str:
    code, out, err = run_cli("check", *args, "--format", fmt)
    assert code in (0, 1), err
    return out


def render_json(run_cli: CliRun, fmt: str, *args: str) -> Any:
    return json.loads(render(run_cli, fmt, *args))
