"""Every user mistake: exit code 2 and one line on stderr that says what to do, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliRun

BUGGY = f"{EXAMPLES / 'buggy_app.py'}:app"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


CASES = {
    "app not MODULE:ATTR": (lambda t: ["check", "main"], "is not MODULE:ATTR"),
    "missing module": (lambda t: ["check", "no_such_module_xyz:app"], "no such module"),
    "missing file": (lambda t: ["check", "nowhere/app.py:app"], "does not exist"),
    "missing attribute": (lambda t: ["check", "tests.cli.apps:nope"], "has no attribute 'nope'"),
    "syntax error": (lambda t: ["check", write(t, "broken.py", "def (:\n") + ":app"], "syntax error"),
    "exception at import": (lambda t: ["check", write(t, "boom.py", "raise RuntimeError('no env')\n") + ":app"],
                            "raised RuntimeError: no env"),
    "exit at import": (lambda t: ["check", write(t, "quits.py", "import sys\nsys.exit(3)\n") + ":app"],
                       "raised SystemExit"),
    "not callable": (lambda t: ["check", "tests.cli.apps:not_callable"], "not an ASGI app"),
    "sync function": (lambda t: ["check", "tests.cli.apps:sync_app"], "regular function"),
    "factory raises": (lambda t: ["check", "tests.cli.apps:raises()"], "factory"),
    "no app at all": (lambda t: ["check"], "no APP given"),
    "bad --path": (lambda t: ["check", BUGGY, "--path", "items"], "is not /PATH, METHOD:/PATH, ws:/PATH"),
    "bad -H": (lambda t: ["check", BUGGY, "-H", "no colon"], "is not 'Name: value'"),
    "bad config key": (lambda t: ["check", BUGGY, "--config", write(t, "c.toml", "colour = 1\n")],
                       "unknown key 'colour'"),
    "bad config type": (lambda t: ["check", BUGGY, "--config", write(t, "c.toml", "paths = 3\n")],
                        "paths must be a list"),
    "config for no plugin": (lambda t: ["check", BUGGY, "--config", write(t, "c.toml", "[plugins.nope]\nx = 1\n")],
                            "no installed plugin is named 'nope'"),
    "plugins not tables": (lambda t: ["check", BUGGY, "--config", write(t, "c.toml", "plugins = 3\n")],
                           "plugins must be a table of tables"),
    "missing config": (lambda t: ["check", BUGGY, "--config", str(t / "none.toml")], "does not exist"),
    "unknown profile": (lambda t: ["check", BUGGY, "--profile", "paranoid"], "unknown profile 'paranoid'"),
    "unknown rule": (lambda t: ["check", BUGGY, "--exclude-rules", "HF-999"], "unknown rule id 'HF-999'"),
    "unknown format": (lambda t: ["check", BUGGY, "--format", "xml"], "unknown format 'xml'"),
    "timeout not positive": (lambda t: ["check", BUGGY, "--timeout", "0"], "--timeout"),
    "unknown option": (lambda t: ["check", BUGGY, "--colour"], "No such option"),
    "unknown command": (lambda t: ["chekc"], "No such command"),
    "unknown plugin": (lambda t: ["check", BUGGY, "-p", "no_such_plugin_xyz"], "cannot load plugin"),
    "unknown rule to explain": (lambda t: ["rules", "HF-999"], "unknown rule"),
    "unwritable --out": (lambda t: ["check", BUGGY, "--out", str(t / "missing" / "r.json")], "cannot write"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_user_mistake(name: str, run_cli: CliRun, tmp_path: Path) -> None:
    make_args, expected = CASES[name]
    code, out, err = run_cli(*make_args(tmp_path))
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("asgion: error: ") and expected in lines[0]
    assert "Traceback" not in err + out
