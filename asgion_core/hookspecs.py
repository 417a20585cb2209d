"""Hook specifications: the whole contract between the asgion core and its plugins.

Every built-in protocol (http, websocket, lifespan) and output format is a plugin implementing these hooks, so a
third-party plugin has exactly the same powers. Implement a hook with ``@asgion.hookimpl`` on a module or object
and expose it under the entry-point group ``asgion``.

Timing matters: the check hooks are called **once per scope type** when an Inspector compiles its dispatch table
(and again only when plugins change), never per message. What they return is called on the hot path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from asgion_core.checks import EndCheck, EventCheck, ExpressCheck, ExpressScopeCheck, ScopeCheck
    from asgion_core.config import AsgionConfig
    from asgion_core.discovery import Discovery
    from asgion_core.fsm import StateMachine
    from asgion_core.pytest_auto import TestTransport
    from asgion_core.report import Report
    from asgion_core.rules import RuleRegistrar

hookspec = pluggy.HookspecMarker("asgion")
hookimpl = pluggy.HookimplMarker("asgion")


@hookspec(historic=True)
def asgion_addhooks(pluginmanager: pluggy.PluginManager) -> None:
    """Add new hook specifications with ``pluginmanager.add_hookspecs(module)``.

    :param pluginmanager: the asgion plugin manager.

    Called once for every plugin as it is registered (historic: late plugins are called too).
    """


@hookspec
def asgion_register_rules(registry: RuleRegistrar) -> None:
    """Register the plugin's rules with ``registry.register(rule)``.

    :param registry: a view of the rule registry bound to the calling plugin; it refuses an id that is already
        taken and a prefix that another plugin owns.

    Called once per plugin manager (again after plugins change). Register retired rules too, so configs that name
    them keep loading.
    """


@hookspec
def asgion_register_reporters(register: Callable[[str, Any], None]) -> None:
    """Register output formats with ``register(name, reporter)``.

    :param register: takes the format name used by ``--format`` and an object with ``description: str`` and
        ``render(report: Report, options: ReportOptions) -> str``.

    Called once per plugin manager.
    """


@hookspec
def asgion_configure(config: AsgionConfig) -> None:
    """Inspect the configuration a run starts with.

    :param config: the effective :class:`AsgionConfig`.

    Called once when an Inspector is created, with that Inspector's configuration. Not historic: a plugin
    registered later is not replayed the configurations of earlier Inspectors, and the plugin manager keeps none.
    """


@hookspec
def asgion_check_options(config: AsgionConfig) -> Sequence[str] | None:
    """Validate this plugin's own table of ``[tool.asgion.plugins.NAME]`` (``config.plugin_options[NAME]``).

    :param config: the effective configuration.
    :return: what is wrong with your table, one message per problem naming the key (empty or None when fine).

    Called once when an Inspector is created. Any problem makes the configuration unusable: the Inspector raises
    :class:`~asgion_core.config.ConfigError` (the CLI exits 2 with the message). A table named after no installed
    plugin is an error too (one of a blocked or unloaded plugin is not). A validator that raises, or answers
    something else than a list of str, is a plugin error instead (the user's config is not at fault). Read your
    options in the check hooks from the same ``config``.
    """


@hookspec(firstresult=True)
def asgion_state_machine(scope_type: str, config: AsgionConfig) -> StateMachine | None:
    """Return the state machine of ``scope_type`` if this plugin implements that protocol, else ``None``.

    :param scope_type: the value of ``scope["type"]``, e.g. ``"http"``.
    :param config: the effective configuration.
    :return: a :class:`StateMachine`; the first non-None result wins (built-ins are ``trylast``, so a plugin can
        replace one).

    Called once per scope type when an Inspector compiles. A scope type for which no plugin returns a machine is
    unknown (G-004) and passes through unvalidated.
    """


@hookspec
def asgion_scope_checks(
    scope_type: str, config: AsgionConfig
) -> Sequence[ScopeCheck | ExpressScopeCheck] | None:
    """Return checks that validate the scope when the app is called.

    :param scope_type: the scope type being compiled.
    :param config: the effective configuration.
    :return: :class:`ScopeCheck` objects, each naming the rules it may report; optionally an
        :class:`ExpressScopeCheck` that proves the commonest valid scope clean in one call.

    Called once per scope type when an Inspector compiles.
    """


@hookspec
def asgion_event_checks(scope_type: str, config: AsgionConfig) -> Sequence[EventCheck | ExpressCheck] | None:
    """Return checks that validate messages sent by the app or delivered by the server.

    :param scope_type: the scope type being compiled.
    :param config: the effective configuration (thresholds live here).
    :return: :class:`EventCheck` objects, each declaring its direction, message types and rules; optionally
        :class:`ExpressCheck` lanes that do the same work faster for the commonest valid message of a type.

    Called once per scope type when an Inspector compiles; checks whose rules are all disabled are dropped then.
    """


@hookspec
def asgion_connection_checks(scope_type: str, config: AsgionConfig) -> Sequence[EndCheck] | None:
    """Return checks that run when the app call ends (normal return, or also on exception when they ask).

    :param scope_type: the scope type being compiled.
    :param config: the effective configuration.
    :return: :class:`EndCheck` objects.

    Called once per scope type when an Inspector compiles.
    """


@hookspec
def asgion_filter_checks(
    scope_type: str, config: AsgionConfig, checks: Sequence[ScopeCheck | EventCheck | EndCheck]
) -> Sequence[ScopeCheck | EventCheck | EndCheck] | None:
    """Remove, replace or reorder the checks every plugin returned for ``scope_type``: the way to turn one
    built-in check off or put your own in its place.

    :param scope_type: the scope type being compiled.
    :param config: the effective configuration.
    :param checks: the scope, event and end checks of all plugins (after the ones of disabled rules were dropped),
        in call order.
    :return: the checks to use instead, or ``None`` to leave them as they are. Implementations run in turn, each
        seeing the previous one's answer; a check you add is owned by your plugin (its exceptions are recorded
        under your name).

    Called once per scope type when an Inspector compiles. An express lane stands in for the checks it covers,
    so a message type whose checks a filter changed takes the normal route.
    """


@hookspec
def asgion_discover_routes(app: Any) -> Discovery | None:
    """Read the route table of ``app`` if it is an object of a framework this plugin knows.

    :param app: the app the CLI loaded, or one of the objects it wraps (the core offers each in turn, outermost
        first, following ``.app``, ``.wrapped`` and similar attributes).
    :return: a :class:`~asgion_core.discovery.Discovery` with concrete connections (path parameters filled in with
        valid sample values, one entry per method), or ``None`` when ``app`` is nothing this plugin knows.

    Called by ``asgion check`` and ``asgion trace`` when no paths are given (or with ``--discover``). The first
    answer wins; a plugin that raises is recorded and the next is asked.
    """


@hookspec
def asgion_route_handler(app: Any, scope: Any) -> Any:
    """Name the handler ``app`` routes ``scope`` to, for a framework that does not write it into the scope.

    :param app: the app an Inspector wraps, or one of the objects it wraps (offered outermost first, as for
        :func:`asgion_discover_routes`).
    :param scope: the connection's scope (read it, never change it).
    :return: the handler (a view function, a class, a route object) or ``None`` when ``app`` is nothing this
        plugin knows or no route matches.

    Asked only when a finding needs a place and the send happened in framework code with no endpoint in the scope
    (Starlette and Litestar write one; Django and Quart do not): the finding then points at the handler, the
    framework frame kept as "sent from". Each (scope type, method, path) is asked once per Inspector. The first
    answer wins; a plugin that raises is recorded as the Inspector's internal error.
    """


@hookspec
def asgion_test_transports() -> Sequence[TestTransport] | None:
    """Name the test clients and transports that ``pytest --asgi-auto`` wraps with an Inspector.

    :return: :class:`~asgion_core.pytest_auto.TestTransport` entries: a name (shown next to the findings about
        the client), the module that defines the transport (entries whose module is not installed are skipped,
        and the module is imported only when ``--asgi-auto`` is on) and ``attach(module, wrap)``, which patches
        the transport so that the app it drives is ``wrap(app)`` and returns a function that undoes the patch.
        The user's objects must stay as they were: a client's ``app`` attribute is still the user's app.

    Called once per pytest session when ``--asgi-auto`` is on; the built-in entries (Starlette's and FastAPI's
    TestClient, httpx's ASGITransport, Litestar's and Quart's test clients, asgi-lifespan's LifespanManager) come
    from the ``test_transports`` plugin through this same hook.
    """


@hookspec
def asgion_session_finish(report: Report) -> None:
    """Look at (or export) the finished report of a run.

    :param report: the :class:`Report` the reporters are about to render.

    Called once per run by the CLI after all scopes have been driven.
    """
