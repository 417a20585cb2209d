"""Run a framework's own test suite with and without ``pytest --asgi-auto`` and compare, test by test.

For each framework named, the sdist of the version installed in the target interpreter is downloaded from PyPI
(``pip download --no-binary``), unpacked, and its tests run twice in the same interpreter: plain, then with
``--asgi-auto`` and a JSON session report. The script fails when any test's outcome differs, or when asgion reports
a plugin it disabled or a check that raised (checks that did not run prove nothing); it prints the wall times, their
ratio and the distinct findings per rule, and writes everything to ``WORKDIR/<framework>.json``.

    python tools/real_suites.py starlette --venv build/suite-venv

``--venv DIR`` makes (or reuses) a virtual environment with asgion and the suite's test dependencies, the
framework at the version this interpreter has; ``--python`` names an interpreter that already has them.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: What each suite needs besides asgion and pytest ({version}: the framework's version here), from its dev group.
REQUIREMENTS = {
    "starlette": ["starlette[full]=={version}", "httpx2[zstd]", "trio", "blockbuster", "opentelemetry-sdk",
                  "importlib-metadata", "pytest-xdist"],
    "litestar": ["litestar[full]=={version}", "beanie", "beautifulsoup4", "fsspec", "greenlet", "hypothesis",
                 "python-dotenv", "starlette", "trio", "aiosqlite", "asyncpg", "psycopg[pool,binary]",
                 "psycopg2-binary", "psutil", "hypercorn", "daphne", "opentelemetry-sdk", "httpx-sse", "covdefaults",
                 "pytest-asyncio", "pytest-lazy-fixtures", "pytest-mock", "pytest-timeout", "pytest-xdist",
                 "time-machine<3"],
    "fastapi": ["fastapi[all]=={version}", "opentelemetry-instrumentation-fastapi", "logfire", "sentry-sdk",
                "opentelemetry-sdk", "opentelemetry-exporter-otlp-proto-http", "python-slugify", "anyio[trio]",
                "dirty-equals", "flask", "inline-snapshot", "pwdlib[argon2]", "pyjwt", "pyyaml", "sqlmodel",
                "strawberry-graphql", "typer", "a2wsgi", "pytest-timeout", "pytest<9.2", "ruff", "httpx2",
                "pytest-xdist"],
}
#: Where each framework's suite keeps its tests inside the sdist.
TESTS = {"starlette": "tests", "fastapi": "tests", "litestar": "tests"}
#: Tests that are racy in themselves and can hang under any added latency; deselected in both runs, and said so.
#: FastAPI's tutorial test runs two TestClient websocket sessions that share anyio streams across threads.
RACY = {"fastapi": ["tests/test_tutorial/test_websockets/test_tutorial003.py"]}


def make_venv(venv: Path, frameworks: list[str], version: str | None = None) -> str:
    """A virtual environment with asgion (this checkout) and each suite's requirements (each framework at the
    version this interpreter has, or at ``version``); its interpreter."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    requirements = [r.format(version=version or importlib.metadata.version(f)) for f in frameworks
                    for r in REQUIREMENTS.get(f, [f"{f}=={{version}}"])]
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", f"{ROOT}[pytest]", *requirements], check=True)
    return str(python)


