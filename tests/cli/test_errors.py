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


def write_bytes(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
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
    # issue 17, item 9
    "undecodable --path": (lambda t: ["check", BUGGY, "--path", "/\udcff"], "is not valid UTF-8 text"),
    "surrogate -d": (lambda t: ["check", BUGGY, "-d", "\ud800"], "not text"),
    "non-ascii header name": (lambda t: ["check", BUGGY, "-H", "naïve: 1"], "header name"),
    "non-UTF-8 config": (lambda t: ["check", BUGGY, "--config", write_bytes(t, "c.toml", b"paths = ['\xff']\n")],
                         "not UTF-8"),
    "tool.asgion not a table": (lambda t: ["check", BUGGY, "--config", write(t, "pyproject.toml",
                                                                              "[tool]\nasgion = 'x'\n")],
                                "tool.asgion must be a table"),
    "tool not a table": (lambda t: ["check", BUGGY, "--config", write(t, "pyproject.toml", "tool = 3\n")],
                         "'tool' must be a table"),
    "app path too long": (lambda t: ["check", "a" * 5000 + ".py:app"], "File name too long"),
    "module __getattr__ raises": (lambda t: ["check", write(t, "lazy.py", "def __getattr__(name):\n"
                                                                           "    raise RuntimeError('lazy')\n")
                                             + ":app"], "raised RuntimeError: lazy"),
    "factory exits 0": (lambda t: ["check", write(t, "f0.py", "import sys\ndef make():\n    sys.exit(0)\n")
                                   + ":make()"], "raised SystemExit: 0"),
    "factory exits 3": (lambda t: ["check", write(t, "f3.py", "import sys\ndef make():\n    sys.exit(3)\n")
                                   + ":make()"], "raised SystemExit: 3"),
    "factory interrupted": (lambda t: ["check", write(t, "fk.py", "def make():\n    raise KeyboardInterrupt\n")
                                       + ":make()"], "raised KeyboardInterrupt"),
    "async factory": (lambda t: ["check", write(t, "fa.py", "async def make():\n    return None\n") + ":make()"],
                      "is 'async def'"),
    "timeout nan": (lambda t: ["check", BUGGY, "--timeout", "nan"], "finite"),
    "timeout inf": (lambda t: ["check", BUGGY, "--timeout", "inf"], "finite"),
    "NaN threshold": (lambda t: ["check", BUGGY, "--config", write(t, "c.toml", "ttfb_threshold = nan\n")],
                      "must be a positive number"),
    "unused circular profile": (lambda t: ["check", BUGGY, "--config", write(
        t, "c.toml", "[profiles.a]\nextends = 'b'\n[profiles.b]\nextends = 'a'\n")], "in a circle"),
    "--select matches nothing": (lambda t: ["check", BUGGY, "--select", "HX"], "matches no rule (did you mean"),
    "--layer matches nothing": (lambda t: ["check", BUGGY, "--layer", "htp"], "did you mean 'http'?"),
    "categories match nothing": (lambda t: ["check", BUGGY, "--config", write(t, "c.toml",
                                                                               "categories = ['websockets']\n")],
                                 "matches no rule's layer"),
    "-p no: unknown": (lambda t: ["check", BUGGY, "-p", "no:htp"], "did you mean 'http'?"),
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
