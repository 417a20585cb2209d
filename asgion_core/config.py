"""Configuration: the ``AsgionConfig`` value, and loading it from ``.asgion.toml`` or ``[tool.asgion]``.

Discovery walks up from the working directory. A ``.asgion.toml`` wins; a ``pyproject.toml`` with a
``[tool.asgion]`` table is used; a ``pyproject.toml`` without one marks the project root and stops the walk (so a
config of an unrelated parent directory never leaks in). Every mistake raises ``ConfigError`` naming the key and
the file, because a silently ignored typo in a rule id is worse than no config at all.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from asgion_core.location import Blame
from asgion_core.rules import Severity
from asgion_core.selection import BUILTIN_PROFILES, Profile

__all__ = ["AsgionConfig", "ConfigError", "RequestSpec", "find_config_file", "load_config", "load_user_profiles"]

CONFIG_FILE = ".asgion.toml"


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class AsgionConfig:
    """Everything a run can be configured with. Defaults are the recommended behaviour."""

    profile: str = "recommended"
    min_severity: Severity | None = None
    include_rules: tuple[str, ...] = ()
    exclude_rules: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    exclude_paths: tuple[str, ...] = ()
    app: str | None = None
    paths: tuple[str, ...] = ()
    ttfb_threshold: float = 5.0
    lifecycle_threshold: float = 30.0
    body_delivery_threshold: float = 10.0
    startup_threshold: float = 30.0
    body_size_threshold: int = 10 * 1024 * 1024
    buffer_chunk_threshold: int = 1024 * 1024
    chunk_count_threshold: int = 100
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    #: Name patterns whose values traces and reports never hold (added to the defaults of
    #: :mod:`asgion_core.redaction`); ``redact_replace`` replaces the defaults instead.
    redact: tuple[str, ...] = ()
    redact_replace: tuple[str, ...] | None = None
    #: Top-level package names whose frames count as the user's own code, or as third-party, wherever they are
    #: installed (findings point at the first frame of the user's code: asgion_core.location).
    user_packages: tuple[str, ...] = ()
    library_packages: tuple[str, ...] = ()
    #: Which findings reports keep: ``all``, or ``app`` for only those in the user's own code.
    blame: str = "all"
    #: ``[[tool.asgion.requests]]``: connections with their own method, headers and body (see RequestSpec).
    requests: tuple[RequestSpec, ...] = ()
    #: ``[tool.asgion.plugins.NAME]`` tables by plugin name; each plugin validates its own (asgion_check_options).
    plugin_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: Path | None = None
    # derived once from the fields above, for the hot path
    #: The time thresholds in nanoseconds: the hot path compares perf_counter_ns() differences.
    ttfb_ns: float = field(init=False, repr=False, compare=False)
    lifecycle_ns: float = field(init=False, repr=False, compare=False)
    body_delivery_ns: float = field(init=False, repr=False, compare=False)
    #: The smaller of the two body size thresholds (SEM-008, SEM-009): a body below it breaks neither.
    large_body_threshold: int = field(init=False, repr=False, compare=False)
    #: The frame classifier built from user_packages and library_packages.
    blame_rules: Blame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("ttfb", "lifecycle", "body_delivery"):
            ns = getattr(self, f"{name}_threshold") * 1e9
            # an int where it can be: comparing two ints costs less than an int and a float, on every request
            object.__setattr__(self, f"{name}_ns", int(ns) if math.isfinite(ns) else ns)
        object.__setattr__(self, "large_body_threshold", min(self.body_size_threshold, self.buffer_chunk_threshold))
        object.__setattr__(self, "blame_rules", Blame.of(self.user_packages, self.library_packages))

    def merged(self, **overrides: Any) -> AsgionConfig:
        """A copy with the given fields replaced; ``None`` values mean "keep what the config says"."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_STR_KEYS = {"profile", "app"}
_LIST_KEYS = {"include_rules", "exclude_rules", "categories", "exclude_paths", "paths", "select", "redact",
              "redact_replace", "user_packages", "library_packages"}
