"""The analysis of ``http.response.start`` messages, memoized per compiled protocol.

Apps and frameworks send the same start message (status, headers) over and over. What the field and semantic
checks find in it depends only on the message and on two facts of the scope (http_version, scheme), so the
findings are computed once per distinct message and replayed through ``conn.report`` afterwards (the source
location is still taken at report time, from the app's own ``send``). Time-dependent (SEM-006) and
extension-dependent (EX-016, EX-018) rules stay outside. One :class:`StartMemo` belongs to one compiled HTTP
protocol, is bounded in bytes and is cleared when full; ``AsgionConfig(caches=False)`` turns it off.
"""

from __future__ import annotations

from typing import Any

from asgion_core.checks import Message
from asgion_core.headers import parse_headers
from asgion_http.events import check_start
from asgion_http.fsm import bodiless
from asgion_http.semantic import inspect_start_headers
from asgion_http.start_facts import StartAnalysis, StartFacts

__all__ = ["DEFAULT_MAX_BYTES", "StartMemo", "analyse"]

#: What one memo may hold: the header bytes of its keys plus a fixed allowance per entry.
DEFAULT_MAX_BYTES = 256 * 1024
ENTRY_OVERHEAD = 512
_MISSING = object()


class _Recorder:
    """Stands in for the connection while analysing: it only collects what would be reported."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def report(self, rule_id: str, text: str) -> None:
        self.found.append((rule_id, text))


class StartMemo:
    """Start-message analyses by message, within a byte budget."""

    __slots__ = ("_entries", "enabled", "max_bytes", "size")

    def __init__(self, *, enabled: bool = True, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.enabled = enabled
        self.max_bytes = max_bytes
        #: The estimated bytes held by the entries.
        self.size = 0
        self._entries: dict[Any, StartAnalysis] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def analyse(self, message: Message, http_version: Any, scheme: Any) -> StartAnalysis:
        """The findings of ``message``, from the memo when an equal message was analysed before."""
        if not self.enabled:
            return analyse(message, http_version, scheme)
        key = _key(message, http_version, scheme)
        if key is None:
            return analyse(message, http_version, scheme)
        try:
            return self._entries[key]
        except KeyError:
            pass
        result = analyse(message, http_version, scheme)
        cost = _cost(key)
        if self.size + cost > self.max_bytes:
            self._entries.clear()
            self.size = 0
        if cost <= self.max_bytes:
            self._entries[key] = result
            self.size += cost
        return result


def _key(message: Message, http_version: Any, scheme: Any) -> Any:
    """A hashable key equal only for start messages the checks cannot tell apart, or None (not cacheable).

    Header items are usually tuples, which are their own key; their types are part of the key so that ``1`` and
    ``True`` items stay apart. List items are turned into tuples first.
    """
    headers = message.get("headers", ())
    kind = type(headers)
    if kind is not list and kind is not tuple:
        return None  # one-shot iterators and odd values are never read twice
    status = message.get("status", _MISSING)
    trailers = message.get("trailers", _MISSING)
    items = tuple(headers)
    head = (type(status), status, type(trailers), trailers, http_version, scheme, len(message))
    key: tuple[Any, ...]
    try:
        key = (*head, items, tuple(map(type, items)))
        hash(key)
    except TypeError:  # list items (or unhashable values): the slow, exact key
        try:
            key = (*head, tuple(tuple(item) if type(item) in (list, tuple) else (type(item), item) for item in items))
            hash(key)
        except TypeError:
            return None
    return key


def _cost(key: tuple[Any, ...]) -> int:
    """The bytes an entry keeps alive, estimated from its header items (the rest is the fixed allowance)."""
    total = ENTRY_OVERHEAD
    for item in key[7]:
        if type(item) is tuple:
            for part in item:
                total += len(part) if type(part) is bytes else 64
        else:
            total += 64
    return total


def analyse(message: Message, http_version: Any, scheme: Any) -> StartAnalysis:
    """The findings and facts of one start message, computed."""
    headers = parse_headers(message.get("headers", []))
    recorder = _Recorder()
    check_start(recorder, message, headers)
    field_findings = tuple(recorder.found)
    status = message.get("status")
    facts = StartFacts(
        status=status if isinstance(status, int) and not isinstance(status, bool) else None,
        trailers_expected=bool(message.get("trailers", False)),
        http_version=http_version,
        scheme=scheme,
    )
    semantic = _Recorder()
    if not headers.malformed:
        inspect_start_headers(semantic, facts, headers.by_name)
    no_content = bodiless(facts.status)
    watch = not headers.malformed and (
        no_content or (facts.status is not None and 200 <= facts.status <= 299 and facts.content_type is None))
    return StartAnalysis(headers, field_findings, tuple(semantic.found), facts.content_type, facts.sse,
                         facts.declared_length, facts.status, no_content, watch)
