"""Stateful HTTP checks: what the response has done so far, and the rules that depend on it.

Each function runs after the state machine has judged the message (``conn.rejected`` tells whether it was
accepted). A rejected message changes no counter (B3). Thresholds come from the config, read once per response.
"""

from __future__ import annotations

from time import perf_counter_ns

from asgion_core.checks import Message, Outcome
from asgion_core.connection import Connection
from asgion_core.headers import parse_headers, split_list
from asgion_http.fsm import (
    BEFORE_BODY_COMPLETE,
    BODY_COMPLETE,
    INIT,
    RESPONSE_COMPLETE,
    TRAILERS_MORE,
    HttpData,
)
from asgion_http.semantic import inspect_trailer_headers
from asgion_http.start_cache import analyse, cache_of
from asgion_http.start_facts import StartAnalysis


def _once(conn: Connection, data: HttpData, rule_id: str, text: str) -> None:
    if rule_id not in data.reported:
        data.reported.add(rule_id)
        conn.report(rule_id, text)


# -- receive side ---------------------------------------------------------------------------------------------------
def on_request(conn: Connection, message: Message) -> None:
    """Request-side order: the request body ends once, and nothing follows http.disconnect."""
    data: HttpData = conn.data
    if conn.disconnected:
        conn.report("HF-019", "http.request delivered after http.disconnect")
        return
    if data.request_complete:
        conn.report("HF-007", "http.request delivered after the request body was complete")
        return
    if data.complete:
        conn.report("HF-020", "http.request delivered after the response was complete")
    more = bool(message.get("more_body", False))
    data.last_more_body = more
    if not more:
        data.request_complete = True
        data.receive_at_final = conn.receive_calls


# -- send side ------------------------------------------------------------------------------------------------------
def check_race(conn: Connection, message: Message) -> None:
    """HF-005: sending after http.disconnect is a race the spec tolerates (A8); once per connection."""
    data: HttpData = conn.data
    if conn.disconnected and not data.complete and message["type"].startswith("http.response."):
        _once(conn, data, "HF-005", f"{message['type']} sent after http.disconnect was delivered")


def on_start(conn: Connection, message: Message) -> None:
    """The start message: its fields (HE-*), then the facts later checks need, then the header semantics."""
    data: HttpData = conn.data
    if conn.disconnected:
        check_race(conn, message)
    analysis = analyse(message, data.http_version, data.scheme, cache_of(conn.shared))
    for rule_id, text in analysis.field_findings:
        conn.report(rule_id, text)
    if conn.rejected:
        return
    started(conn, data, bool(message.get("trailers", False)), analysis)


def started(conn: Connection, data: HttpData, trailers: bool, analysis: StartAnalysis) -> None:
    """The facts of an accepted start message, and the rules that need them (the express lane does the same for
    clean ones, written out)."""
    data.start = analysis
    data.watch_content = analysis.watch_content
    if trailers:
        data.trailers_expected = True
    data.start_ns = now = perf_counter_ns()
    if now - conn.started_ns > conn.config.ttfb_ns:
        late_start(conn, now)
    if analysis.headers.malformed:
        return
    for rule_id, text in analysis.semantic_findings:
        conn.report(rule_id, text)
    if trailers:
        extensions = data.extensions
        if "http.response.trailers" not in extensions:
            conn.report("EX-016", "trailers=True but the server does not advertise http.response.trailers")
        elif not _client_accepts_trailers(conn):
            conn.report("EX-018", "trailers announced but the request has no 'te: trailers'")


def late_start(conn: Connection, now: int) -> None:
    """SEM-006, for started() and the express lane alike (only a late start pays for the call)."""
    conn.direction = "send"
    conn.report("SEM-006", f"response started {(now - conn.started_ns) / 1e9:.2f}s after the app call began")


def _client_accepts_trailers(conn: Connection) -> bool:
    for value in parse_headers(conn.scope.get("headers", [])).by_name.get(b"te", []):
        for token in split_list(value):
            if token.split(b";")[0].strip(b" \t").lower() == b"trailers":
                return True
    return False


def on_body(conn: Connection, message: Message) -> None:
    """The hottest HTTP check, fused: field types (HE-012, HE-013), the race (HF-005), then bookkeeping."""
    body = message.get("body", b"")
    countable = True
    if type(body) is bytes:
        size = len(body)
    elif isinstance(body, bytes):
        size = bytes.__len__(body)
    else:
        conn.report("HE-012", f"http.response.body body is {type(body).__name__}, not bytes")
        # a bytes-like body (memoryview, bytearray) still counts by its length; anything else stops counting,
        # so the length rules (HF-018, SEM-003) judge only what they can count
        known = _bytes_like_size(body)
        size, countable = (known, True) if known is not None else (0, False)
    more = message.get("more_body")
    if more is not None and type(more) is not bool:
        conn.report("HE-013", f"more_body is {type(more).__name__}, not bool")
    if conn.disconnected:
        check_race(conn, message)
    if conn.rejected:
        return
    data: HttpData = conn.data
    data.body_messages += 1
    data.body_bytes += size
    if not countable:
        data.counting = False
    if size and data.watch_content:
        _content_sent(conn, data, "http.response.body")
    if data.start.declared_length is not None:
        _check_overflow(conn, data)
    if more:
        return
    if conn.state in BODY_COMPLETE:
        data.ended_with = "body"
        body_complete(conn, data)


def _bytes_like_size(body: object) -> int | None:
    """The byte length of an object that exposes a buffer (memoryview, bytearray, array), else None."""
    try:
        with memoryview(body) as view:  # type: ignore[arg-type]
            return view.nbytes
    except Exception:
        return None


