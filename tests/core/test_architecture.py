"""The house rules of DESIGN.md section 1, and the catalogue staying true to RULES.md."""

from __future__ import annotations

import ast
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


#: Modules allowed one extra import: the core's pytest plugin may import pytest (DESIGN section 1).
EXTRA = {"asgion_core/pytest_plugin.py": {"pytest"}}


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


CATALOGUE = ROOT.parent / "shared" / "RULES.md"


@pytest.mark.skipif(not CATALOGUE.is_file(), reason="the shared rule catalogue is not beside the checkout")
def test_generated_rule_data_matches_the_catalogue() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    import gen_rules

    layers = gen_rules.parse(CATALOGUE.read_text(encoding="utf-8"))
    for prefix, target in gen_rules.TARGETS.items():
        rows = [r for layer, rs in layers.items() if layer.split(".")[0] == prefix for r in rs]
        doc = f"The catalogue rows of the {prefix!r} layers: metadata only, the checks live elsewhere."
        assert target.read_text(encoding="utf-8") == gen_rules.render(rows, doc), f"regenerate {target.name}"
