"""``asgion trace``: the timeline of the example, JSON, JSON Lines, files that read back, and valid HAR."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from asgion import deserialize
from tests.conftest import EXAMPLES, CliRun

BUGGY = f"{EXAMPLES / 'buggy_app.py'}:app"


def test_text_timeline_of_the_example(run_cli: CliRun) -> None:
    code, out, _ = run_cli("trace", BUGGY)
    assert code == 0
    lines = out.splitlines()
    body = next(line for line in lines if "→ http.response.body" in line)
    assert "✗ HF-002 body-before-start" in body
    assert any("← http.request" in line for line in lines)
    assert any(line.startswith("GET /  status 200") and "ttfb" in line for line in lines)
    assert run_cli("trace", BUGGY, "--strict")[0] == 1


def test_min_severity_hides_lower_markers(run_cli: CliRun) -> None:
    out = run_cli("trace", BUGGY, "--min-severity", "error")[1]
    assert "HF-002" in out and "SEM-013" not in out


def test_json_is_one_valid_array(run_cli: CliRun) -> None:
    data = json.loads(run_cli("trace", BUGGY, "--path", "/a", "--path", "/b", "--format", "json")[1])
    assert isinstance(data, list) and [r["scope"].get("path") for r in data][-2:] == ["/a", "/b"]
    assert all(deserialize(r).version == 1 for r in data)


def test_jsonl_is_one_record_per_line(run_cli: CliRun) -> None:
    lines = run_cli("trace", BUGGY, "--format", "jsonl")[1].splitlines()
    assert len(lines) == 2 and all(deserialize(line) for line in lines)


def test_out_writes_files_that_read_back_identically(run_cli: CliRun, tmp_path: Path) -> None:
    out_dir = tmp_path / "traces"
    printed = json.loads(run_cli("trace", BUGGY, "--format", "json", "--out", str(out_dir))[1])
    files = sorted(out_dir.iterdir())
    assert len(files) == len(printed) == 2
    from_files = {deserialize(f.read_text()).id: deserialize(f.read_text()) for f in files}
    for data in printed:
        assert from_files[data["id"]] == deserialize(data)


def test_max_body_size(run_cli: CliRun) -> None:
    data = json.loads(run_cli("trace", BUGGY, "--format", "json", "--max-body-size", "4")[1])
    body = next(e for r in data for e in r["events"] if e["type"] == "http.response.body")
    assert body["message"]["body"] == {"$bytes": "Hell"} and body["message"]["body_truncated_from"] == 13


def check_har(data: dict[str, Any]) -> None:
    """HAR 1.2 (the W3C draft by Jan Odvarko): required fields and their types."""
    log = data["log"]
    assert log["version"] == "1.2" and isinstance(log["creator"]["name"], str)
    assert isinstance(log["creator"]["version"], str) and isinstance(log["entries"], list)
    for entry in log["entries"]:
        assert isinstance(entry["startedDateTime"], str) and isinstance(entry["time"], (int, float))
        request, response = entry["request"], entry["response"]
        for key, kind in (("method", str), ("url", str), ("httpVersion", str), ("cookies", list),
                          ("headers", list), ("queryString", list), ("headersSize", int), ("bodySize", int)):
            assert isinstance(request[key], kind), key
        for key, kind in (("status", int), ("statusText", str), ("httpVersion", str), ("cookies", list),
                          ("headers", list), ("content", dict), ("redirectURL", str), ("headersSize", int),
                          ("bodySize", int)):
            assert isinstance(response[key], kind), key
        assert isinstance(response["content"]["size"], int) and isinstance(response["content"]["mimeType"], str)
        assert all(set(h) == {"name", "value"} for h in request["headers"] + response["headers"])
        assert isinstance(entry["cache"], dict)
        for key in ("send", "wait", "receive"):
            assert isinstance(entry["timings"][key], (int, float)) and entry["timings"][key] >= 0


def test_har_export_is_valid(run_cli: CliRun) -> None:
    data = json.loads(run_cli("trace", "tests.cli.apps:echo", "--path", "POST:/items?x=1", "-d", "hello",
                              "--path", "GET:/b", "--format", "har")[1])
    check_har(data)
    entries = data["log"]["entries"]
    assert [e["request"]["method"] for e in entries] == ["POST", "GET"]
    first = entries[0]
    assert first["request"]["url"] == "http://127.0.0.1:8000/items?x=1"
    assert first["request"]["queryString"] == [{"name": "x", "value": "1"}]
    assert first["request"]["postData"]["text"] == "hello"
    assert first["response"]["status"] == 200 and first["response"]["statusText"] == "OK"
    assert "body=hello" in first["response"]["content"]["text"]


def test_har_binary_bodies_are_base64(run_cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"
    (tmp_path / "image_app.py").write_text(
        "async def app(scope, receive, send):\n"
        "    if scope['type'] != 'http':\n        return\n"
        "    await receive()\n"
        "    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'image/png')]})\n"
        f"    await send({{'type': 'http.response.body', 'body': {png!r}}})\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    data = json.loads(run_cli("trace", "image_app:app", "--format", "har")[1])
    check_har(data)
    content = data["log"]["entries"][0]["response"]["content"]
    assert content["encoding"] == "base64" and base64.b64decode(content["text"]) == png
    text = json.loads(run_cli("trace", "tests.cli.apps:echo", "--format", "har")[1])["log"]["entries"][0]
    assert "encoding" not in text["response"]["content"], "text stays text"


def test_har_websockets_are_entries_with_their_frames(run_cli: CliRun) -> None:
    data = json.loads(run_cli("trace", "tests.cli.apps:ws_echo", "--path", "ws:/chat", "--ws-send", "hi",
                              "--ws-send-bytes", "00ff", "--format", "har")[1])
    check_har(data)
    [entry] = data["log"]["entries"]
    assert entry["_resourceType"] == "websocket" and entry["request"]["url"].startswith("ws://")
    assert entry["response"]["status"] == 101
    frames = entry["_webSocketMessages"]
    sent = [(f["opcode"], f["data"]) for f in frames if f["type"] == "send"]
    assert sent == [(1, "hi"), (2, base64.b64encode(b"\x00\xff").decode())]
    assert any(f["type"] == "receive" for f in frames) and all(isinstance(f["time"], float) for f in frames)


def test_har_shows_timeouts_and_app_exceptions(run_cli: CliRun) -> None:
    [hung] = json.loads(run_cli("trace", "tests.cli.apps:hangs", "--timeout", "0.2", "--format", "har")[1])[
        "log"]["entries"]
    assert hung["response"]["status"] == 0 and "no answer within 0.2s" in hung["_error"]
    assert hung["_error"] in hung["comment"] and hung["time"] >= 200
    [raised] = json.loads(run_cli("trace", "tests.cli.apps:raises", "--format", "har")[1])["log"]["entries"]
    assert raised["response"]["status"] == 0 and raised["_error"].startswith("the app raised ValueError")


def test_har_pairs_findings_with_their_entry_when_the_query_is_redacted(run_cli: CliRun) -> None:
    data = json.loads(run_cli("trace", "tests.cli.apps:raises", "--path", "/?token=secret&page=2",
                              "--format", "har")[1])
    check_har(data)
    [raised] = data["log"]["entries"]
    assert "secret" not in json.dumps(raised), "the token is redacted in the record"
    assert raised["response"]["status"] == 0 and raised["_error"].startswith("the app raised ValueError")
