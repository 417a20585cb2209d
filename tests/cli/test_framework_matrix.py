"""The framework matrix: ``asgion check APP`` with no options, on a real app of every supported framework.

Each app (tests/cli/framework_apps) has routes under a mount, include, router or blueprint, path parameters of
several types, a JSON body and a WebSocket route with a parameter; its bugs sit on routes other than ``/``. The
check must find every bug and name the handler's file and line, and the correct twin must give nothing at warning
or above of its own. Each check runs in its own interpreter, as a user runs it: Django's settings, Sanic's app
registry and BlackSheep's default router are per process.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = Path(__file__).parent / "framework_apps"
PACKAGE = "tests.cli.framework_apps"


@dataclass(frozen=True)
class Bug:
    """A planted bug: the scope it shows on, the rule it breaks, and the handler (function or class) that made it."""

    label: str
    rule_id: str
    handler: str


@dataclass(frozen=True)
class Framework:
    buggy: str
    clean: str
    bugs: tuple[Bug, ...]
    #: Findings at warning or above that the framework itself makes on every app, correct or not (its own code
    #: breaks the rule; docs/frameworks.md explains each): the clean twin may show these and nothing else.
    framework_findings: frozenset[str] = frozenset()
    module: str = ""
    #: Django's own ASGI handler serves HTTP only (WebSockets need Channels).
    websocket: bool = True
    #: Whether the framework answers HEAD on GET routes (and so declares it): Starlette, Quart, Django.
    head: bool = False


MATRIX = {
    "starlette": Framework("starlette_app:app", "starlette_app:clean", (
        Bug("GET /api/items/1", "SEM-003", "read_item_wrong_length"),
        Bug("WS /ws/x", "WF-014", "chat_without_close")), head=True),
    "fastapi": Framework("fastapi_app:app", "fastapi_app:clean", (
        Bug("GET /api/items/1", "SEM-003", "read_item_wrong_length"),
        Bug("WS /ws/1", "WF-014", "chat_without_close"))),
    "litestar": Framework("litestar_app:app", "litestar_app:clean", (
        Bug("GET /api/items/1", "SEM-003", "read_item_wrong_length"),
        Bug("WS /ws/1", "WF-014", "chat_without_close"))),
    "quart": Framework("quart_app:app", "quart_app:clean", (
        Bug("GET /api/items/1", "HF-012", "read_item_no_content"),
        Bug("WS /ws/1", "WF-004", "chat_after_close")), head=True),
    "django": Framework("django_app:app", "django_clean_app:app", (
        Bug("GET /api/items/1", "SEM-003", "read_item_wrong_length"),),
        framework_findings=frozenset({"HE-009"}), module="django_views", websocket=False, head=True),
    "falcon": Framework("falcon_app:app", "falcon_app:clean", (
        Bug("GET /api/items/1", "SEM-003", "ItemWithWrongLength"),)),
    "blacksheep": Framework("blacksheep_app:app", "blacksheep_app:clean", (
        Bug("GET /api/items/1", "HF-012", "read_item_without_content"),
        Bug("WS /ws/1", "WF-014", "chat_without_close"))),
    "sanic": Framework("sanic_app:app", "sanic_app:clean", (
        Bug("GET /api/items/1", "HE-007", "read_item_bad_status"),),
        framework_findings=frozenset({"G-010"})),
}


def check(spec: str) -> dict[str, Any]:
    """``asgion check`` on ``spec`` with no options but the JSON format, in a fresh interpreter."""
    env = {**os.environ, "ASGION_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "asgion", "check", f"{PACKAGE}.{spec}", "--format", "json"],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def handler_lines(module: str, name: str) -> range:
    """The lines of the function or class ``name`` in ``module``, decorators included."""
    tree = ast.parse((APPS / f"{module}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return range(first, (node.end_lineno or node.lineno) + 1)
    raise AssertionError(f"no {name} in {module}")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_bug_is_found_at_its_handler(name: str) -> None:
    framework = MATRIX[name]
    data = check(framework.buggy)
    by_label = {s["label"]: s for s in data["scopes"]}
    assert any("discovered routes" in note for note in data["notes"]), data["notes"]
    module = framework.module or framework.buggy.partition(":")[0]
    for bug in framework.bugs:
        assert bug.label in by_label, f"{bug.label} was not driven: {sorted(by_label)}"
        [finding] = [v for v in by_label[bug.label]["violations"] if v["rule_id"] == bug.rule_id] or [None]
        assert finding is not None, f"{bug.rule_id} not found on {bug.label}"
        location = finding["location"]
        assert location is not None and location["file"].endswith(f"framework_apps/{module}.py"), finding
        assert location["line"] in handler_lines(module, bug.handler), (finding, bug)
    driven = {label.split(" ")[0] for label in by_label}
    expected = {"GET", "POST"} | ({"WS"} if framework.websocket else set()) | ({"HEAD"} if framework.head else set())
    assert expected <= driven and ("HEAD" in driven) == framework.head


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_clean_twin_has_no_finding_of_its_own(name: str) -> None:
    framework = MATRIX[name]
    data = check(framework.clean)
    findings = [v for s in data["scopes"] for v in s["violations"]]
    serious = {v["rule_id"] for v in findings if v["severity"] in ("error", "warning")}
    assert serious <= framework.framework_findings, [v for v in findings if v["rule_id"] in serious]
    assert all(v["owner"] == "framework" for v in findings if v["rule_id"] in framework.framework_findings)
    assert not [v for v in findings if v["owner"] == "server"], "the driver is a correct server and client"
    statuses = {s["label"]: s.get("status") for s in data["scopes"] if s["scope_type"] == "http"}
    post = next(label for label in statuses if label.startswith("POST "))
    assert statuses[post] in (200, 201), f"the JSON-body route reached its handler: {statuses}"
    assert not [s["label"] for s in data["scopes"] if s["exception"] or s["timed_out"]]
    assert not data["internal_errors"] and not data["plugin_errors"]
