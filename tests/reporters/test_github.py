"""The GitHub reporter: workflow commands with file and line, escaped as the runner expects."""

from __future__ import annotations

from pathlib import Path

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
