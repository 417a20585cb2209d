"""The analysis of ``http.response.start`` messages, memoized.

Apps and frameworks send the same start message (status, headers) over and over. What the field and semantic
checks find in it depends only on the message and on three facts of the scope (http_version, scheme, method), so
the findings are computed once per distinct message and replayed through ``conn.report`` afterwards (the source
location is still taken at report time, from the app's own ``send``). Time-dependent (SEM-006) and
extension-dependent (EX-016, EX-018) rules stay outside.

The cache belongs to one Inspector (it lives in the Inspector's shared space, so it is freed with it) and is
bounded in entries and in bytes: a start message whose headers are larger than MAX_ENTRY_BYTES is analysed every
time instead of kept, and the cache is cleared when it would hold more than MAX_BYTES of headers.
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
#: Header bytes one cached start message may hold, and all of a cache's entries together.
MAX_ENTRY_BYTES = 8 * 1024
MAX_BYTES = 1024 * 1024
#: Where an Inspector's shared space keeps its StartCache.
SHARED_KEY = "http.start_cache"
_MISSING = object()


class StartCache:
    """The analyses of one Inspector's start messages, and the clean ones the express lane looks up."""

    __slots__ = ("bytes", "clean", "clean_bytes", "entries")

    def __init__(self) -> None:
        self.entries: dict[Any, StartAnalysis] = {}
        self.bytes = 0
        #: Clean analyses by ``(status, http_version, scheme, tuple(headers))``: the express lane's lookup. Equal
        #: keys mean equal findings for them (header items equal to clean bytes pairs are bytes pairs).
        self.clean: dict[Any, StartAnalysis] = {}
        self.clean_bytes = 0

    def remember_clean(self, key: Any, analysis: StartAnalysis, headers: Any) -> None:
        size = header_bytes(headers)
        if size > MAX_ENTRY_BYTES:
            return
        if len(self.clean) >= MAX_ENTRIES or self.clean_bytes + size > MAX_BYTES:
            self.clean.clear()
            self.clean_bytes = 0
        self.clean[key] = analysis
        self.clean_bytes += size


def cache_of(shared: dict[str, Any]) -> StartCache:
    """The StartCache of the Inspector whose shared space this is (made on first use)."""
    cache: StartCache | None = shared.get(SHARED_KEY)
    if cache is None:
        cache = shared[SHARED_KEY] = StartCache()
    return cache


def header_bytes(headers: Any) -> int:
    """About how many bytes a headers list holds (names and values, plus a little per item)."""
    total = 0
    for item in headers:
        total += 16
        if type(item) is tuple or type(item) is list:
            for part in item:
                total += len(part) if type(part) is bytes or type(part) is str else 16
    return total


class _Recorder:
    """Stands in for the connection while analysing: it only collects what would be reported."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def report(self, rule_id: str, text: str) -> None:
        self.found.append((rule_id, text))


def analyse(message: Message, http_version: Any, scheme: Any, cache: StartCache) -> StartAnalysis:
    """The findings of ``message`` (from ``cache`` when the same message was seen before)."""
    key = _key(message, http_version, scheme)
    if key is not None:
        cached = cache.entries.get(key)
        if cached is not None:
            return cached
    result = _compute(message, http_version, scheme)
    if key is not None:
        size = header_bytes(message.get("headers", ()))
        if size <= MAX_ENTRY_BYTES:
            if len(cache.entries) >= MAX_ENTRIES or cache.bytes + size > MAX_BYTES:
                cache.entries.clear()
                cache.bytes = 0
            cache.entries[key] = result
            cache.bytes += size
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
    if headers.known:
        inspect_start_headers(semantic, facts, headers.by_name)
    no_content = bodiless(facts.status)
    watch = headers.known and (
        no_content or (facts.status is not None and 200 <= facts.status <= 299 and facts.content_type is None))
    return StartAnalysis(headers, field_findings, tuple(semantic.found), facts.content_type, facts.sse,
                         facts.declared_length, facts.status, no_content, watch)
