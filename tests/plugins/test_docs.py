"""docs/plugins.md stays true: its hook reference names every hookspec with its exact parameters."""

from __future__ import annotations

import inspect
import re

from asgion_core import hookspecs
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")


def documented() -> dict[str, list[str]]:
    section = DOC.split("## Hook reference", 1)[1]
    found = re.findall(r"^### `(asgion_\w+)\(([^)]*)\)`", section, flags=re.M)
    return {name: [a.strip() for a in args.split(",") if a.strip()] for name, args in found}


def specified() -> dict[str, list[str]]:
    return {name: list(inspect.signature(func).parameters) for name, func in vars(hookspecs).items()
            if name.startswith("asgion_") and callable(func)}


def test_every_hookspec_is_documented_with_its_signature() -> None:
    assert documented() == specified()


def test_documented_timing_matches_the_markers() -> None:
    section = DOC.split("## Hook reference", 1)[1]
    for name, func in vars(hookspecs).items():
        if not name.startswith("asgion_"):
            continue
        options = getattr(func, "asgion_spec", {})
        body = section.split(f"### `{name}(", 1)[1].split("###", 1)[0]
        assert ("Historic" in body) == bool(options.get("historic")), name
        assert ("First result wins" in body) == bool(options.get("firstresult")), name


def test_documented_check_constructors_match_the_classes() -> None:
    """``EventCheck(func, rules, direction, types=None, unmatched=False)`` and the others, as the classes are."""
    import dataclasses

    from asgion_core import checks

    written = dict(re.findall(r"`((?:Scope|Event|Express|End)Check)\(([^)]*)\)`", DOC))
    assert set(written) == {"ScopeCheck", "EventCheck", "ExpressCheck", "EndCheck"}
    for name, args in written.items():
        fields = dataclasses.fields(getattr(checks, name))
        expected = [f.name if f.default is dataclasses.MISSING else f"{f.name}={f.default!r}" for f in fields]
        assert [a.strip() for a in args.split(",")] == expected, name
