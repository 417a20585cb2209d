"""The analysis of ``http.response.start`` messages, memoized.

Apps and frameworks send the same start message (status, headers) over and over. What the field and semantic
checks find in it depends only on the message and on three facts of the scope (http_version, scheme, method), so
the findings are computed once per distinct message and replayed through ``conn.report`` afterwards (the source
location is still taken at report time, from the app's own ``send``). Time-dependent (SEM-006) and
extension-dependent (EX-016, EX-018) rules stay outside. The cache is bounded and cleared when full.
"""

from __future__ import annotations

from typing import Any

from asgion_core.checks import Message
from asgion_core.headers import parse_headers
from asgion_http.events import check_start
from asgion_http.fsm import bodiless
from asgion_http.semantic import inspect_start_headers
from asgion_http.start_facts import StartAnalysis, StartFacts

MAX_ENTRIES = 512
_MISSING = object()


class _Recorder:
    """Stands in for the connection while analysing: it only collects what would be reported."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def report(self, rule_id: str, text: str) -> None:
        self.found.append((rule_id, text))


_cache: dict[Any, StartAnalysis] = {}


def analyse(message: Message, http_version: Any, scheme: Any) -> StartAnalysis:
    """The findings of ``message`` (from the cache when the same message was seen before)."""
    key = _key(message, http_version, scheme)
    if key is not None:
        cached = _cache.get(key)
        if cached is not None:
            return cached
    result = _compute(message, http_version, scheme)
    if key is not None:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = result
    return result


def _key(message: Message, http_version: Any, scheme: Any) -> Any:
    """A hashable key equal only for start messages the checks cannot tell apart, or None (not cacheable).

    Header items are usually tuples, which are their own key (copied by C code); their types are part of the key
    so that ``1`` and ``True`` items stay apart. List items are turned into tuples first.
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


def _compute(message: Message, http_version: Any, scheme: Any) -> StartAnalysis:
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


#: Start messages whose analysis found nothing, by ``(status, http_version, scheme, tuple(headers))``: the express
#: lane's lookup. Only clean analyses are kept, and equal keys mean equal findings for them (header items that
#: compare equal to clean bytes pairs are bytes pairs). Bounded like the main cache.
clean_starts: dict[Any, StartAnalysis] = {}


def remember_clean(key: Any, analysis: StartAnalysis) -> None:
    if len(clean_starts) >= MAX_ENTRIES:
        clean_starts.clear()
    clean_starts[key] = analysis
