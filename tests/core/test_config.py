"""Config discovery and validation: every mistake names the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from asgion import AsgionConfig, ConfigError, Severity, load_config, load_user_profiles


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname='x'\n")
    assert load_config(start=tmp_path) == AsgionConfig()


def test_dot_asgion_toml_is_found_walking_up(tmp_path: Path) -> None:
    write(tmp_path / ".asgion.toml", 'profile = "strict"\nmin_severity = "warning"\nttfb_threshold = 2\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    config = load_config(start=nested)
    assert config.profile == "strict" and config.min_severity is Severity.WARNING
    assert config.ttfb_threshold == 2.0 and config.source == tmp_path / ".asgion.toml"


def test_pyproject_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.asgion]\napp = "main:app"\npaths = ["/", "POST:/items"]\n'
          'exclude_rules = ["SEM-013"]\n[tool.asgion.profiles.ci]\nextends = "strict"\nexclude_rules = ["SEM"]\n')
    config = load_config(start=tmp_path)
    assert config.app == "main:app" and config.paths == ("/", "POST:/items")
    assert config.profiles["ci"].base == "strict"
    assert set(load_user_profiles(tmp_path / "pyproject.toml")) == {"ci"}


def test_pyproject_without_table_stops_the_walk(tmp_path: Path) -> None:
    write(tmp_path / ".asgion.toml", 'profile = "strict"\n')
    project = tmp_path / "project"
    project.mkdir()
    write(project / "pyproject.toml", "[project]\nname='x'\n")
    assert load_config(start=project).profile == "recommended"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("unknown_key = 1\n", "unknown key 'unknown_key'"),
        ('profile = 3\n', "profile must be a string"),
        ('profile = "nope"\n', "unknown profile 'nope'"),
        ('min_severity = "fatal"\n', "unknown severity 'fatal'"),
        ("ttfb_threshold = -1\n", "ttfb_threshold must be a positive number"),
        ("chunk_count_threshold = 1.5\n", "chunk_count_threshold must be a positive integer"),
        ('exclude_rules = "HF-001"\nexclude_rules2 = 1\n', "unknown key 'exclude_rules2'"),
        ("paths = [1]\n", "paths must be a list of strings"),
        ("[profiles.strict]\n", "built-in profile"),
        ('[profiles.ci]\nextends = "nope"\n', "unknown profile 'nope'"),
        ("this is not toml\n", "invalid TOML"),
    ],
)
def test_mistakes_name_key_and_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / ".asgion.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")


def test_time_thresholds_are_kept_in_nanoseconds_too() -> None:
    config = AsgionConfig(ttfb_threshold=0.5)
    assert (config.ttfb_ns, config.lifecycle_ns, config.body_delivery_ns) == (0.5e9, 30e9, 10e9)
    merged = config.merged(lifecycle_threshold=2.0)
    assert (merged.ttfb_ns, merged.lifecycle_ns) == (0.5e9, 2e9)
    assert merged == AsgionConfig(ttfb_threshold=0.5, lifecycle_threshold=2.0)
    assert all(type(ns) is int for ns in (merged.ttfb_ns, merged.lifecycle_ns, merged.body_delivery_ns))
    assert AsgionConfig(body_size_threshold=10, buffer_chunk_threshold=20).large_body_threshold == 10
    assert AsgionConfig(body_size_threshold=30, buffer_chunk_threshold=20).large_body_threshold == 20


@pytest.mark.parametrize("seconds", [0.3, 0.7, 1e-9, 2.5e-7, 123.456789])
def test_whole_nanosecond_thresholds_judge_every_duration_as_the_seconds_do(seconds: float) -> None:
    # durations are whole nanoseconds, so "above the truncated threshold" must mean "above the exact one"
    ns = AsgionConfig(ttfb_threshold=seconds).ttfb_ns
    exact = seconds * 1e9
    for duration in range(int(exact) - 2, int(exact) + 3):
        assert (duration > ns) == (duration > exact)


def test_an_infinite_threshold_stays_infinite() -> None:
    assert AsgionConfig(ttfb_threshold=float("inf")).ttfb_ns == float("inf")