def installed_version(python: str, distribution: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def unpack_sdist(python: str, distribution: str, version: str, workdir: Path) -> Path:
    target = workdir / f"{distribution}-{version}"
    if target.is_dir():
        return target
    subprocess.run([python, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", str(workdir),
                    f"{distribution}=={version}"], check=True)
    archive = next(workdir.glob(f"{distribution}-{version}.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(workdir, filter="data")
    return target


def outcomes(junit: Path) -> dict[str, str]:
    """Test id -> passed, failed, error or skipped (xfail counts as skipped, as JUnit writes it)."""
    found = {}
    for case in ET.parse(junit).iter("testcase"):
        kinds = {child.tag for child in case}
        outcome = next((k for k in ("error", "failure", "skipped") if k in kinds), "passed")
        found[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return found


def run(python: str, root: Path, framework: str, extra: list[str], junit: Path) -> float:
    deselect = [arg for test in RACY.get(framework, []) for arg in ("--deselect", test)]
    command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", TESTS[framework], f"--junit-xml={junit}",
               *deselect, *extra]
    log = junit.with_suffix(".log")
    started = time.perf_counter()
    with log.open("w") as output:
        subprocess.run(command, cwd=root, stdout=output, stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - started
    if not junit.exists():
        raise SystemExit(f"{framework}: the suite did not run (no JUnit report); its output is in {log}")
    return elapsed


def compare(python: str, framework: str, workdir: Path, source: Path | None = None) -> dict[str, Any]:
    version = installed_version(python, framework)
    root = source or unpack_sdist(python, framework, version, workdir)
    plain_xml, auto_xml, report = workdir / f"{framework}.plain.xml", workdir / f"{framework}.auto.xml", \
        workdir / f"{framework}.asgion.json"
    plain_time = run(python, root, framework, [], plain_xml)
    auto_time = run(python, root, framework, ["--asgi-auto", f"--asgi-report=json:{report}"], auto_xml)
    plain, auto = outcomes(plain_xml), outcomes(auto_xml)
    changed = {test: (plain.get(test), auto.get(test)) for test in plain.keys() | auto.keys()
               if plain.get(test) != auto.get(test)}
    data = json.loads(report.read_text())
    app_rules = Counter(v["rule_id"] for s in data["scopes"] if not s["label"].startswith("test client")
                        for v in s["violations"])
    client_rules = sorted({v["rule_id"] + " " + v["message"] for s in data["scopes"]
                           if s["label"].startswith("test client") for v in s["violations"]})
    return {"framework": framework, "version": version, "tests": len(plain), "changed": changed,
            "outcomes": dict(Counter(plain.values())), "plain_seconds": round(plain_time, 2),
            "auto_seconds": round(auto_time, 2), "ratio": round(auto_time / plain_time, 3),
            "findings_by_rule": dict(app_rules.most_common()), "test_client": client_rules,
            # a plugin disabled or a check that raised means checks did not run: the comparison proves less
            "plugin_errors": data.get("plugin_errors", []),
            "internal_errors": [f"{e['plugin']}: {e['where']}: {e['error']} ({e['at']})"
                                for e in data.get("internal_errors", [])],
            "deselected": RACY.get(framework, [])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("frameworks", nargs="+", choices=sorted(TESTS))
    parser.add_argument("--python", default=sys.executable, help="interpreter with asgion and the suite's deps")
    parser.add_argument("--venv", type=Path, help="make (or reuse) this virtual environment for the suites")
    parser.add_argument("--source", type=Path, help="the framework's test tree, when its sdist ships no tests "
                                                    "(a checkout of the tag of --version)")
    parser.add_argument("--version", help="with --venv: install the framework at this version")
    parser.add_argument("--workdir", type=Path, default=Path("build/real-suites"))
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if (args.source or args.version) and len(args.frameworks) != 1:
        parser.error("--source and --version apply to one framework")
    python = make_venv(args.venv.resolve(), args.frameworks, args.version) if args.venv else args.python
    failed = False
    for framework in args.frameworks:
        result = compare(python, framework, args.workdir.resolve(), args.source.resolve() if args.source else None)
        (args.workdir / f"{framework}.json").write_text(json.dumps(result, indent=2))
        print(f"{framework} {result['version']}: {result['tests']} tests {result['outcomes']}, "
              f"{result['plain_seconds']}s plain, {result['auto_seconds']}s with --asgi-auto "
              f"(x{result['ratio']}), {len(result['changed'])} outcomes changed")
        for test, (before, after) in sorted(result["changed"].items()):
            print(f"  changed: {test}: {before} -> {after}")
        for rule_id, count in result["findings_by_rule"].items():
            print(f"  {rule_id:<9}{count}")
        for line in result["test_client"]:
            print(f"  test client: {line}")
        for line in result["plugin_errors"] + result["internal_errors"]:
            print(f"  asgion failed: {line}")
        failed = failed or bool(result["changed"] or result["plugin_errors"] or result["internal_errors"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
