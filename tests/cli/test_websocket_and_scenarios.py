"""``asgion check`` driving WebSocket sessions, lifespan semantics and the failure scenarios (raw ASGI apps)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import CliRun


def run_json(run_cli: CliRun, *args: str) -> dict[str, Any]:
    code, out, err = run_cli("check", *args, "--format", "json")
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    assert data["scopes"][0]["scope_type"] == "lifespan", "the lifespan scope is always reported, first"
    data["scopes"] = data["scopes"][1:]  # the connections driven
    return data


def test_websocket_paths_frames_and_subprotocols(run_cli: CliRun) -> None:
    data = run_json(run_cli, "tests.cli.apps:ws_echo", "--path", "ws:/echo", "--path", "wss:/echo?room=1",
                    "--ws-send", "a", "--ws-send-bytes", "6869", "--subprotocol", "chat", "--strict")
    labels = [s["label"] for s in data["scopes"]]
    assert labels == ["WS /echo", "WSS /echo?room=1"]
    assert all(s["violations"] == [] and not s["timed_out"] for s in data["scopes"])


def test_denial_response_is_checked_not_blamed(run_cli: CliRun) -> None:
    data = run_json(run_cli, "tests.cli.apps:ws_echo", "--path", "ws:/deny")
    assert data["scopes"][0]["violations"] == [], "the denial extension is advertised, so WE-029 must not fire"


def test_bad_hex_frame_is_a_user_error(run_cli: CliRun) -> None:
    code, _, err = run_cli("check", "tests.cli.apps:ws_echo", "--path", "ws:/e", "--ws-send-bytes", "zz")
    assert code == 2 and "is not hexadecimal" in err


def test_scenarios_label_each_run(run_cli: CliRun) -> None:
    data = run_json(run_cli, "tests.cli.apps:ws_echo", "--path", "/stream", "--path", "ws:/echo", "--scenarios")
    assert [s["label"] for s in data["scopes"]] == [
        "GET /stream", "GET /stream [client disconnect]", "GET /stream [chunked body]",
        "WS /echo", "WS /echo [client closes first]",
    ]


def test_chunked_body_scenario_finds_an_app_that_stops_reading(run_cli: CliRun) -> None:
    data = run_json(run_cli, "tests.cli.apps:ws_echo", "--path", "/stream", "--scenarios")
    chunked = next(s for s in data["scopes"] if s["label"].endswith("[chunked body]"))
    assert [v["rule_id"] for v in chunked["violations"]] == ["HF-021"]
    normal = next(s for s in data["scopes"] if s["label"] == "GET /stream")
    assert normal["violations"] == []


def test_client_disconnect_scenario_is_no_app_error(run_cli: CliRun) -> None:
    data = run_json(run_cli, "tests.cli.apps:ws_echo", "--path", "/stream", "--scenarios")
    left = next(s for s in data["scopes"] if s["label"].endswith("[client disconnect]"))
    assert left["exception"] is None and left["violations"] == []
    assert "client left" in left["notes"][0]


def test_lifespan_unsupported_is_a_note(run_cli: CliRun) -> None:
    data = run_json(run_cli, "tests.cli.apps:ws_echo", "--path", "/stream")
    assert any("lifespan unsupported" in note for note in data["notes"])
    assert [s["scope_type"] for s in data["scopes"]] == ["http"]


def test_lifespan_state_reaches_requests_and_shutdown_runs_last(run_cli: CliRun) -> None:
    data = run_json(run_cli, "tests.cli.apps:echo", "--path", "/a", "--path", "/b", "--strict")
    assert [s["label"] for s in data["scopes"]] == ["GET /a", "GET /b"]
    assert all(s["violations"] == [] for s in data["scopes"])
