"""The Markdown reporter renders a real report made by an Inspector."""

from __future__ import annotations

import asyncio

from asgion_markdown.reporter import MarkdownReporter

from asgion import Inspector, ReportOptions


async def app(scope, receive, send):
    await receive()
    await send({"type": "http.response.body", "body": b"early|bird"})


def test_renders_findings_as_a_table() -> None:
    inspector = Inspector(app)

    async def drive() -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "path": "/", "query_string": b"", "headers": []}

        async def receive():
            return {"type": "http.request"}

        async def send(message):
            return None

        await inspector(scope, receive, send)

    asyncio.run(drive())
    text = MarkdownReporter().render(inspector.report("demo"), ReportOptions())
    assert text.startswith("## asgion: demo")
    assert "| HF-002 | error | http.response.body sent before http.response.start |" in text
