"""``pytest --asgi-auto`` on an unmodified test suite (tests/core/auto_project: a FastAPI app and its tests).

Run for real with pytester, in a subprocess so that each run starts from a clean interpreter, as a user's does.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).parent / "auto_project"
TESTS = 9
#: The tests whose routes break the protocol (SEM-003 twice, G-021, WF-014), the rest pass whatever asgion says.
BREAKING = {"test_short_body", "test_app_exception_reaches_the_test", "test_websocket_left_open",
            "test_async_client_short_body"}


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    shutil.copy(PROJECT / "shop.py", pytester.path / "shop.py")
    # kept as shop_tests.py so that asgion's own run does not collect it; the project knows it as test_shop.py
    shutil.copy(PROJECT / "shop_tests.py", pytester.path / "test_shop.py")
    return pytester


def run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return project.runpytest_subprocess("-p", "no:cacheprovider", "-W", "default", *args)


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """Test name -> outcome, from ``-rA``'s short summary."""
    found = {}
    for line in result.outlines:
        word, _, rest = line.partition(" ")
        if word in ("PASSED", "FAILED", "ERROR", "SKIPPED", "XFAIL", "XPASS") and "::" in rest:
            found[rest.split("::")[1].split(" ")[0]] = word
    return found


def test_every_test_keeps_its_outcome(project: pytest.Pytester) -> None:
    plain = run(project, "-rA")
    auto = run(project, "-rA", "--asgi-auto")
    assert outcomes(plain) == outcomes(auto) and len(outcomes(auto)) == TESTS
    assert set(outcomes(auto).values()) == {"PASSED"}, "transparent: client.app, overrides, exceptions, streams"
    warned = {line.split("::")[1].strip() for line in auto.outlines if line.startswith("test_shop.py::")}
    assert warned == BREAKING, "one warning per test that broke the protocol"


def test_strict_fails_exactly_the_breaking_tests_in_their_call(project: pytest.Pytester) -> None:
    result = run(project, "-rA", "--asgi-auto", "--asgi-strict")
    failed = {name for name, outcome in outcomes(result).items() if outcome == "FAILED"}
    assert failed == BREAKING
    assert "ERROR" not in outcomes(result).values()
    out = result.stdout.str()
    assert "SEM-003 [warning] GET /short: content-length declared 10 but only 3 bytes were sent" in out
    assert "at shop.py:36 in short" in out, "the handler in the user's code, not the test that called it"
    assert "hint: Make Content-Length equal to the bytes you send." in out


def test_the_summary_counts_rules_and_keeps_the_test_client_apart(project: pytest.Pytester) -> None:
    result = run(project, "--asgi-auto", "--asgi-strict")
    lines = result.outlines
    start = next(i for i, line in enumerate(lines) if "= asgion =" in line)
    summary = lines[start:]
    assert "4 findings in 4 tests:" in summary
    assert any(line.split()[:3] == ["SEM-003", "warning", "2"] for line in summary)
    client = summary[next(i for i, line in enumerate(summary) if line.startswith("test client")) + 1:]
    g011 = [line for line in client if line.strip().startswith("G-011")]
    assert g011 and all("[starlette.testclient.TestClient]" in line for line in g011)
    assert len(g011) == len(set(g011)), "each distinct finding about the client once"
    assert "test_ok" not in {name for name, o in outcomes(run(project, "-rA", "--asgi-auto", "--asgi-strict")).items()
                             if o == "FAILED"}, "the client's findings never fail a test"


def sarif_results(path: Path) -> list[tuple[Any, ...]]:
    results = json.loads(path.read_text())["runs"][0]["results"]
    return sorted((r["ruleId"], r["message"]["text"], json.dumps(r.get("locations"), sort_keys=True))
                  for r in results)


