"""A small ASGI app with a classic bug: it sends the response body before http.response.start.

Try: asgion check examples/buggy_app.py:app
"""


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await receive()
    await send({"type": "http.response.body", "body": b"Hello, world!"})
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
