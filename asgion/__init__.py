"""asgion: an ASGI protocol inspector.

This package only re-exports the public API; the implementation lives in ``asgion_core`` and the plugin packages.
"""

from asgion_core.checks import EndCheck, EventCheck, ExpressCheck, ExpressScopeCheck, Outcome, ScopeCheck
from asgion_core.config import AsgionConfig, ConfigError, load_config, load_user_profiles
from asgion_core.connection import Connection
from asgion_core.errors import ASGIProtocolError
from asgion_core.fsm import OrderingError, StateMachine
from asgion_core.hookspecs import hookimpl, hookspec
from asgion_core.inspector import Inspector, inspect
from asgion_core.plugins import create_plugin_manager
from asgion_core.report import Report, ReportOptions, ScopeResult
from asgion_core.rules import Rule, Severity
from asgion_core.selection import BUILTIN_PROFILES, Profile
from asgion_core.trace import (
    DirectoryStorage,
    MemoryStorage,
    TraceEvent,
    TraceFormatError,
    TraceRecord,
    TraceStorage,
    TraceSummary,
    deserialize,
)
from asgion_core.version import __version__
from asgion_core.violation import SourceLocation, Violation

__all__ = [
    "__version__",
    "ASGIProtocolError",
    "AsgionConfig",
    "BUILTIN_PROFILES",
    "ConfigError",
    "Connection",
    "EndCheck",
    "EventCheck",
    "ExpressCheck",
    "ExpressScopeCheck",
    "Inspector",
    "OrderingError",
    "Outcome",
    "Profile",
    "Report",
    "ReportOptions",
    "Rule",
    "ScopeCheck",
    "ScopeResult",
    "Severity",
    "SourceLocation",
    "StateMachine",
    "Violation",
    "DirectoryStorage",
    "MemoryStorage",
    "TraceEvent",
    "TraceFormatError",
    "TraceRecord",
    "TraceStorage",
    "TraceSummary",
    "create_plugin_manager",
    "deserialize",
    "hookimpl",
    "hookspec",
    "inspect",
    "load_config",
    "load_user_profiles",
]
