"""asgion_core.server_log: the middleware form logs each finding, at the level of its severity."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from asgion import inspect
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import http_scope
from tests.helpers import RecordingServer

PM = create_plugin_manager(autoload=False, env={})


async def body_first(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.body", "body": b"early"})  # HF-002, an error


def test_findings_are_logged_at_their_severity_with_their_place(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="asgion"):
        RecordingServer().run(inspect(body_first, plugins=PM))
    [record] = [r for r in caplog.records if "HF-002" in r.getMessage()]
    assert record.name == "asgion" and record.levelno == logging.ERROR
    assert record.getMessage().startswith("HF-002 [error] GET /: ")
    assert f"(at {__file__}:" in record.getMessage()
    assert record.getMessage().endswith("in body_first; logged once for this place)")


def test_the_same_bug_met_again_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    app = inspect(body_first, plugins=PM)
    with caplog.at_level(logging.DEBUG, logger="asgion"):
        for _ in range(3):
            RecordingServer().run(app)
    assert len([r for r in caplog.records if "HF-002" in r.getMessage()]) == 1
    assert [v.rule_id for v in app.violations].count("HF-002") == 3, "the Inspector still keeps every one"


def test_a_callback_of_your_own_or_none_replaces_the_log(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[Any] = []
    with caplog.at_level(logging.DEBUG, logger="asgion"):
        RecordingServer().run(inspect(body_first, plugins=PM, on_violation=seen.append))
        quiet = inspect(body_first, plugins=PM, on_violation=None)
        RecordingServer().run(quiet)
    assert not [r for r in caplog.records if r.name == "asgion"]
    assert "HF-002" in {v.rule_id for v in seen} and "HF-002" in {v.rule_id for v in quiet.violations}


def test_a_client_cannot_forge_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="asgion"):
        RecordingServer().run(inspect(body_first, plugins=PM), http_scope(path="/x\nHF-999 [error] GET /admin\x1b[2J"))
    [record] = [r for r in caplog.records if "HF-002" in r.getMessage()]
    assert "\n" not in record.getMessage() and "\x1b" not in record.getMessage()
    assert "GET /x\\nHF-999 [error] GET /admin\\x1b[2J: " in record.getMessage()
