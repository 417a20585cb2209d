"""Regenerate the rule-metadata modules from the shared rule catalogue (RULES.md).

Rule ids, names, severities and texts are public API, and RULES.md is their single source of truth. This script
turns the catalogue's table rows into plain Python data so the installed package never needs the markdown file.
Run it after the catalogue changes: ``python tools/gen_rules.py ../shared/RULES.md``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Which generated module receives the rules of which layer prefix.
TARGETS = {
    "general": ROOT / "asgion_core" / "general_catalogue.py",
    "http": ROOT / "asgion_http" / "catalogue.py",
    "ws": ROOT / "asgion_websocket" / "catalogue.py",
    "lifespan": ROOT / "asgion_lifespan" / "catalogue.py",
}


def parse(text: str) -> dict[str, list[dict[str, str]]]:
    """Return the rule rows of the catalogue grouped by layer heading."""
    layers: dict[str, list[dict[str, str]]] = {}
    layer = ""
    for line in text.splitlines():
        heading = re.match(r"^### (\S+)", line)
        if heading:
            layer = heading.group(1)
            continue
        row = re.match(r"^\| ([A-Z]+-\d{3}) \|", line)
        if not row or not layer:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        rid, name, severity, side, status, default, trigger, hint = cells
        layers.setdefault(layer, []).append(
            dict(id=rid, name=name, severity=severity, side=side, status=status,
                 default=default, trigger=trigger, hint="" if hint == "-" else hint, layer=layer)
        )
    return layers


def render(rows: list[dict[str, str]], doc: str) -> str:
    note = "Generated from the rule catalogue by tools/gen_rules.py; edit the catalogue, not this file."
    out = [f'"""{doc}\n\n{note}\n"""',
           "", "from asgion_core.rules import Rule, Severity", "", "RULES: tuple[Rule, ...] = ("]
    for r in rows:
        out.append("    Rule(")
        for key in ("id", "name"):
            out.append(f"        {key}={r[key]!r},")
        out.append(f"        severity=Severity.{r['severity'].upper()},")
        for key in ("layer", "side", "status"):
            out.append(f"        {key}={r[key]!r},")
        out.append(f"        default_enabled={r['default'] == 'on'},")
        out.append(f"        summary={r['trigger']!r},")
        out.append(f"        hint={r['hint']!r},")
        out.append("    ),")
    out.append(")")
    return "\n".join(out) + "\n"


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "RULES.md")
    layers = parse(source.read_text(encoding="utf-8"))
    for prefix, target in TARGETS.items():
        rows = [r for layer, rs in layers.items() if layer.split(".")[0] == prefix for r in rs]
        doc = f"The catalogue rows of the {prefix!r} layers: metadata only, the checks live elsewhere."
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(rows, doc), encoding="utf-8")
        print(f"{target.relative_to(ROOT)}: {len(rows)} rules")


if __name__ == "__main__":
    main()
