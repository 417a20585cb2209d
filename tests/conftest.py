from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from asgion_cli.main import main

# The suite is hermetic: third-party plugins installed next to asgion (the example plugins, in CI) do not take part
# unless a test asks for them (tests/plugins). Built-in plugins always load.
os.environ["ASGION_DISABLE_PLUGIN_AUTOLOAD"] = "1"

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

CliRun = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """Run the real ``asgion`` entry point in-process and return (exit code, stdout, stderr)."""
    monkeypatch.delenv("NO_COLOR", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as info:
            main(list(args))
        out, err = capsys.readouterr()
        code = info.value.code
        return (code if isinstance(code, int) else 0), out, err

    return run