def test_one_report_for_the_session_the_same_under_xdist(project: pytest.Pytester) -> None:
    run(project, "--asgi-auto", "--asgi-report", "sarif:single.sarif", "--asgi-report", "json:single.json")
    result = run(project, "--asgi-auto", "-n", "2", "--asgi-report", "sarif:merged.sarif")
    assert "2 workers" in result.stdout.str()
    single, merged = sarif_results(project.path / "single.sarif"), sarif_results(project.path / "merged.sarif")
    assert single == merged and len(single) == 7
    results = json.loads((project.path / "single.sarif").read_text())["runs"][0]["results"]
    assert all(r.get("locations") for r in results), "GitHub rejects results without a location"
    test_lines = {n + 1 for n, line in enumerate((project.path / "test_shop.py").read_text().splitlines())
                  if line.startswith(("def test_", "async def test_"))}
    placed = [r["locations"][0]["physicalLocation"] for r in results]
    in_tests = [p["region"]["startLine"] for p in placed if p["artifactLocation"]["uri"] == "test_shop.py"]
    assert in_tests and set(in_tests) <= test_lines, "a finding with no place of its own is at its test's def"
    client = [r for r in results if r["properties"]["owner"] == "server"]
    assert client and {r["level"] for r in client} == {"note"}, "the test client's findings are no code alerts"
    assert any("in test_shop.py::test_short_body" in text for _, text, _ in single), "tagged with the node id"
    scopes = [s["label"] for s in json.loads((project.path / "single.json").read_text())["scopes"]]
    assert scopes[:4] == sorted(f"test_shop.py::{name}" for name in BREAKING)
    assert scopes[4:] == ["test client: starlette.testclient.TestClient"]


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["one process", "xdist"])
def test_the_session_report_counts_the_apps_exceptions_and_the_time(project: pytest.Pytester,
                                                                      xdist: tuple[str, ...]) -> None:
    run(project, "--asgi-auto", "--asgi-report", "json:session.json", "--asgi-report", "junit:session.xml", *xdist)
    data = json.loads((project.path / "session.json").read_text())
    [raised] = [s for s in data["scopes"] if s["label"] == "test_shop.py::test_app_exception_reaches_the_test"]
    assert raised["exception"]["type"] == "ValueError" and raised["exception"]["location"]["file"] == "shop.py"
    assert data["summary"]["exceptions"] == 1 and data["summary"]["elapsed_ms"] > 0
    junit = (project.path / "session.xml").read_text()
    case = junit.split('name="test_shop.py::test_app_exception_reaches_the_test"')[1].split("</testcase>")[0]
    assert "<error" in case, "an app exception is an error case, as in asgion check's JUnit"


def test_an_exception_outside_any_test_is_in_the_session_report(project: pytest.Pytester) -> None:
    project.makepyfile(test_at_import='''
from starlette.testclient import TestClient
from shop import app

try:  # at collection: no test is running
    TestClient(app).get("/boom")
except ValueError:
    pass


def test_nothing():
    pass
''')
    run(project, "--asgi-auto", "--asgi-report", "json:session.json", "test_at_import.py")
    data = json.loads((project.path / "session.json").read_text())
    [outside] = [s for s in data["scopes"] if s["label"] == "(outside any test)"]
    assert [v["rule_id"] for v in outside["violations"]] == ["G-021"]
    assert outside["exception"]["type"] == "ValueError" and data["summary"]["exceptions"] == 1


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["one process", "xdist"])
def test_a_run_that_inspected_nothing_says_so(pytester: pytest.Pytester, xdist: tuple[str, ...]) -> None:
    pytester.makepyfile(test_no_client="def test_pure():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--asgi-auto", "--asgi-strict", *xdist)
    out = result.stdout.str()
    assert "nothing inspected: no test handed an app to a test client asgion patches (" in out, out
    assert "starlette.testclient.TestClient" in out.split("nothing inspected")[1].splitlines()[0]


def test_a_clean_run_says_what_it_inspected(project: pytest.Pytester) -> None:
    result = run(project, "--asgi-auto", "-k", "test_websocket and not left_open")
    assert "inspected the apps of 1 test (--asgi-auto); no findings in the apps" in result.stdout.str()


def test_github_annotations_of_the_session_put_the_test_clients_findings_on_no_file(
        project: pytest.Pytester) -> None:
    run(project, "--asgi-auto", "--asgi-report", "github:annotations.txt")
    lines = (project.path / "annotations.txt").read_text().splitlines()
    client = [line for line in lines if "G-011" in line]
    assert client and all(line.startswith("::warning title=") for line in client), client
    assert any(line.startswith("::warning file=shop.py,line=") for line in lines), "the app's own are placed"


