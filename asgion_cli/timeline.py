"""The text form of ``asgion trace``: one timeline per connection, with offsets, deltas, message summaries and
violation markers coloured by severity."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

from asgion_core.rules import Rule
from asgion_core.trace import TraceEvent, TraceRecord

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan", "perf": "magenta"}


def _ms(ns: int | None) -> str:
    return "-" if ns is None else f"{ns / 1e6:.3f} ms"


def describe(event: TraceEvent) -> str:
    """The interesting fields of a message in a few words."""
    message = event.message
    parts = []
    if "status" in message:
        parts.append(f"status={message['status']}")
    for key in ("body", "bytes", "text"):
        value = message.get(key)
        if isinstance(value, (bytes, str)):
            size = message.get(f"{key}_truncated_from", len(value))
            parts.append(f"{key}={size} {'B' if key != 'text' else 'chars'}")
    for key in ("more_body", "code", "subprotocol", "reason", "trailers", "path"):
        if key in message and message[key] not in (None, False, ""):
            parts.append(f"{key}={message[key]!r}")
    headers = message.get("headers")
    if isinstance(headers, list) and headers:
        parts.append(f"{len(headers)} headers")
    return " ".join(parts)


def _markers(text: Text, rule_ids: list[str], rules: Mapping[str, Rule]) -> None:
    for rule_id in rule_ids:
        rule = rules.get(rule_id)
        severity = rule.severity.value if rule else "error"
        text.append(f"  ✗ {rule_id}", style=SEVERITY_STYLE.get(severity, "bold"))
        if rule:
            text.append(f" {rule.name}", style="dim")


def render_timelines(records: list[TraceRecord], rules: Mapping[str, Rule], *, color: bool) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, color_system="standard" if color else None,
                      width=120, highlight=False, soft_wrap=True)
    for record in records:
        summary = record.summary
        head = Text(record.label, style="bold")
        status = f"  status {summary.status}" if summary.status is not None else ""
        head.append(f"{status}  total {_ms(summary.duration_ns)}  ttfb {_ms(summary.ttfb_ns)}  "
                    f"{summary.event_count} events  {summary.violations} violations")
        console.print(head)
        if record.scope_violations:
            line = Text("  scope")
            _markers(line, record.scope_violations, rules)
            console.print(line)
        previous = 0
        for event in record.events:
            line = Text(f"  +{event.offset_ns / 1e6:9.3f} ms  Δ{(event.offset_ns - previous) / 1e6:8.3f}  ")
            line.append(f"{'→' if event.direction == 'send' else '←'} {event.type}",
                        style="green" if event.direction == "send" else "blue")
            details = describe(event)
            if details:
                line.append(f"  {details}", style="dim")
            _markers(line, event.violations, rules)
            console.print(line)
            previous = event.offset_ns
        if summary.events_dropped:
            console.print(Text(f"  ... {summary.events_dropped} events in the middle not kept", style="dim"))
        if record.end_violations:
            line = Text("  end")
            _markers(line, record.end_violations, rules)
            console.print(line)
        console.print()
    return buffer.getvalue()


def as_json(records: list[TraceRecord]) -> list[dict[str, Any]]:
    return [record.to_dict() for record in records]
