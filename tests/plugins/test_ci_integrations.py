"""The GitHub Action (its step script run for real) and the pre-commit hook (run with pre-commit try-repo)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT

ACTION_SCRIPT = ROOT / ".github" / "actions" / "asgion-check.sh"


def test_action_declares_the_inputs_and_output() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(action["inputs"]) == {"app", "paths", "strict", "format", "args", "python-version", "install-command"}
    assert action["runs"]["using"] == "composite"
    assert "steps.check.outputs.report-path" in action["outputs"]["report-path"]["value"]
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    assert set(step["env"]) == {"ASGION_APP", "ASGION_PATHS", "ASGION_STRICT", "ASGION_FORMAT", "ASGION_ARGS"}


def run_action(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    output = tmp_path / "github_output"
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(output),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           **{f"ASGION_{k.upper()}": v for k, v in inputs.items()}}
    result = subprocess.run(["bash", str(ACTION_SCRIPT)], capture_output=True, text=True, env=env, cwd=ROOT)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return result, outputs


def test_action_step_writes_the_report_and_annotates(tmp_path: Path) -> None:
    result, outputs = run_action(tmp_path, app="examples/buggy_app.py:app", paths="/ /other", strict="true",
                                 format="sarif", args="--exclude-rules SEM")
    assert result.returncode == 1, result.stderr
    report = Path(outputs["report-path"])
    assert report == tmp_path / "asgion-report.sarif"
    log = json.loads(report.read_text())
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"HF-002", "HF-006"}
    assert "::error file=examples/buggy_app.py,line=" in result.stdout


def test_action_step_passes_a_clean_app(tmp_path: Path) -> None:
    result, outputs = run_action(tmp_path, app="examples/clean_app.py:app", strict="true", format="json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(Path(outputs["report-path"]).read_text())["summary"]["total"] == 0


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def sample_repo(tmp_path: Path, app_source: Path) -> Path:
    repo = tmp_path / "sample"
    repo.mkdir(parents=True)
    shutil.copy(app_source, repo / "app.py")
    (repo / "pyproject.toml").write_text('[tool.asgion]\napp = "app:app"\nexclude_rules = ["SEM"]\n')
    for args in (["init", "-q"], ["add", "app.py", "pyproject.toml"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    return repo


def try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    pre_commit = Path(sys.executable).parent / "pre-commit"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    env.pop("ASGION_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run([str(pre_commit), "try-repo", str(ROOT), "asgion-check"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_hook_fails_a_buggy_app_and_passes_a_clean_one(tmp_path: Path, pre_commit_home: Path) -> None:
    buggy = try_repo(sample_repo(tmp_path / "b", EXAMPLES / "buggy_app.py"), pre_commit_home)
    assert buggy.returncode == 1, buggy.stdout + buggy.stderr
    assert "HF-002" in buggy.stdout and "asgion check" in buggy.stdout
    clean = try_repo(sample_repo(tmp_path / "c", EXAMPLES / "clean_app.py"), pre_commit_home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
