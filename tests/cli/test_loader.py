"""asgion_cli.loader: APP as a file inside a package, and a package in a src layout, import as the project's own
code does. Each run is a process of its own (the loader changes sys.path, as uvicorn's does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

APP = """from .routes import handler

async def app(scope, receive, send):
    if scope["type"] == "http":
        await handler(receive, send)
"""
ROUTES = """async def handler(receive, send):
    await receive()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": b"ok"})
"""


def src_project(root: Path) -> Path:
    package = root / "src" / "shop"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "asgi.py").write_text(APP)
    (package / "routes.py").write_text(ROUTES)
    return root


def check(root: Path, app: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "asgion", "check", app, "--path", "/", "--no-lifespan"], cwd=root,
                          capture_output=True, text=True, timeout=60)


def test_a_file_inside_a_package_keeps_its_relative_imports(tmp_path: Path) -> None:
    done = check(src_project(tmp_path), "src/shop/asgi.py:app")
    assert done.returncode == 0 and "GET /  200  ok" in done.stdout, done.stderr


def test_a_src_layout_package_imports_by_its_dotted_name(tmp_path: Path) -> None:
    done = check(src_project(tmp_path), "shop.asgi:app")
    assert done.returncode == 0 and "GET /  200  ok" in done.stdout, done.stderr


def test_a_missing_module_says_where_to_look(tmp_path: Path) -> None:
    done = check(tmp_path, "nowhere.asgi:app")
    assert done.returncode == 2 and "put the folder that holds it on PYTHONPATH" in done.stderr
