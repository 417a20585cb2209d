"""asgion's pytest plugin, run for real with pytester: fixture, marker, strict mode, teardown, config."""

from __future__ import annotations

import pytest

APPS = '''
import httpx
import pytest


async def buggy(scope, receive, send):
    if scope["type"] != "http":
        return
    await receive()
    await send({"type": "http.response.body", "body": b"early"})
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})


async def clean(scope, receive, send):
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def get(app, path="/"):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.get(path)
'''

TESTS = '''
import asyncio
import pytest
from apps import buggy, clean, get


def test_buggy(asgi_inspect):
    asyncio.run(get(asgi_inspect(buggy)))


def test_clean(asgi_inspect):
    inspector = asgi_inspect(clean)
    asyncio.run(get(inspector))
    assert inspector.violations == []


@pytest.mark.asgi_validate(exclude_rules=["HF-*", "SEM-*"])
def test_buggy_but_excluded(asgi_inspect):
    asyncio.run(get(asgi_inspect(buggy)))


@pytest.mark.asgi_validate(min_severity="warning")
def test_only_warnings_and_up(asgi_inspect):
    asyncio.run(get(asgi_inspect(buggy), "/"))
'''


def asgion_warnings(result: pytest.RunResult) -> int:
    """asgion's own warnings in the summary (other libraries may warn too, depending on their versions)."""
    return sum("AsgionViolationWarning: asgion found" in line for line in result.outlines)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(apps=APPS, test_app=TESTS)
    return pytester


def test_warns_without_strict(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-W", "default")
    result.assert_outcomes(passed=4)
    assert asgion_warnings(result) == 2


def test_strict_fails_with_a_useful_message(project: pytest.Pytester) -> None:
    result = project.runpytest("--asgi-strict", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)
    assert "ERROR" not in result.stdout.str(), "a finding fails the test itself, not its teardown"
    result.stdout.fnmatch_lines([
        "*_ test_buggy _*",
        "*asgion found * ASGI violation(s):*",
        "*HF-002 [[]error] GET /: http.response.body sent before http.response.start*",
        "*at *apps.py:9 in buggy*",
        "*hint: Begin the response with http.response.start.*",
    ])
    failed = {line.split("::")[-1].split(" ")[0] for line in result.outlines if line.startswith("FAILED")}
    assert failed == {"test_buggy", "test_only_warnings_and_up"}


def test_strict_from_ini_and_min_severity_option(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nasgi_strict = true\n")
    result = project.runpytest("--asgi-min-severity", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)
    assert "SEM-013" not in result.stdout.str()


def test_project_config_is_loaded(project: pytest.Pytester) -> None:
    project.makepyprojecttoml('[tool.asgion]\nexclude_rules = ["HF", "SEM"]\n')
    result = project.runpytest("--asgi-strict", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_config_can_be_ignored(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(apps=APPS, test_app='''
import asyncio
from apps import buggy, get

def test_ignores_config(asgi_inspect):
    inspector = asgi_inspect(buggy, use_config=False)
    asyncio.run(get(inspector))
    assert "HF-002" in [v.rule_id for v in inspector.violations]
''')
    pytester.makepyprojecttoml('[tool.asgion]\nexclude_rules = ["HF"]\n')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert asgion_warnings(result) == 1


def test_violations_during_fixture_teardown_count(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(apps=APPS, test_teardown='''
import asyncio
import pytest
from apps import buggy, get


@pytest.fixture
def client_app(asgi_inspect):
    inspector = asgi_inspect(buggy)
    yield inspector
    asyncio.run(get(inspector, "/during-teardown"))   # e.g. a shutdown request in teardown


def test_nothing_wrong_inside_the_test(client_app):
    assert client_app.violations == []
''')
    result = pytester.runpytest("--asgi-strict", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert "ERROR" not in result.stdout.str(), "reported once, as the test's failure"
    result.stdout.fnmatch_lines(["*HF-002 [[]error] GET /during-teardown*"])