def test_markers_apply_to_auto_inspection(project: pytest.Pytester) -> None:
    project.makepyfile(test_marked='''
import pytest
from test_shop import client


@pytest.mark.asgi_skip
def test_skipped():
    client.get("/short")


@pytest.mark.asgi_validate(exclude_rules=["SEM-0*"])
def test_excluded():
    client.get("/short")


@pytest.mark.asgi_validate(min_severity="error")
def test_below_the_floor():
    client.get("/short")


def test_judged():
    client.get("/short")
''')
    result = run(project, "-rA", "--asgi-auto", "--asgi-strict", "test_marked.py")
    assert outcomes(result) == {"test_skipped": "PASSED", "test_excluded": "PASSED", "test_below_the_floor": "PASSED",
                                "test_judged": "FAILED"}


def test_litestar_test_clients_are_inspected_transparently(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_litestar='''
from litestar import Litestar, Response, get, websocket, WebSocket
from litestar.testing import TestClient, create_test_client

started = []


@get("/short")
async def short() -> Response[bytes]:
    return Response(b"abc", media_type="text/plain; charset=utf-8", headers={"content-length": "10"})


@get("/ok")
async def ok() -> dict[str, bool]:
    return {"ok": True}


@websocket("/ws")
async def echo(socket: WebSocket) -> None:
    await socket.accept()
    await socket.send_text(await socket.receive_text())
    await socket.close()


app = Litestar([short, ok, echo], on_startup=[lambda: started.append(True)])


def test_clean_with_lifespan_and_websocket():
    with TestClient(app) as client:
        assert client.app is app and started
        assert client.get("/ok").json() == {"ok": True}
        with client.websocket_connect("/ws") as ws:
            ws.send_text("hi")
            assert ws.receive_text() == "hi"


def test_short_body():
    with create_test_client([short]) as client:
        assert client.get("/short").status_code == 200
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", "--asgi-auto", "--asgi-strict")
    assert outcomes(result) == {"test_clean_with_lifespan_and_websocket": "PASSED", "test_short_body": "FAILED"}
    assert "SEM-003 [warning] GET /short" in result.stdout.str()


@pytest.mark.parametrize(("files", "args", "message"), [
    ({"pyproject.toml": '[tool.asgion]\nexclude_rulez = ["HF"]\n'}, (), "unknown key 'exclude_rulez'"),
    ({}, ("--asgi-report", "nope:x.out"), "unknown format 'nope'"),
    ({}, ("--asgi-report", "sarif"), "is not FORMAT:PATH"),
])
def test_mistakes_are_one_usage_error(project: pytest.Pytester, files: dict[str, str], args: tuple[str, ...],
                                      message: str) -> None:
    for name, text in files.items():
        (project.path / name).write_text(text)
    result = run(project, "--asgi-auto", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str() and "Traceback" not in result.stderr.str() + result.stdout.str()


def test_a_suite_that_turns_warnings_into_errors_keeps_its_outcomes(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nfilterwarnings =\n    error\n    ignore::DeprecationWarning\n    ignore:Using `httpx`\n")
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-rA", "--asgi-auto")
    assert set(outcomes(result).values()) == {"PASSED"} and len(outcomes(result)) == TESTS
    assert "AsgionViolationWarning" in result.stdout.str(), "still shown as a warning"


def test_a_suite_that_forbids_blocking_calls_in_its_event_loop_keeps_every_check(pytester: pytest.Pytester) -> None:
    # Starlette's own suite runs blockbuster: a blocking call made under a starlette frame inside a running loop
    # raises. asgion's one-time work (registering the rules imports their examples) must not happen there, or a
    # built-in plugin is lost for the whole session.
    pytester.makeconftest('''
import pytest
from blockbuster import BlockBuster


@pytest.fixture(autouse=True)
def blockbuster():
    detector = BlockBuster("starlette")
    detector.activate()
    yield
    detector.deactivate()
''')
    pytester.makepyfile(test_in_a_loop='''
import asyncio

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient


async def short(request):
    return Response(b"abc", headers={"content-length": "10"})

app = Starlette(routes=[Route("/short", short)])


def test_client_made_inside_a_running_loop():
    async def main():
        return TestClient(app)  # the first Inspector of the session is made here, under starlette's frames

    client = asyncio.run(main())
    assert client.get("/short").status_code == 200
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", "-W", "ignore::DeprecationWarning",
                                           "--asgi-auto", "--asgi-strict")
    out = result.stdout.str()
    assert "SEM-003 [warning] GET /short" in out, out
    assert "G-004" not in out and "disabled" not in out, out


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["one process", "xdist"])
def test_a_plugin_that_failed_is_named_in_the_summary(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                      xdist: tuple[str, ...]) -> None:
    project.makepyfile(broken_rules='''
import pluggy

@pluggy.HookimplMarker("asgion")
def asgion_register_rules(registry):
    raise RuntimeError("no rules today")
''')
    monkeypatch.setenv("ASGION_PLUGINS", "broken_rules")
    monkeypatch.setenv("PYTHONPATH", str(project.path))
    result = run(project, "--asgi-auto", *xdist)
    summary = result.stdout.str().split("= asgion =")[-1]
    assert summary.count("plugin 'broken_rules' disabled: rule registration failed: RuntimeError: no rules today") \
        == 1, result.stdout.str()


