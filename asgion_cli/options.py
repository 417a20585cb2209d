"""Options shared by several commands, and turning them into a plugin manager and a config."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from asgion_cli.errors import UserError
from asgion_cli.terminal import COLOR_CHOICES
from asgion_core.config import AsgionConfig, ConfigError, load_config
from asgion_core.plugins import AsgionPluginManager, PluginError, create_plugin_manager
from asgion_core.rules import Severity

F = TypeVar("F", bound=Callable[..., Any])


def plugin_options(func: F) -> F:
    func = click.option("-p", "plugins", multiple=True, metavar="NAME",
                        help="Load plugin NAME (entry point or module); 'no:NAME' blocks it. Repeatable.")(func)
    func = click.option("--disable-plugin-autoload", is_flag=True,
                        help="Load no third-party plugins unless named with -p (built-ins stay).")(func)
    return func


def color_options(func: F) -> F:
    func = click.option("--no-color", is_flag=True, help="Same as --color never.")(func)
    return click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
                        help="Colour the text output: auto is on for a terminal, off under NO_COLOR, on under "
                             "FORCE_COLOR.")(func)


class FiniteSeconds(click.ParamType[float]):
    """A positive, finite number of seconds (``nan`` and ``inf`` are no timeout a run can keep)."""

    name = "SECONDS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(f"{value!r} is not a positive, finite number of seconds", param, ctx)
        return seconds


FINITE_SECONDS = FiniteSeconds()


def make_plugin_manager(plugins: tuple[str, ...], disable_autoload: bool) -> AsgionPluginManager:
    try:
        return create_plugin_manager(plugins=plugins, autoload=False if disable_autoload else None)
    except PluginError as exc:
        raise UserError(str(exc)) from None


def read_config(path: Path | None) -> AsgionConfig:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise UserError(str(exc)) from None


def split_patterns(values: tuple[str, ...]) -> tuple[str, ...]:
    """Rule patterns may be repeated or comma-separated: ``--select HF,SEM-001``."""
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())


SEVERITY_CHOICE = click.Choice([s.value for s in Severity], case_sensitive=False)