#: The values ``blame`` takes.
BLAME_CHOICES = ("all", "app")
_FLOAT_KEYS = {"ttfb_threshold", "lifecycle_threshold", "body_delivery_threshold", "startup_threshold"}
_INT_KEYS = {"body_size_threshold", "buffer_chunk_threshold", "chunk_count_threshold"}
_PROFILE_KEYS = {"extends", "description", "min_severity", "categories", "include_rules", "exclude_rules"}
KNOWN_KEYS = _STR_KEYS | _LIST_KEYS | _FLOAT_KEYS | _INT_KEYS | {"min_severity", "profiles", "plugins", "requests",
                                                                  "blame"}
_REQUEST_KEYS = {"method", "path", "headers", "body", "json", "ws_send"}


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """One ``[[tool.asgion.requests]]`` entry: a connection whose headers and body belong to it alone."""

    path: str
    method: str = ""
    headers: tuple[str, ...] = ()
    body: str | None = None
    json: str | None = None
    ws_send: tuple[str, ...] = ()


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest ``.asgion.toml``, or ``pyproject.toml`` holding ``[tool.asgion]``, walking up from ``start``."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool", {})
            return pyproject if isinstance(tool, dict) and "asgion" in tool else None
    return None


def load_config(path: str | Path | None = None, *, start: Path | None = None) -> AsgionConfig:
    """Load the config file at ``path``, or discover one; without any file, return the defaults."""
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"config file {file} does not exist")
    else:
        found = find_config_file(start)
        if found is None:
            return AsgionConfig()
        file = found
    data = _read_toml(file)
    if file.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{file}: 'tool' must be a table, not {type(tool).__name__}")
        table = tool.get("asgion")
        if table is None:
            raise ConfigError(f"{file}: no [tool.asgion] table")
        if not isinstance(table, dict):
            raise ConfigError(f"{file}: tool.asgion must be a table ([tool.asgion]), not {type(table).__name__}")
        where = "[tool.asgion]"
    else:
        table, where = data, ""
    return parse_config(table, file, where)


def load_user_profiles(path: str | Path | None = None) -> dict[str, Profile]:
    """Only the ``[tool.asgion.profiles.NAME]`` tables of the discovered (or given) config."""
    return dict(load_config(path).profiles)


def parse_config(table: Mapping[str, Any], file: Path | None = None, where: str = "") -> AsgionConfig:
    """Validate a config mapping (as read from TOML) and build the config value."""
    origin = f"{file}{' ' + where if where else ''}" if file else "config"
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{origin}: unknown key {key!r} (known keys: {', '.join(sorted(KNOWN_KEYS))})")
        if key == "profiles":
            values["profiles"] = _parse_profiles(value, origin)
        elif key == "plugins":
            values["plugin_options"] = _parse_plugin_tables(value, origin)
        elif key == "requests":
            values["requests"] = _parse_requests(value, origin)
        elif key == "min_severity":
            values[key] = _severity(value, f"{origin}: min_severity")
        elif key == "blame":
            if value not in BLAME_CHOICES:
                raise ConfigError(f"{origin}: blame must be one of {', '.join(BLAME_CHOICES)} (got {value!r})")
            values[key] = value
        elif key in _STR_KEYS:
            values[key] = _expect(value, str, key, origin, "a string")
        elif key in _LIST_KEYS:
            values[key] = _str_list(value, key, origin)
        elif key in _FLOAT_KEYS:
            values[key] = _positive(value, key, origin, allow_float=True)
        else:
            values[key] = _positive(value, key, origin, allow_float=False)
    config = AsgionConfig(source=file, **values)
    known_profiles = {**BUILTIN_PROFILES, **config.profiles}
    if config.profile not in known_profiles:
        raise ConfigError(f"{origin}: unknown profile {config.profile!r} (known: {', '.join(sorted(known_profiles))})")
    return config