def test_a_plugin_that_failed_is_named_when_only_the_fixture_used_it(pytester: pytest.Pytester,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(broken_rules='''
import pluggy

@pluggy.HookimplMarker("asgion")
def asgion_register_rules(registry):
    raise RuntimeError("no rules today")
''', test_clean='''
from starlette.applications import Starlette
from starlette.testclient import TestClient


def test_clean(asgi_inspect):
    assert TestClient(asgi_inspect(Starlette())).get("/").status_code == 404
''')
    monkeypatch.setenv("ASGION_PLUGINS", "broken_rules")
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
    assert "plugin 'broken_rules' disabled: rule registration failed" in result.stdout.str(), result.stdout.str()


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["one process", "xdist"])
def test_a_check_that_raised_is_named_in_the_summary_and_the_report(project: pytest.Pytester,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   xdist: tuple[str, ...]) -> None:
    project.makepyfile(raising_check='''
import pluggy
from asgion import EventCheck, Rule, Severity

hookimpl = pluggy.HookimplMarker("asgion")

@hookimpl
def asgion_register_rules(registry):
    registry.register(Rule(id="RX-001", name="raises", severity=Severity.INFO, layer="raising",
                           summary="A check that raises.", hint="None."))

def check(conn, message):
    raise ValueError("a bug in the check")

@hookimpl
def asgion_event_checks(scope_type, config):
    return [EventCheck(check, ("RX-001",), "send", ("http.response.start",))] if scope_type == "http" else []
''')
    monkeypatch.setenv("ASGION_PLUGINS", "raising_check")
    monkeypatch.setenv("PYTHONPATH", str(project.path))
    result = run(project, "--asgi-auto", "--asgi-report", "json:report.json", *xdist)
    summary = result.stdout.str().split("= asgion =")[-1]
    assert summary.count("raising_check: ") == 1 and "ValueError: a bug in the check" in summary, summary
    errors = json.loads((project.path / "report.json").read_text())["internal_errors"]
    assert [e["plugin"] for e in errors] == ["raising_check"] and "a bug in the check" in errors[0]["error"]


