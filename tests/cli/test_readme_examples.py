"""The README's discovery example is what ``asgion check`` prints on the bundled FastAPI shop."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CliRun

ROOT = Path(__file__).resolve().parents[2]


def readme_block(heading: str) -> list[str]:
    """The lines of the first ``text`` code block under ``heading`` in README.md."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index(heading):]
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block is not None
    return block.group(1).splitlines()


def test_the_discovery_example_is_real(run_cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "110")
    lines = readme_block("### Zero configuration")
    command = lines[0].removeprefix("$ ").split()
    assert command[:2] == ["asgion", "check"]
    code, out, err = run_cli(*command[1:])
    assert code == 0, err
    printed = out.splitlines()
    shown = [line for line in lines[1:] if line.strip() and line.strip() != "..."]
    missing = [line for line in shown if line not in printed]
    assert not missing, out
    assert any(line.startswith("note: 5 operations on 5 discovered routes (starlette)") for line in printed)
