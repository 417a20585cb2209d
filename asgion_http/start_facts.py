"""What a ``http.response.start`` message tells the later checks, as one value.

An analysis depends only on the message and on facts of the scope, and apps send the same start message over and
over, so one :class:`StartAnalysis` serves every response that sent an equal message (see
:mod:`asgion_http.start_cache`). A connection keeps a reference to it (``HttpData.start``) instead of copying its
facts: accepting a start message is then one store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgion_core.headers import Headers

__all__ = ["NOT_STARTED", "StartAnalysis", "StartFacts"]


@dataclass
class StartFacts:
    """What the semantic checks read and write while a start message is analysed."""

    status: int | None
    trailers_expected: bool
    http_version: Any
    scheme: Any
    content_type: bytes | None = None
    sse: bool = False
    declared_length: int | None = None


@dataclass(frozen=True, slots=True)
class StartAnalysis:
    """The findings and facts of one start message. When its headers are malformed, only ``status`` and
    ``bodiless`` are facts: the content type, SSE and declared length stay unknown (None, False, None)."""

    headers: Headers
    field_findings: tuple[tuple[str, str], ...]
    semantic_findings: tuple[tuple[str, str], ...]
    content_type: bytes | None
    sse: bool
    declared_length: int | None
    #: The status as the checks use it (an int, not bool, or None), whether it forbids content, and whether sent
    #: content may break HF-012 or SEM-002: facts of the message alone, so computed once with the rest.
    status: int | None
    bodiless: bool
    watch_content: bool


#: The start of a response that has not started: no status, and no well-formed headers.
NOT_STARTED = StartAnalysis(Headers([], True, {}), (), (), None, False, None, None, False, False)