def test_quart_and_asgi_lifespan_clients_are_inspected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_more_clients='''
import asyncio

import httpx
from asgi_lifespan import LifespanManager
from quart import Quart, Response, websocket
from starlette.applications import Starlette
from starlette.responses import Response as StarletteResponse
from starlette.routing import Route

quart_app = Quart(__name__)


@quart_app.route("/ok")
async def ok():
    return "ok"


@quart_app.route("/gone")
async def gone():
    return Response("gone", status=204)


@quart_app.websocket("/ws")
async def echo():
    await websocket.accept()
    await websocket.send(await websocket.receive())


def test_quart_clean():
    async def main():
        client = quart_app.test_client()
        response = await client.get("/ok")
        assert response.status_code == 200 and await response.get_data() == b"ok"
        async with client.websocket("/ws") as ws:
            await ws.send("hi")
            assert await ws.receive() == "hi"

    asyncio.run(main())


def test_quart_204_with_a_body():
    async def main():
        assert (await quart_app.test_client().get("/gone")).status_code == 204

    asyncio.run(main())


async def short(request):
    return StarletteResponse(b"abc", media_type="text/plain; charset=utf-8", headers={"content-length": "10"})

starlette_app = Starlette(routes=[Route("/short", short)])


def test_lifespan_manager_and_transport_share_one_inspector():
    async def main():
        async with LifespanManager(starlette_app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                assert (await client.get("/short")).status_code == 200

    asyncio.run(main())
''')
    # (warning and above: Quart 0.23 streams even small responses, an info-level SEM-005 of its own)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", "--asgi-auto", "--asgi-strict",
                                           "--asgi-min-severity", "warning")
    out = result.stdout.str()
    assert not re.search(r"at test_more_clients\.py:\d+ in test_", out), "the test running the loop is not blamed"
    assert outcomes(result) == {"test_quart_clean": "PASSED", "test_quart_204_with_a_body": "FAILED",
                                "test_lifespan_manager_and_transport_share_one_inspector": "FAILED"}, out
    assert "HF-012 [error] GET /gone" in out
    failures = out.split("short test summary info")[0]  # on CI (env CI set) pytest repeats whole messages there
    assert failures.count("SEM-003 [warning] GET /short") == 1, "one Inspector, not one inside another"


def test_httpx2_transports_are_inspected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_httpx2_client='''
import asyncio

import httpx2
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route


async def short(request):
    return Response(b"abc", media_type="text/plain; charset=utf-8", headers={"content-length": "10"})

app = Starlette(routes=[Route("/short", short)])


def test_short_through_httpx2():
    async def main():
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.get("/short")).status_code == 200

    asyncio.run(main())
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", "--asgi-auto", "--asgi-strict")
    assert outcomes(result) == {"test_short_through_httpx2": "FAILED"}, result.stdout.str()
    assert "SEM-003 [warning] GET /short" in result.stdout.str()


def test_a_plugin_that_reruns_tests_keeps_doing_so(project: pytest.Pytester) -> None:
    project.makepyfile(test_flaky='''
import pytest
from test_shop import client

attempts = []


@pytest.mark.flaky(reruns=2)
def test_passes_on_the_second_try():
    attempts.append(1)
    assert client.get("/ok").status_code == 200
    assert len(attempts) > 1


@pytest.mark.flaky(reruns=1)
def test_breaks_the_protocol_every_time():
    client.get("/short")
''')
    result = run(project, "-rA", "--asgi-auto", "--asgi-strict", "test_flaky.py")
    assert outcomes(result) == {"test_passes_on_the_second_try": "PASSED",
                                "test_breaks_the_protocol_every_time": "FAILED"}, result.stdout.str()
    assert "1 rerun" in result.stdout.str() or "rerun" in result.stdout.str()
    assert "SEM-003 [warning] GET /short" in result.stdout.str()


def test_the_users_objects_are_left_as_they_are(project: pytest.Pytester) -> None:
    project.makepyfile(test_identity='''
import asyncio
import contextlib

import httpx
from litestar import Litestar, get
from litestar.testing import TestClient as LitestarClient
from starlette.applications import Starlette
from starlette.testclient import TestClient

from shop import app

started = []


def starlette_app(name):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        started.append(name)
        yield

    return Starlette(lifespan=lifespan)


def litestar_app(text):
    @get("/")
    async def index() -> str:
        return text

    return Litestar([index])


def test_transport_and_client_keep_the_app():
    transport = httpx.ASGITransport(app=app)
    assert transport.app is app and TestClient(app).app is app


def test_a_reassigned_app_is_the_one_that_runs():
    client = TestClient(starlette_app("one"))
    client.app = starlette_app("two")
    with client:
        assert started == ["two"]
    with LitestarClient(litestar_app("one")) as litestar:
        litestar.app = litestar_app("two")
        assert litestar.get("/").text == "two"
