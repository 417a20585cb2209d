"""The house rules of the architecture, and the rule catalogue owned by the package."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {
    "asgion_core": {"pluggy"},
    "asgion_http": {"asgion_core"},
    "asgion_websocket": {"asgion_core"},
    "asgion_lifespan": {"asgion_core"},
    "asgion_reporters": {"asgion_core", "rich"},
}
OURS = {"asgion", "asgion_core", "asgion_http", "asgion_reporters", "asgion_cli", "asgion_websocket",
        "asgion_lifespan"}


#: A string that names a module of one of our packages, the way importlib.import_module is given one.
DOTTED = re.compile(r"^(asgion|asgion_[a-z]+)\.[A-Za-z_][\w.]*$")
#: Modules allowed one extra import: the core's pytest plugin may import pytest (DESIGN section 1), and from its
#: own distribution the runner the standard test protocol is made of (``_pytest.runner``).
EXTRA = {"asgion_core/pytest_plugin.py": {"pytest", "_pytest"}}


def imports(package: str) -> set[str]:
    """Top-level modules imported anywhere in ``package`` (each file's allowed extras not counted)."""
    found: set[str] = set()
    for file in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and DOTTED.match(node.value):
                names.add(node.value.split(".")[0])  # a string import: importlib.import_module("asgion_x.y")
        found |= names - EXTRA.get(file.relative_to(ROOT).as_posix(), set())
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_import_rules(package: str) -> None:
    stdlib = set(sys.stdlib_module_names)
    foreign = {m for m in imports(package) if m not in stdlib and m != package}
    assert foreign <= ALLOWED[package], f"{package} imports {foreign - ALLOWED[package]}"


def test_core_import_loads_no_cli_dependencies() -> None:
    code = ("import sys, asgion; asgion.Inspector(lambda s, r, se: None); "
            "print(sorted(m for m in ('click', 'rich', 'tomlkit') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_docs_rules_md_is_generated_from_the_rule_data() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    import gen_rules

    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == gen_rules.render(gen_rules.builtin_rules()), "run python tools/gen_rules.py"


def test_nothing_in_the_repository_reads_the_shared_folder() -> None:
    """The package owns its catalogue: no source, tool, test or CI step opens ../shared (the shared folder is
    only a reference for people)."""
    own = Path(__file__).resolve()
    offenders = []
    for path in ROOT.rglob("*"):
        if (not path.is_file() or path == own or (path.suffix not in {".py", ".toml", ".sh", ".cfg", ".yml", ".yaml"}
                and path.name != "run")):
            continue
        if any(part.startswith(".") and part not in {".ci", ".github"} for part in path.relative_to(ROOT).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r'\.\./shared|/ "shared"|"shared" /|shared/(RULES|DESIGN)\.md', text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_rule_texts_carry_no_changelog() -> None:
    """Summaries and hints say what a rule checks and how to fix it; history lives in ``Rule.changes``."""
    from asgion_core.plugins import create_plugin_manager

    for rule in create_plugin_manager(autoload=False, env={}).rule_registry():
        text = f"{rule.summary} {rule.hint}"
        assert "Changed:" not in text and "0.6.1" not in text, rule.id
        assert not re.search(r"\b[AB]\d{1,2}\b", text), rule.id
