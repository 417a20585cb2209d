"""asgion_cli.har: each HAR entry gets the findings of its own connection."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from asgion import Inspector
from asgion_cli.har import pair_results
from asgion_core.scenario import http_scope
from tests.helpers import RecordingServer


async def fails_on_b(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    if scope["path"] == "/b":
        raise ValueError("b is broken")
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def test_results_name_their_trace_and_pair_by_it_whatever_the_labels_say() -> None:
    inspector = Inspector(fails_on_b, trace=True)
    RecordingServer().run(inspector, http_scope(path="/a"))
    with pytest.raises(ValueError, match="b is broken"):
        RecordingServer().run(inspector, http_scope(path="/b"))
    records, [result] = inspector.traces, inspector.results
    assert result.trace_id == records[1].id and records[0].id != records[1].id
    # a label that no longer matches the record (rewritten by a redaction, say) does not move the finding
    assert pair_results(records, [replace(result, label="GET /a")]) == [None, replace(result, label="GET /a")]