def on_zerocopysend(conn: Connection, message: Message) -> None:
    if conn.rejected:
        return
    data: HttpData = conn.data
    data.zc_messages += 1
    count = message.get("count")
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        data.zc_bytes += count
    else:
        data.counting = False
    _content_sent(conn, data, message["type"])
    _check_overflow(conn, data)
    if conn.state in BODY_COMPLETE:
        data.ended_with = "zerocopysend" if data.counting else "zerocopysend-uncounted"
        body_complete(conn, data)


def on_pathsend(conn: Connection, message: Message) -> None:
    if conn.rejected:
        return
    data: HttpData = conn.data
    data.counting = False
    _content_sent(conn, data, message["type"])
    data.ended_with = "pathsend"
    body_complete(conn, data)


def on_trailers(conn: Connection, message: Message) -> None:
    data: HttpData = conn.data
    data.trailers_sent = True
    headers = parse_headers(message.get("headers", []))
    if not headers.malformed:
        inspect_trailer_headers(conn, data, headers.by_name)
    if not conn.rejected and conn.state in RESPONSE_COMPLETE:
        _response_complete(conn, data, perf_counter_ns())


def on_debug(conn: Connection, message: Message) -> None:
    data: HttpData = conn.data
    data.debug_count += 1
    if data.debug_count == 2:
        conn.report("EX-017", "a second http.response.debug was sent")


def _content_sent(conn: Connection, data: HttpData, message_type: str) -> None:
    """HF-012 and SEM-002 are judged at the first content of a response; later chunks need not look again."""
    data.watch_content = False
    start = data.start
    status = start.status
    if start.bodiless:
        _once(conn, data, "HF-012", f"{message_type} carries content on a response with status {status}")
    if status is not None and 200 <= status <= 299 and start.headers.known and start.content_type is None:
        _once(conn, data, "SEM-002", f"status {status} response with content but no content-type")


def _check_overflow(conn: Connection, data: HttpData) -> None:
    declared = data.start.declared_length
    if (
        declared is not None
        and data.counting
        and data.counted > declared
        and data.method != "HEAD"
        and not data.start.bodiless
    ):
        _once(conn, data, "HF-018", f"{data.counted} body bytes sent, content-length declared {declared}")


def body_complete(conn: Connection, data: HttpData) -> None:
    """The rules judged once the body is complete (one clock read serves the two time rules)."""
    cfg = conn.config
    body_bytes, messages = data.body_bytes, data.body_messages
    head = data.method == "HEAD"
    if head and body_bytes > 0:
        conn.report("HF-011", f"HEAD response carries {body_bytes} body bytes")
    start = data.start
    declared = start.declared_length
    if (
        declared is not None
        and not head
        and data.counting
        and not start.bodiless
        and data.ended_with in ("body", "zerocopysend")
        and body_bytes + data.zc_bytes < declared
    ):
        conn.report("SEM-003", f"content-length declared {declared} but only {data.counted} bytes were sent")
    if (
        messages + data.zc_messages >= 2
        and conn.spec_version < (2, 4)
        and (data.receive_at_final is None or conn.receive_calls == data.receive_at_final)
    ):
        conn.report("SEM-005", "streamed response without a receive() listening for http.disconnect")
    if body_bytes > cfg.large_body_threshold:  # the smaller of the two size thresholds: most bodies pass both here
        if body_bytes > cfg.body_size_threshold:
            conn.report("SEM-008", f"response body of {body_bytes} bytes exceeds {cfg.body_size_threshold}")
        if messages == 1 and body_bytes > cfg.buffer_chunk_threshold:
            conn.report("SEM-009", f"{body_bytes} bytes sent in a single body message")
    now = perf_counter_ns()
    sse = start.sse
    if not sse:
        if messages > cfg.chunk_count_threshold:
            conn.report("SEM-011", f"response used {messages} body messages")
        if now - data.start_ns > cfg.body_delivery_ns:
            conn.report("SEM-010", f"body took {(now - data.start_ns) / 1e9:.2f}s after the response started")
    if conn.state in RESPONSE_COMPLETE:  # _response_complete() written out: one call fewer per response
        data.complete = True
        if not sse and now - conn.started_ns > cfg.lifecycle_ns:
            _late_completion(conn, now)


def _response_complete(conn: Connection, data: HttpData, now: int) -> None:
    data.complete = True
    if not data.start.sse and now - conn.started_ns > conn.config.lifecycle_ns:
        _late_completion(conn, now)


def _late_completion(conn: Connection, now: int) -> None:
    conn.report("SEM-007", f"response completed {(now - conn.started_ns) / 1e9:.2f}s after the app call began")


# -- end of connection ----------------------------------------------------------------------------------------------
def check_end(conn: Connection, outcome: Outcome) -> None:
    """HF-001, HF-006, HF-008, HF-014, HF-021: judged only after a normal return, and never after a disconnect."""
    if conn.disconnected:
        return
    data: HttpData = conn.data
    state = conn.state
    if state in RESPONSE_COMPLETE:  # the common end first
        if data.last_more_body:
            conn.report("HF-021", "the app returned without reading the request body to the end")
    elif state == INIT:
        conn.report("HF-001", "the app returned without sending http.response.start")
    elif state in BEFORE_BODY_COMPLETE:
        conn.report("HF-006", "the app returned before the response body was complete")
    elif state == TRAILERS_MORE:
        conn.report("HF-014", "the app returned before the trailers were finished (more_trailers=True last)")
    elif state in BODY_COMPLETE and not data.trailers_sent:
        conn.report("HF-008", "trailers were announced but never sent")
