"""Rendering for ``asgion rules`` and ``asgion plugins``: tables for people, JSON for scripts."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from asgion_cli.errors import UserError
from asgion_core.config import AsgionConfig
from asgion_core.plugins import AsgionPluginManager
from asgion_core.rules import Rule


def _console(buffer: io.StringIO, color: bool, width: int | None = None) -> Console:
    return Console(file=buffer, force_terminal=color, no_color=not color, width=width or 200, highlight=False)


def rule_dict(rule: Rule, plugin: str) -> dict[str, Any]:
    return {
        "id": rule.id, "name": rule.name, "severity": rule.severity.value, "layer": rule.layer, "side": rule.side,
        "status": rule.status, "default_enabled": rule.default_enabled, "plugin": plugin, "summary": rule.summary,
        "hint": rule.hint, "explanation": rule.explanation,
    }


def listing(pm: AsgionPluginManager, output_format: str, layers: tuple[str, ...], *, color: bool,
            retired: bool = False, width: int | None = 80) -> str:
    """The rule table (or JSON list) at ``width`` columns, summaries cut to fit, or with ``width`` None (output
    that is not a terminal: grep, a file) one whole line per rule; rules off by default are marked "(off)";
    retired rules, which never fire, only with ``retired``. Layer and status are in 'asgion rules ID'."""
    registry = pm.rule_registry()
    in_layers = [r for r in registry if not layers or any(r.layer == c or r.layer.startswith(c + ".") for c in layers)]
    chosen = [r for r in in_layers if retired or r.status != "retired"]
    hidden = len(in_layers) - len(chosen)
    if output_format == "json":
        return json.dumps([rule_dict(r, registry.plugin_of(r.id)) for r in chosen], indent=2) + "\n"
    buffer = io.StringIO()
    names = [rule.name if rule.default_enabled else f"{rule.name} (off)" for rule in chosen]
    more = f" ({hidden} retired hidden, --all)" if hidden else ""
    footer = f"{len(chosen)} rules{more}; explain one: asgion rules ID"
    if width is None:
        name_width = max((len(n) for n in names), default=4)
        lines = [f"{'id':<8} {'severity':<9} {'name':<{name_width}}  summary"]
        lines += [f"{rule.id:<8} {rule.severity.value:<9} {name:<{name_width}}  {rule.summary}"
                  for rule, name in zip(chosen, names, strict=True)]
        return "\n".join([*lines, footer]) + "\n"
    name_width = min(28, max((len(n) for n in names), default=4))
    table = Table(box=None, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("name", no_wrap=True, overflow="ellipsis", width=name_width)
    table.add_column("summary", no_wrap=True, overflow="ellipsis", width=max(10, width - name_width - 21))
    for rule, name in zip(chosen, names, strict=True):
        table.add_row(rule.id, rule.severity.value, name, rule.summary)
    console = _console(buffer, color, width)
    console.print(table)
    console.print(footer)
    return buffer.getvalue()


def explain(pm: AsgionPluginManager, key: str, output_format: str) -> str:
    registry = pm.rule_registry()
    rule = registry.get(key.strip().upper()) or next((r for r in registry if r.name == key.strip()), None)
    if rule is None:
        raise UserError(f"unknown rule {key!r} (list them with: asgion rules)")
    if output_format == "json":
        return json.dumps(rule_dict(rule, registry.plugin_of(rule.id)), indent=2)
    default = "on" if rule.default_enabled else "off"
    lines = [
        f"{rule.id}  {rule.name}",
        f"severity: {rule.severity.value}   layer: {rule.layer}   blames: {rule.side}   status: {rule.status}   "
        f"default: {default}   plugin: {registry.plugin_of(rule.id)}",
        "",
        "What it checks",
        f"  {rule.summary}",
    ]
    if rule.hint:
        lines += ["", "How to fix", f"  {rule.hint}"]
    if rule.explanation:
        lines += ["", rule.explanation.rstrip()]
    return "\n".join(lines)


def state_machine(pm: AsgionPluginManager, scope_type: str) -> str:
    for _, machine in pm.collect("asgion_state_machine", scope_type=scope_type, config=AsgionConfig()):
        return str(machine.describe())
    raise UserError(f"no loaded plugin has a state machine for scope type {scope_type!r}")


def plugin_listing(pm: AsgionPluginManager, output_format: str, *, color: bool) -> str:
    infos = pm.plugin_infos()
    if output_format == "json":
        data = {"plugins": [info.__dict__ | {"reporters": list(info.reporters), "hooks": list(info.hooks)}
                            for info in infos], "errors": list(pm.plugin_errors)}
        return json.dumps(data, indent=2) + "\n"
    buffer = io.StringIO()
    table = Table("name", "distribution", "version", "rules", "reporters", "hooks", box=None, pad_edge=False)
    for info in infos:
        hooks = ", ".join(h.removeprefix("asgion_") for h in info.hooks)
        table.add_row(info.name, info.distribution, info.version, str(info.rules), ", ".join(info.reporters), hooks)
    console = _console(buffer, color)
    console.print(table)
    for error in pm.plugin_errors:
        console.print(f"error: {error}", style="red")
    return buffer.getvalue()
