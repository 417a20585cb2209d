"""The plugin manager: discovery through entry points, selection and blocking by name, and the registries.

Built-in protocols and reporters are entry points of the ``asgion`` distribution in the group ``asgion``, loaded
like any third-party plugin. Names work as in pytest: ``-p NAME`` loads a plugin (an entry-point name or an
importable module), ``-p no:NAME`` blocks one; ``ASGION_PLUGINS`` lists extra plugins and
``ASGION_DISABLE_PLUGIN_AUTOLOAD`` stops the automatic loading of third-party entry points (built-ins stay).
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pluggy

from asgion_core import general, hookspecs
from asgion_core.plugin_checks import HOOK_PREFIX, argument_problem, misspelled_hooks
from asgion_core.report import InternalError
from asgion_core.rules import Rule, RuleError, RuleRegistry
from asgion_core.safe_text import describe_exception

__all__ = [
    "ENTRY_POINT_GROUP",
    "AsgionPluginManager",
    "PluginError",
    "PluginInfo",
    "create_plugin_manager",
    "default_plugin_manager",
]

ENTRY_POINT_GROUP = "asgion"
BUILTIN_DISTRIBUTION = "asgion"
CORE_PLUGIN = "general"


class PluginError(RuntimeError):
    """A plugin that was explicitly asked for cannot be loaded."""


@dataclass(frozen=True)
class PluginInfo:
    """What ``asgion plugins`` shows about one registered plugin."""

    name: str
    distribution: str
    version: str
    rules: int
    reporters: tuple[str, ...]
    hooks: tuple[str, ...]


class _RegistryView:
    """The registry as one plugin sees it: ``register(rule)`` without naming itself."""

    def __init__(self, registry: RuleRegistry, plugin: str) -> None:
        self._registry = registry
        self._plugin = plugin

    def register(self, rule: Rule) -> None:
        self._registry.register(rule, self._plugin)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._registry


class AsgionPluginManager(pluggy.PluginManager):
    """pluggy's manager plus a generation counter and the rule and reporter registries it feeds.

    The generation is bumped whenever the plugin set changes; Inspectors compare it once per connection and
    recompile their dispatch tables when it moved.
    """

    def __init__(self) -> None:
        super().__init__("asgion")
        self.add_hookspecs(hookspecs)
        self.generation = 0
        self.plugin_errors: list[str] = []
        self.internal_errors: list[InternalError] = []
        self.origins: dict[str, tuple[str, str]] = {}
        self._registry: RuleRegistry | None = None
        self._registry_generation = -1
        self._reporters: dict[str, Any] = {}
        self._reporter_owner: dict[str, str] = {}
        self._reporters_generation = -1

    # -- plugin set ------------------------------------------------------------------------------------------------
    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register ``plugin``; one whose hooks take arguments no hookspec has is refused with a plugin error (the
        other plugins carry on), and hook-like names that are no hook are reported."""
        label = name or plugin_name(plugin)
        try:
            result = super().register(plugin, name)
        except pluggy.PluginValidationError as exc:
            self.plugin_errors.append(f"plugin {self.describe(label)} not loaded: {argument_problem(exc)}")
            return None
        self.generation += 1
        for problem in misspelled_hooks(plugin, self._hook_names()):
            self.plugin_problem(label, problem)
        return result

    def _hook_names(self) -> list[str]:
        """The hooks with a hookspec (pluggy also makes callers for unknown names it has seen implemented)."""
        return [name for name in dir(self.hook)
                if name.startswith(HOOK_PREFIX) and getattr(getattr(self.hook, name), "spec", None) is not None]

    def describe(self, name: str) -> str:
        """``'name' (distribution D)`` as plugin errors name a plugin."""
        dist = self.origins.get(name, ("", ""))[0]
        if dist in ("", "(module)"):
            return repr(name)
        return f"{name!r} (distribution {dist})"

    def plugin_problem(self, plugin: str, problem: str) -> None:
        """Record one mistake of a plugin (once), naming the plugin and its distribution."""
        text = f"plugin {self.describe(plugin)}: {problem}"
        if text not in self.plugin_errors:
            self.plugin_errors.append(text)

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any:
        result = super().unregister(plugin, name)
        self.generation += 1
        return result

    def set_blocked(self, name: str) -> None:
        super().set_blocked(name)
        self.generation += 1

    def load_entrypoint_plugins(self, *, third_party: bool = True, requested: Iterable[str] = ()) -> None:
        """Register the entry points of group ``asgion``: built-ins always, others when autoload or requested."""
        wanted = set(requested)
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if self.is_blocked(ep.name) or self.has_plugin(ep.name):
                continue
            dist = ep.dist
            dist_name = dist.metadata["Name"] if dist is not None else "?"
            builtin = dist_name == BUILTIN_DISTRIBUTION
            if not builtin and not third_party and ep.name not in wanted:
                continue
            try:
                plugin = ep.load()
            except Exception as exc:  # a broken third-party plugin must not break the run
                self.plugin_errors.append(f"plugin {ep.name!r} (distribution {dist_name}) failed to import: "
                                          f"{describe_exception(exc)}")
                continue
            self.origins[ep.name] = (dist_name, dist.version if dist is not None else "")
            if self.register(plugin, name=ep.name) is None:
                del self.origins[ep.name]

    def load_plugin(self, name: str) -> None:
        """Load a plugin by entry-point name or module path (``-p NAME``); raise ``PluginError`` if impossible."""
        if self.has_plugin(name) or self.is_blocked(name):
            return
        if importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, name=name):
            self.load_entrypoint_plugins(requested=[name], third_party=False)
            if not self.has_plugin(name):
                raise PluginError(self.plugin_errors[-1] if self.plugin_errors else f"cannot load plugin {name!r}")
            return
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            raise PluginError(f"cannot load plugin {name!r}: no entry point of that name, and import failed: "
                              f"{describe_exception(exc)}") from None
        self.register(module, name=name)
        self.origins[name] = ("(module)", "")

    # -- registries ------------------------------------------------------------------------------------------------
    def impls(self, hook_name: str) -> list[tuple[str, Callable[..., Any], list[str]]]:
        """The implementations of a hook in call order, each with its plugin name."""
        hook = getattr(self.hook, hook_name)
        return [
            (self.get_name(impl.plugin) or repr(impl.plugin), impl.function, list(impl.argnames))
            for impl in reversed(hook.get_hookimpls())
        ]

    def rule_registry(self) -> RuleRegistry:
        """All registered rules; a plugin whose registration fails is reported and unregistered."""
        while self._registry is None or self._registry_generation != self.generation:
            registry = RuleRegistry()
            culprit: str | None = None
            # built-ins first: a third-party plugin can never claim a prefix the catalogue assigns
            ordered = sorted(self.impls("asgion_register_rules"), key=lambda item: not _is_builtin(item[1]))
            for name, func, _ in ordered:
                try:
                    func(registry=_RegistryView(registry, name))
                except Exception as exc:
                    reason = str(exc) if isinstance(exc, RuleError) else describe_exception(exc)
                    self.plugin_errors.append(f"plugin {name!r} disabled: rule registration failed: {reason}")
                    culprit = name
                    break
            if culprit is not None:
                if culprit == CORE_PLUGIN:
                    raise RuntimeError(self.plugin_errors[-1])
                self.unregister(name=culprit)
                continue
            self._registry, self._registry_generation = registry, self.generation
        return self._registry

    def reporters(self) -> Mapping[str, Any]:
        """Output formats by name (``--format``); a later plugin cannot silently replace an earlier name."""
        if self._reporters_generation != self.generation:
            found: dict[str, Any] = {}
            owner: dict[str, str] = {}
            for plugin_name, func, _ in self.impls("asgion_register_reporters"):
                def register(name: str, reporter: Any, _plugin: str = plugin_name) -> None:
                    if name in found:
                        self.plugin_errors.append(
                            f"plugin {_plugin!r}: reporter {name!r} already registered by {owner[name]!r}; ignored")
                        return
                    found[name], owner[name] = reporter, _plugin
                try:
                    func(register=register)
                except Exception as exc:
                    self.plugin_errors.append(f"plugin {plugin_name!r}: registering reporters failed: "
                                              f"{describe_exception(exc)}")
            self._reporters, self._reporter_owner = found, owner
            self._reporters_generation = self.generation
        return self._reporters

    def reporter_owners(self) -> dict[str, str]:
        """Format name -> the plugin that registered it."""
        self.reporters()
        return dict(self._reporter_owner)

    def collect(self, hook_name: str, on_error: Callable[[InternalError], None] | None = None,
                **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a non-firstresult hook, isolating plugins whose implementation raises.

        ``on_error`` receives what a failing implementation raised (an Inspector passes its own recorder, so its
        ``internal_errors`` are its own); without it the error is kept on the plugin manager.
        """
        results: list[tuple[str, Any]] = []
        for name, func, argnames in self.impls(hook_name):
            try:
                value = func(**{k: kwargs[k] for k in argnames})
            except Exception as exc:
                self.record_internal_error(name, hook_name, exc, on_error)
                continue
            if value is not None:
                results.append((name, value))
        return results

    def option_problems(self, config: Any) -> list[str]:
        """What the plugins say is wrong with their ``[tool.asgion.plugins.NAME]`` tables, and tables no plugin
        owns. A plugin whose validation raises is reported as a problem of its own table."""
        problems: list[str] = []
        if config.plugin_options:  # the entry-point scan only when there are tables to own
            names = {name for name, plugin in self.list_name_plugin() if plugin is not None}
            # a table of a plugin that is installed but blocked, or not loaded in this run, is not a mistake
            known = names | {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
            problems += [f"[tool.asgion.plugins.{name}]: no installed plugin is named {name!r} (installed: "
                         f"{', '.join(sorted(names))})" for name in config.plugin_options
                         if name not in known and not self.is_blocked(name)]
        for name, func, argnames in self.impls("asgion_check_options"):
            # a validator that fails is the plugin's bug, not the user's config: a plugin error, and no raise
            try:
                answer = func(**({"config": config} if "config" in argnames else {}))
            except Exception as exc:
                self.plugin_problem(name, f"asgion_check_options failed to check its options: "
                                          f"{describe_exception(exc)}")
                continue
            if answer is None:
                continue
            if isinstance(answer, str) or not isinstance(answer, (list, tuple)) or not all(
                    isinstance(text, str) for text in answer):
                self.plugin_problem(name, f"asgion_check_options returned {type(answer).__name__}, not a list of "
                                          "messages")
                continue
            problems += [f"[tool.asgion.plugins.{name}]: {text}" for text in answer]
        return problems

    def record_internal_error(self, plugin: str, where: str, exc: BaseException,
                              on_error: Callable[[InternalError], None] | None = None) -> InternalError:
        """Hand what a plugin's hook raised to ``on_error`` (an Inspector's recorder), else keep it here once."""
        error = InternalError.from_exception(plugin, where, exc)
        if on_error is not None:
            on_error(error)
        elif error not in self.internal_errors:
            self.internal_errors.append(error)
        return error

    def plugin_infos(self) -> list[PluginInfo]:
        registry = self.rule_registry()
        reporters = self.reporters()
        infos = []
        for name, plugin in sorted(self.list_name_plugin()):
            if plugin is None:
                continue
            hooks = sorted({caller.name for caller in self.get_hookcallers(plugin) or []})
            dist, version = self.origins.get(name, (BUILTIN_DISTRIBUTION, _own_version()))
            infos.append(PluginInfo(
                name=name,
                distribution=dist,
                version=version,
                rules=len(registry.by_plugin(name)),
                reporters=tuple(sorted(n for n in reporters if self._reporter_owner.get(n) == name)),
                hooks=tuple(hooks),
            ))
        return infos


_OWN_PACKAGES = ("asgion_core", "asgion_http", "asgion_websocket", "asgion_lifespan", "asgion_reporters")


def _is_builtin(func: Callable[..., Any]) -> bool:
    return str(getattr(func, "__module__", "")).split(".")[0] in _OWN_PACKAGES


def plugin_name(obj: object) -> str:
    """The short name of a plugin object: ``asgion_http.plugin`` -> ``http``, ``pkg.reporter`` -> ``pkg``, a module
    ``x.y`` -> ``y``, an instance -> its class name. The same names entry points use, so ``-p no:http`` works."""
    module_name = getattr(obj, "__name__", None)
    if not isinstance(module_name, str):
        return type(obj).__name__
    parts = module_name.split(".")
    name = parts[-2] if len(parts) > 1 and parts[-1] in ("plugin", "reporter", "plugins") else parts[-1]
    return name.removeprefix("asgion_")


def _own_version() -> str:
    try:
        return importlib.metadata.version(BUILTIN_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def _env_flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() not in ("", "0", "false", "no")


def _blockable(name: str) -> list[str]:
    """The plugin names ``no:NAME`` blocks: NAME itself when a plugin is called so, else the plugins of the
    distribution NAME; a name that is neither is a mistake (a typo would silently block nothing)."""
    entry_points = list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
    names = {ep.name for ep in entry_points} | {CORE_PLUGIN}
    if name in names:
        return [name]
    wanted = _normalise(name)
    of_distribution = [ep.name for ep in entry_points if ep.dist is not None and _normalise(ep.dist.name) == wanted]
    if of_distribution:
        return of_distribution
    guess = difflib.get_close_matches(name, sorted(names), n=1)
    hint = f"did you mean {guess[0]!r}?" if guess else f"plugins: {', '.join(sorted(names))}"
    raise PluginError(f"cannot block {name!r}: no plugin or distribution has that name ({hint})")


def _normalise(distribution: str) -> str:
    return distribution.lower().replace("_", "-").replace(".", "-")


def create_plugin_manager(
    *,
    plugins: Iterable[str | object] = (),
    block: Iterable[str] = (),
    autoload: bool | None = None,
    entry_points: bool = True,
    env: Mapping[str, str] | None = None,
) -> AsgionPluginManager:
    """Build a plugin manager.

    :param plugins: plugin names (``-p NAME``; ``no:NAME`` blocks) or plugin objects (modules, instances) to
        register directly. Objects are how a library embeds the core with chosen plugins and no discovery.
    :param block: names to block.
    :param autoload: load third-party entry points; default True unless ``ASGION_DISABLE_PLUGIN_AUTOLOAD`` is set.
    :param entry_points: when False, scan no entry points at all (only ``plugins`` and the core's own checks).
    :param env: the environment to read ``ASGION_PLUGINS`` and ``ASGION_DISABLE_PLUGIN_AUTOLOAD`` from.
    """
    environ = os.environ if env is None else env
    pm = AsgionPluginManager()
    pm.register(general, name=CORE_PLUGIN)
    names: list[str] = []
    objects: list[object] = []
    for item in plugins:
        if isinstance(item, str):
            names.append(item)
        else:
            objects.append(item)
    names += [n.strip() for n in environ.get("ASGION_PLUGINS", "").split(",") if n.strip()]
    for name in list(block) + [n[3:] for n in names if n.startswith("no:")]:
        for plugin in _blockable(name):
            pm.set_blocked(plugin)
    for obj in objects:
        short = plugin_name(obj)
        if not pm.is_blocked(short) and not pm.has_plugin(short):
            pm.register(obj, name=short)
    if autoload is None:
        autoload = not _env_flag(environ, "ASGION_DISABLE_PLUGIN_AUTOLOAD")
    requested = [n for n in names if not n.startswith("no:")]
    if entry_points:
        pm.load_entrypoint_plugins(third_party=autoload, requested=requested)
    for name in requested:
        pm.load_plugin(name)
    return pm


_default: AsgionPluginManager | None = None


def default_plugin_manager() -> AsgionPluginManager:
    """The process-wide manager used when an Inspector is given no plugins: every installed plugin."""
    global _default
    if _default is None:
        _default = create_plugin_manager()
    return _default
