"""The GitHub Action (its step script run for real) and the pre-commit hook (run with pre-commit try-repo)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT

ACTION_SCRIPT = ROOT / ".github" / "actions" / "asgion-check.sh"


def test_action_declares_the_inputs_and_output() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(action["inputs"]) == {"app", "paths", "strict", "format", "args", "working-directory", "upload-sarif",
                                     "python-version", "install-command"}
    assert action["runs"]["using"] == "composite"
    assert "steps.check.outputs.report-path" in action["outputs"]["report-path"]["value"]
    steps = action["runs"]["steps"]
    step = next(s for s in steps if s.get("id") == "check")
    assert set(step["env"]) == {"ASGION_APP", "ASGION_PATHS", "ASGION_STRICT", "ASGION_FORMAT", "ASGION_ARGS",
                                "ASGION_WORKING_DIRECTORY", "ASGION_DEFER_FAILURE"}
    names = [s.get("uses", s.get("id", s.get("name"))) for s in steps]
    upload = next(i for i, s in enumerate(steps) if "upload-sarif" in s.get("uses", ""))
    fail = next(i for i, s in enumerate(steps) if s.get("name") == "Fail when asgion failed")
    assert names.index("check") < upload < fail, "the report is uploaded before the step fails"
    assert "!cancelled()" in steps[upload]["if"] and "report-path != ''" in steps[upload]["if"]


def run_action(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    output = tmp_path / "github_output"
    output.write_text("")  # a fresh step: outputs of an earlier run do not count
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


def test_action_args_are_split_like_a_shell_and_paths_are_not_globbed(tmp_path: Path) -> None:
    result, outputs = run_action(tmp_path, app="tests.cli.apps:echo", paths="/*\n  /b", strict="false", format="json",
                                 args="-H 'x-note: two words' --exclude-rules SEM")
    assert result.returncode == 0, result.stdout + result.stderr
    labels = [s["label"] for s in json.loads(Path(outputs["report-path"]).read_text())["scopes"]]
    assert [label for label in labels if label != "lifespan"] == ["GET /*", "GET /b"]


def test_action_bad_args_are_one_error_and_no_report(tmp_path: Path) -> None:
    result, outputs = run_action(tmp_path, app="examples/clean_app.py:app", args="-H 'unterminated")
    assert result.returncode == 2 and "cannot be split like a command line" in result.stdout
    result, outputs = run_action(tmp_path, app="no_such_module:app")
    assert result.returncode == 2 and "report-path" not in outputs and outputs["exit-code"] == "2"


def test_action_working_directory_and_deferred_failure(tmp_path: Path) -> None:
    result, outputs = run_action(tmp_path, app="buggy_app.py:app", working_directory="examples",
                                 defer_failure="true")
    assert result.returncode == 0 and outputs["exit-code"] == "1", "the step succeeds; a later one fails the job"
    assert Path(outputs["report-path"]).exists()


def readme_workflow() -> dict[str, Any]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## In CI"):]
    block = section[section.index("```yaml\n") + 8:]
    parsed: dict[str, Any] = yaml.safe_load(block[:block.index("```")])
    return parsed


def test_the_readme_workflow_runs_the_action_as_documented(tmp_path: Path) -> None:
    workflow = readme_workflow()
    job = next(iter(workflow["jobs"].values()))
    assert job["permissions"]["security-events"] == "write"
    step = next(s for s in job["steps"] if "asgion" in s.get("uses", "") and "checkout" not in s["uses"])
    inputs = step["with"]
    assert set(inputs) <= set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    summary = tmp_path / "summary.md"
    env_inputs = {key.replace("-", "_"): str(value) for key, value in inputs.items()
                  if key not in ("python-version", "install-command", "upload-sarif")}
    output = tmp_path / "github_output"
    output.touch()
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(output), "GITHUB_WORKSPACE": str(ROOT),
           "GITHUB_STEP_SUMMARY": str(summary), "ASGION_DEFER_FAILURE": "true",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           **{f"ASGION_{k.upper()}": v for k, v in env_inputs.items()}}
    result = subprocess.run(["bash", str(ACTION_SCRIPT)], capture_output=True, text=True, env=env, cwd=ROOT)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert result.returncode == 0 and outputs["exit-code"] == "1", result.stdout + result.stderr
    log = json.loads(Path(outputs["report-path"]).read_text())
    assert log["runs"][0]["results"] and all(r["locations"] for r in log["runs"][0]["results"])
    assert "::error file=examples/buggy_app.py" in result.stdout and "| HF-002 |" in summary.read_text()


def test_hooks_run_on_python_and_config_changes() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"asgion-check", "asgion-check-system"}
    assert hooks["asgion-check-system"]["language"] == "system"
    for hook in hooks.values():
        assert set(hook["types_or"]) == {"python", "toml"}, "pyproject.toml and .asgion.toml changes count"


def try_repo_hook(repo: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    pre_commit = Path(sys.executable).parent / "pre-commit"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("ASGION_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run([str(pre_commit), "try-repo", str(ROOT), hook], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_the_system_hook_checks_a_framework_app(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = sample_repo(tmp_path, ROOT / "tests" / "cli" / "framework_apps" / "starlette_app.py")
    result = try_repo_hook(repo, pre_commit_home, "asgion-check-system")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "WF-014" in result.stdout and "not installed" not in result.stdout
