"""Django: the view its URLconf resolves a scope to, named for findings made outside the CLI (a test client, a
server), where no discovery ran. Run in a process of its own: Django's settings are per process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import asyncio, json
import httpx
from asgion import Inspector
from tests.cli.framework_apps import django_app

async def main():
    inspector = Inspector(django_app.app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=inspector), base_url="http://t") as client:
        await client.get("/api/items/3")
    return inspector

inspector = asyncio.run(main())
print(json.dumps([v.to_dict() for v in inspector.violations if v.rule_id == "SEM-003"]))
"""


def test_findings_point_at_the_view_the_urlconf_resolves() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    [sem003] = json.loads(done.stdout.splitlines()[-1])
    assert sem003["owner"] == "framework" and sem003["location"]["function"] == "read_item_wrong_length"
    assert sem003["location"]["file"].endswith("framework_apps/django_views.py")
    assert "django" in sem003["sent_from"]["file"]
