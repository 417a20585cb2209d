"""``asgion init``: a commented .asgion.toml, or a [tool.asgion] table appended to pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from asgion import load_config
from asgion_cli.init import OPTIONS
from asgion_core.config import KNOWN_KEYS
from tests.conftest import CliRun

PYPROJECT = '''# Demo project, with comments and odd layout that must survive.
[project]
name    = "demo"      # aligned on purpose
version = "1.0"
dependencies = [
  "starlette",  # web
]

[tool.ruff]
line-length = 100  # wide

# a comment that belongs to the scripts table below
[project.scripts]
demo = "demo:main"'''


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_template_covers_every_config_key() -> None:
    assert {key for key, _, _ in OPTIONS} == KNOWN_KEYS - {"profiles", "plugins", "requests"}  # tables, shown apart


def test_dot_file_has_every_option_explained(run_cli: CliRun, workdir: Path) -> None:
    code, out, _ = run_cli("init", "--app", "main:app")
    assert code == 0 and "wrote .asgion.toml" in out
    text = (workdir / ".asgion.toml").read_text()
    for key, _, explanation in OPTIONS:
        assert f"{key} = " in text and explanation in text
    config = load_config(workdir / ".asgion.toml")
    assert config.app == "main:app" and config.profile == "recommended"
    assert "[profiles.ci]" in text and "[plugins.NAME]" in text


def test_dot_file_is_not_overwritten_without_force(run_cli: CliRun, workdir: Path) -> None:
    (workdir / ".asgion.toml").write_text("profile = 'strict'\n")
    code, _, err = run_cli("init")
    assert code == 2 and "use --force" in err
    assert (workdir / ".asgion.toml").read_text() == "profile = 'strict'\n"
    assert run_cli("init", "--force")[0] == 0
    assert load_config(workdir / ".asgion.toml").profile == "recommended"


def test_pyproject_round_trips_byte_for_byte_outside_the_table(run_cli: CliRun, workdir: Path) -> None:
    (workdir / "pyproject.toml").write_text(PYPROJECT)
    code, _, err = run_cli("init", "--pyproject", "--app", "demo:app")
    assert code == 0, err
    text = (workdir / "pyproject.toml").read_text()
    assert text.startswith(PYPROJECT), "everything before the added table is unchanged"
    added = text[len(PYPROJECT):]
    assert added.lstrip("\n").startswith("[tool.asgion]\n")
    data = tomllib.loads(text)
    assert data["tool"]["ruff"] == {"line-length": 100} and data["project"]["scripts"] == {"demo": "demo:main"}
    config = load_config(workdir / "pyproject.toml")
    assert config.app == "demo:app"


def test_pyproject_table_is_not_replaced_without_force(run_cli: CliRun, workdir: Path) -> None:
    original = PYPROJECT + '\n\n[tool.asgion]\nprofile = "strict"\n\n[tool.asgion.profiles.mine]\nextends = ' \
                           '"minimal"\n\n[tool.black]\nline-length = 90\n'
    (workdir / "pyproject.toml").write_text(original)
    code, _, err = run_cli("init", "--pyproject")
    assert code == 2 and "already has a [tool.asgion] table" in err
    assert (workdir / "pyproject.toml").read_text() == original
    assert run_cli("init", "--pyproject", "--force")[0] == 0
    text = (workdir / "pyproject.toml").read_text()
    assert text.startswith(PYPROJECT) and "[tool.black]\nline-length = 90\n" in text
    assert "profiles.mine" not in text and text.count("[tool.asgion]") == 1
    assert load_config(workdir / "pyproject.toml").profile == "recommended"


def test_pyproject_mistakes(run_cli: CliRun, workdir: Path) -> None:
    code, _, err = run_cli("init", "--pyproject")
    assert code == 2 and "does not exist" in err
    (workdir / "pyproject.toml").write_text("tool = { asgion = 1 ")
    code, _, err = run_cli("init", "--pyproject")
    assert code == 2 and "not valid TOML" in err
    (workdir / "pyproject.toml").write_text('tool = { black = { line-length = 90 } }\n')
    code, _, err = run_cli("init", "--pyproject")
    assert code == 2 and "invalid TOML" in err