''')
    result = run(project, "-rA", "--asgi-auto", "test_identity.py")
    assert outcomes(result) == {"test_transport_and_client_keep_the_app": "PASSED",
                                "test_a_reassigned_app_is_the_one_that_runs": "PASSED"}, result.stdout.str()


def test_asgi_inspect_reached_through_getfixturevalue_is_judged(project: pytest.Pytester) -> None:
    project.makepyfile(test_dynamic='''
from fastapi.testclient import TestClient
from shop import app


def test_dynamic(request):
    TestClient(request.getfixturevalue("asgi_inspect")(app)).get("/short")
''')
    result = run(project, "-rA", "--asgi-strict", "test_dynamic.py")
    assert "SEM-003 [warning] GET /short" in result.stdout.str()
    assert outcomes(result)["test_dynamic"] in ("FAILED", "ERROR")


def test_a_conftest_protocol_below_the_rootdir_is_respected(project: pytest.Pytester) -> None:
    sub = project.mkpydir("sub")
    (sub / "conftest.py").write_text('''
import pytest
from _pytest.runner import runtestprotocol


def pytest_runtest_protocol(item, nextitem):
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    for report in runtestprotocol(item, nextitem=nextitem, log=False):
        if report.when == "call":
            report.outcome = "skipped"
            report.longrepr = (str(item.path), 1, "skipped by the conftest's own protocol")
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True
''')
    (sub / "test_sub.py").write_text("def test_anything():\n    pass\n")
    result = run(project, "-rA", "--asgi-auto", "sub")
    result.assert_outcomes(skipped=1)


def test_findings_of_the_session_teardown_count_even_after_x(project: pytest.Pytester) -> None:
    project.makeconftest('''
import pytest
from fastapi.testclient import TestClient
from shop import app


@pytest.fixture(scope="session")
def session_client():
    client = TestClient(app)
    yield client
    client.get("/short")  # a last request as the session ends
''')
    project.makepyfile(test_session='''
def test_fails(session_client):
    assert False


def test_never_runs(session_client):
    pass
''')
    result = run(project, "-x", "--asgi-auto", "--asgi-report", "json:session.json", "test_session.py")
    report = json.loads((project.path / "session.json").read_text())
    rules = {v["rule_id"] for s in report["scopes"] for v in s["violations"]}
    assert "SEM-003" in rules, (rules, result.stdout.str())


def test_marker_mistakes_are_readable(project: pytest.Pytester) -> None:
    project.makepyfile(test_markers='''
import pytest
from test_shop import client


@pytest.mark.asgi_validate(min_severity="warn")
def test_bad_severity():
    client.get("/ok")


@pytest.mark.asgi_validate(exclude_rules="SEM-003")
def test_one_pattern_as_a_string():
    client.get("/short")
''')
    result = run(project, "-rA", "--asgi-auto", "--asgi-strict", "test_markers.py")
    out = result.stdout.str()
    assert "INTERNALERROR" not in out
    assert outcomes(result) == {"test_bad_severity": "FAILED", "test_one_pattern_as_a_string": "PASSED"}, out
    assert "unknown severity 'warn'" in out


def test_a_bad_config_does_not_break_a_run_that_does_not_use_asgion(project: pytest.Pytester) -> None:
    (project.path / "pyproject.toml").write_text('[tool.asgion]\nblame = "mine"\n')
    project.makepyfile(test_plain="def test_plain():\n    pass\n")
    assert run(project, "test_plain.py").ret == pytest.ExitCode.OK
    assert run(project, "--asgi-auto", "test_plain.py").ret == pytest.ExitCode.USAGE_ERROR


def test_blame_app_in_the_config_counts_only_the_users_findings(project: pytest.Pytester) -> None:
    (project.path / "pyproject.toml").write_text('[tool.asgion]\nblame = "app"\n')
    result = run(project, "-rA", "--asgi-auto", "--asgi-strict")
    failed = {name for name, outcome in outcomes(result).items() if outcome == "FAILED"}
    assert "test_short_body" not in failed, "SEM-003 there is sent by Starlette, not by the user's code"
    assert "test_websocket_left_open" in failed
    assert re.search(r"\n\d+ findings? in framework code not counted \(blame = \"app\"\)", result.stdout.str())
