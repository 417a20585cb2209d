"""``asgion init``: write a commented config, as ``.asgion.toml`` or as a ``[tool.asgion]`` table.

The pyproject form never rewrites the user's file: the new table (rendered with tomlkit) is appended at the end, so
every byte outside it stays as it was, and the result is parsed before it is written.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from asgion_cli.errors import UserError
from asgion_core.config import AsgionConfig, ConfigError, parse_config

DEFAULTS = AsgionConfig()

#: (key, example value, explanation). Every config key appears here; a test keeps it so.
OPTIONS: list[tuple[str, Any, str]] = [
    ("app", "main:app", "The app for 'asgion check' without an argument: module:attr, module:factory() or "
                        "path/to/file.py:attr."),
    ("paths", ["/", "POST:/items", "ws:/chat"], "Connections to drive: [METHOD:]/path, ws:/path or wss:/path."),
    ("profile", DEFAULTS.profile, "Rule profile: strict (every rule, preview too), recommended, minimal (errors "
                                  "only), or a profile defined below."),
    ("min_severity", "info", "Report only this severity and above: error > warning > info > perf."),
    ("include_rules", ["HS-031"], "Rules to add to the profile: ids, prefixes (HF) or globs (SEM-00*)."),
    ("exclude_rules", ["SEM-013"], "Rules to switch off: ids, prefixes or globs."),
    ("select", ["HF", "HE"], "Only these rules (replaces the profile's selection)."),
    ("categories", ["http", "websocket"], "Only rules of these layers (http, http.fsm, ws, lifespan, general...)."),
    ("exclude_paths", ["/health*"], "Paths the Inspector passes through unchecked (globs)."),
    ("ttfb_threshold", DEFAULTS.ttfb_threshold, "SEM-006: seconds from the app call to http.response.start."),
    ("lifecycle_threshold", DEFAULTS.lifecycle_threshold, "SEM-007: seconds from the app call to the response "
                                                          "being complete."),
    ("body_delivery_threshold", DEFAULTS.body_delivery_threshold, "SEM-010: seconds from the start to the end of "
                                                                  "the body."),
    ("startup_threshold", DEFAULTS.startup_threshold, "LF-014: seconds lifespan startup may take."),
    ("body_size_threshold", DEFAULTS.body_size_threshold, "SEM-008: bytes of response body."),
    ("buffer_chunk_threshold", DEFAULTS.buffer_chunk_threshold, "SEM-009: bytes sent in one single body message."),
    ("chunk_count_threshold", DEFAULTS.chunk_count_threshold, "SEM-011: body messages in one response."),
    ("redact", ["x-internal-*"], "More names (globs) whose values traces and reports never hold: headers, query "
                                "parameters, form and JSON fields; added to the defaults (authorization, cookie, "
                                "*token*, *secret*, *password*, ...)."),
    ("blame", "app", "Which findings to report: all (default), or app: only those sent from your own code (not "
                     "from an installed framework, not the server's or client's)."),
    ("user_packages", ["mycompany_web"], "Installed packages (top-level module names) to treat as your own code: "
                                         "findings point into them."),
    ("library_packages", ["vendored_framework"], "Packages in your tree to treat as third-party: findings point "
                                                 "past them, at your code."),
    ("redact_replace", ["authorization"], "The names to redact instead of the defaults (an empty list redacts "
                                          "nothing)."),
]
ACTIVE = {"profile"}
PROFILE_EXAMPLE = ("# A profile of your own: asgion check --profile ci\n"
                   "# [{prefix}profiles.ci]\n"
                   '# extends = "strict"\n'
                   '# exclude_rules = ["SEM"]\n'
                   "\n"
                   "# Options of a plugin, checked by that plugin (see its docs; names: asgion plugins)\n"
                   "# [{prefix}plugins.NAME]\n"
                   "\n"
                   "# A connection with its own method, headers and body (repeat the table for more)\n"
                   "# [[{prefix}requests]]\n"
                   '# method = "POST"\n'
                   '# path = "/items"\n'
                   '# headers = {{authorization = "Bearer test-token"}}\n'
                   '# json = {{name = "widget"}}   # or body = "raw text"; ws_send = ["hello"] for ws: paths\n')


def render(app: str | None, *, prefix: str) -> str:
    """The config body: every option explained, commented out unless it is active or given."""
    header = f"[{prefix[:-1]}]\n" if prefix else ""
    lines = ["# asgion configuration: every option, with what it does. Uncomment what you need.",
             "# Rule ids and layers: 'asgion rules'. Docs: README.md.", ""]
    for key, example, explanation in OPTIONS:
        value = app if key == "app" and app else example
        line = tomlkit.dumps({key: value}).strip()
        lines.append(f"# {explanation}")
        lines.append(line if key in ACTIVE or (key == "app" and app) else f"# {line}")
        lines.append("")
    body = header + "\n".join(lines) + PROFILE_EXAMPLE.format(prefix=prefix)
    return body


def write_dot_file(directory: Path, app: str | None, force: bool) -> Path:
    target = directory / ".asgion.toml"
    if target.exists() and not force:
        raise UserError(f"{target} exists; use --force to overwrite it")
    text = render(app, prefix="")
    _validate(text, target, pyproject=False)
    target.write_text(text, encoding="utf-8")
    return target


def add_to_pyproject(directory: Path, app: str | None, force: bool) -> Path:
    target = directory / "pyproject.toml"
    if not target.is_file():
        raise UserError(f"{target} does not exist; run 'asgion init' for a .asgion.toml instead")
    original = target.read_text(encoding="utf-8")
    try:
        current = tomlkit.parse(original)
    except Exception as exc:
        raise UserError(f"{target} is not valid TOML: {exc}") from None
    tool = current.get("tool")
    text = original
    if isinstance(tool, (dict, Table)) and "asgion" in tool:
        if not force:
            raise UserError(f"{target} already has a [tool.asgion] table; use --force to replace it")
        text = _without_table(original)
        if "asgion" in tomllib.loads(text).get("tool", {}):
            raise UserError(f"{target} defines tool.asgion in a way asgion init cannot replace; edit it by hand")
    if text and not text.endswith("\n"):
        text += "\n"
    new = text + ("\n" if text.strip() else "") + render(app, prefix="tool.asgion.")
    _validate(new, target, pyproject=True)
    target.write_text(new, encoding="utf-8")
    return target


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _without_table(text: str) -> str:
    """``text`` without the ``[tool.asgion]`` and ``[tool.asgion.*]`` sections (header to the next header)."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line)
        if header:
            name = re.sub(r"\s+", "", header.group(1))
            skipping = name == "tool.asgion" or name.startswith("tool.asgion.")
        if not skipping:
            kept.append(line)
    return "".join(kept).rstrip("\n") + "\n"


def _validate(text: str, target: Path, *, pyproject: bool) -> None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{target}: adding [tool.asgion] would make invalid TOML ({exc}); edit it by hand") from None
    table = data.get("tool", {}).get("asgion", {}) if pyproject else data
    try:
        parse_config(table, target)
    except ConfigError as exc:  # the template is tested to be valid; this guards a hand-edited pyproject
        raise UserError(str(exc)) from None