def _parse_requests(value: Any, origin: str) -> tuple[RequestSpec, ...]:
    """``[[tool.asgion.requests]]`` tables: ``path`` required; ``headers`` a table or a list of "Name: value"."""
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ConfigError(f"{origin}: requests must be an array of tables ([[tool.asgion.requests]])")
    specs = []
    for number, entry in enumerate(value, 1):
        where = f"{origin}: requests[{number}]"
        unknown = set(entry) - _REQUEST_KEYS
        if unknown:
            known = ", ".join(sorted(_REQUEST_KEYS))
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {known})")
        if not isinstance(entry.get("path"), str):
            raise ConfigError(f"{where}: path must be a string such as '/items' or 'ws:/chat'")
        if "body" in entry and "json" in entry:
            raise ConfigError(f"{where}: give body or json, not both")
        headers = entry.get("headers", [])
        if isinstance(headers, dict):
            headers = [f"{name}: {text}" for name, text in headers.items()]
        body = entry.get("body")
        if body is not None and not isinstance(body, str):
            raise ConfigError(f"{where}: body must be a string (use json for structured data)")
        specs.append(RequestSpec(
            path=entry["path"],
            method=_expect(entry.get("method", ""), str, "method", where, "a string"),
            headers=_str_list(headers, "headers", where),
            body=body,
            json=json.dumps(entry["json"], default=str) if "json" in entry else None,
            ws_send=_str_list(entry.get("ws_send", []), "ws_send", where),
        ))
    return tuple(specs)


def _parse_plugin_tables(value: Any, origin: str) -> dict[str, dict[str, Any]]:
    """``plugins.NAME`` tables, kept as read: what their keys mean is each plugin's business."""
    if not isinstance(value, dict) or not all(isinstance(body, dict) for body in value.values()):
        raise ConfigError(f"{origin}: plugins must be a table of tables, one per plugin ([tool.asgion.plugins.NAME])")
    return {str(name): dict(body) for name, body in value.items()}


def _parse_profiles(value: Any, origin: str) -> dict[str, Profile]:
    if not isinstance(value, dict):
        raise ConfigError(f"{origin}: profiles must be a table of tables")
    profiles: dict[str, Profile] = {}
    for name, body in value.items():
        where = f"{origin}: profiles.{name}"
        if name in BUILTIN_PROFILES:
            raise ConfigError(f"{where}: {name!r} is a built-in profile; choose another name")
        if not isinstance(body, dict):
            raise ConfigError(f"{where} must be a table")
        unknown = set(body) - _PROFILE_KEYS
        if unknown:
            allowed = ", ".join(sorted(_PROFILE_KEYS))
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {allowed})")
        profiles[name] = Profile(
            name=name,
            description=_expect(body.get("description", ""), str, "description", where, "a string"),
            base=_expect(body.get("extends", "recommended"), str, "extends", where, "a profile name"),
            min_severity=_severity(body["min_severity"], f"{where}.min_severity") if "min_severity" in body else None,
            categories=_str_list(body.get("categories", []), "categories", where),
            include_rules=_str_list(body.get("include_rules", []), "include_rules", where),
            exclude_rules=_str_list(body.get("exclude_rules", []), "exclude_rules", where),
        )
    known = {**BUILTIN_PROFILES, **profiles}
    for prof in profiles.values():
        if prof.base not in known:
            raise ConfigError(f"{origin}: profiles.{prof.name}.extends names unknown profile {prof.base!r}")
    for prof in profiles.values():  # every profile, used or not: a cycle is a mistake wherever it is
        chain = [prof.name]
        while chain[-1] in profiles:
            base = profiles[chain[-1]].base
            if base in chain:
                raise ConfigError(f"{origin}: profiles extend each other in a circle: {' -> '.join([*chain, base])}")
            chain.append(base)
    return profiles


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 text (byte {exc.start}); TOML files are UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read: {exc.strerror}") from None


def _expect(value: Any, kind: type, key: str, origin: str, what: str) -> Any:
    if not isinstance(value, kind):
        raise ConfigError(f"{origin}: {key} must be {what}, not {type(value).__name__}")
    return value


def _str_list(value: Any, key: str, origin: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: {key} must be a list of strings")
    return tuple(value)


def _positive(value: Any, key: str, origin: str, *, allow_float: bool) -> Any:
    kinds: tuple[type[Any], ...] = (int, float) if allow_float else (int,)
    if isinstance(value, bool) or not isinstance(value, kinds) or not value > 0:  # (NaN is not > 0)
        what = "a positive number" if allow_float else "a positive integer"
        raise ConfigError(f"{origin}: {key} must be {what}, not {value!r}")
    return float(value) if allow_float else value


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None

