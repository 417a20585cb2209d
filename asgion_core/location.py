"""Find where a finding belongs in the app's code, and whose code it is.

Only called when a rule fires, never per message, so walking the stack is affordable. A frame is the user's own
code unless it lies in asgion, the standard library or an installed package (site-packages); ``user_packages``
and ``library_packages`` in the config move packages across that line by module name. When a send happened in
framework code only, the finding points at the route's endpoint (read from the scope the framework routed) and
keeps the framework frame as "sent from".
"""

from __future__ import annotations

import inspect
import os
import sys
import sysconfig
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any

from asgion_core.violation import SourceLocation

__all__ = ["DEFAULT_BLAME", "Blame", "Origin", "endpoint_location", "find_raise_site", "find_send_caller",
           "handler_location", "installed_code", "installed_file", "project_file", "raise_origin", "set_entry_code",
           "set_send_code"]

_OWN_PACKAGES = ("asgion", "asgion_core", "asgion_http", "asgion_websocket", "asgion_lifespan",
                 "asgion_reporters", "asgion_cli")
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OWN = tuple(os.path.join(_ROOT, name) + os.sep for name in _OWN_PACKAGES)
_STDLIB = tuple({os.path.abspath(sysconfig.get_paths()[k]) + os.sep for k in ("stdlib", "platstdlib")})
_THIRD_PARTY = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)
#: Scope keys under which frameworks leave what they routed to: Starlette and FastAPI ``endpoint`` and ``route``,
#: Litestar ``route_handler``.
_ENDPOINT_KEYS = ("endpoint", "route_handler", "route")
#: Attributes that lead from a route object or decorator wrapper to the user's function.
_ENDPOINT_ATTRIBUTES = ("endpoint", "fn", "func", "value", "__wrapped__")
_send_codes: set[CodeType] = set()
_entry_codes: set[CodeType] = set()


def set_send_code(code: CodeType) -> None:
    """Register the code object of a send wrapper; the walk starts at the caller of such a frame."""
    _send_codes.add(code)


def set_entry_code(code: CodeType) -> None:
    """Register the code object that calls the app (the Inspector's ``__call__``); the walk ends there, since the
    frames beyond it are the server's or the test client's (a test awaiting httpx's ASGITransport), not the app's."""
    _entry_codes.add(code)


@dataclass(frozen=True, slots=True)
class Blame:
    """Which frames are the user's: everything outside asgion, the standard library and installed packages, with
    ``user_packages`` counted as the user's and ``library_packages`` as third-party (top-level module names)."""

    user_packages: frozenset[str] = frozenset()
    library_packages: frozenset[str] = frozenset()

    @classmethod
    def of(cls, user_packages: Iterable[str] = (), library_packages: Iterable[str] = ()) -> Blame:
        return cls(frozenset(user_packages), frozenset(library_packages))

    def kind(self, frame: FrameType) -> str:
        """``user``, ``library`` or ``skip`` (asgion, the standard library, generated code)."""
        filename = frame.f_code.co_filename
        if not os.path.isabs(filename):  # code compiled from a string (Sanic's router): judged by its module
            module_file = frame.f_globals.get("__file__")
            filename = module_file if isinstance(module_file, str) and os.path.isabs(module_file) else "<>"
        if filename.startswith("<") or filename.startswith(_OWN):
            return "skip"
        if self.user_packages or self.library_packages:
            package = _top_package(frame)
            if package in self.user_packages:
                return "user"
            if package in self.library_packages:
                return "library"
        if installed_file(filename):
            return "library"
        if filename.startswith(_STDLIB):
            return "skip"
        return "user"


DEFAULT_BLAME = Blame()


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a finding points, and whether that is the user's own code.

    ``forwarded`` is the framework frame that made the send when the user's frame only passed the connection on
    (a pure ASGI middleware awaiting ``self.app(scope, receive, send)``): then the route's endpoint is the better
    place to look, when the scope names one.
    """

    location: SourceLocation | None
    user: bool
    forwarded: SourceLocation | None = None


def _top_package(frame: FrameType) -> str:
    name = frame.f_globals.get("__name__")
    return name.partition(".")[0] if isinstance(name, str) else ""


def find_send_caller(blame: Blame = DEFAULT_BLAME) -> Origin:
    """The app code that awaited the innermost send wrapper on the current stack.

    The first frame of the user's code wins; when there is none (a framework built the response), the innermost
    framework frame that is not a middleware's send wrapper. A user's middleware frame that only called the app it
    wraps, whose framework code then sent, is marked as forwarding (see :class:`Origin`).
    """
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code not in _send_codes:
        frame = frame.f_back
    if frame is None:
        return Origin(None, False)
    fallback: FrameType | None = None
    wrapper: FrameType | None = None
    callee, frame = frame, frame.f_back
    while frame is not None and frame.f_code not in _entry_codes:
        kind = blame.kind(frame)
        if kind == "user":
            made_by = fallback or wrapper
            if made_by is not None and _forwards_to(frame, callee):
                return Origin(_location(frame), True, forwarded=_location(made_by))
            return Origin(_location(frame), True)
        if kind == "library":
            # middleware send wrappers only pass the message on; the frame that built it is more useful
            if "send" in frame.f_code.co_name:
                wrapper = wrapper or frame
            elif fallback is None:
                fallback = frame
        callee, frame = frame, frame.f_back
    chosen = fallback or wrapper
    return Origin(_location(chosen) if chosen is not None else None, False)


def _forwards_to(frame: FrameType, callee: FrameType) -> bool:
    """Whether ``frame`` is a middleware passing the connection to the app it wraps (``self.app`` or an ``app``
    it closes over) and ``callee`` is that app's entry. A response object the user's code builds and calls is
    not the wrapped app: a bad message it sends stays the user's."""
    code = callee.f_code
    parameters = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    if not {"scope", "receive", "send"} <= set(parameters):
        return False
    try:
        runs = callee.f_locals.get("self") if "self" in parameters else None
        local = frame.f_locals
        wrapped = [local.get("app"), getattr(local.get("self"), "app", None)]
        return any(app is not None and (app is runs or _code_of(app) is code) for app in wrapped)
    except Exception:  # an attribute that raises: not a plain middleware
        return False


def _code_of(app: Any) -> CodeType | None:
    """The code an app object runs when it is a function or a bound method, else None."""
    function = getattr(app, "__func__", app)
    code = getattr(function, "__code__", None)
    return code if isinstance(code, CodeType) else None


def _location(frame: FrameType) -> SourceLocation:
    return SourceLocation(frame.f_code.co_filename, frame.f_lineno or 0, frame.f_code.co_name)


def raise_origin(exc: BaseException, blame: Blame = DEFAULT_BLAME) -> Origin:
    """Where the app raised ``exc``: the innermost frame of its traceback in the user's own code, else the
    innermost library frame, else the innermost frame (asgion's own frames never count)."""
    try:
        tb = exc.__traceback__
        user = library = last = None
        while tb is not None:
            code = tb.tb_frame.f_code
            kind = blame.kind(tb.tb_frame)
            location = SourceLocation(code.co_filename, tb.tb_lineno or 0, code.co_name)
            if kind == "user":
                user = location
            elif kind == "library":
                library = location
            if not code.co_filename.startswith(_OWN):
                last = location
            tb = tb.tb_next
        return Origin(user, True) if user is not None else Origin(library or last, False)
    except Exception:  # a hostile traceback: no location rather than an error
        return Origin(None, False)


def find_raise_site(exc: BaseException, blame: Blame = DEFAULT_BLAME) -> SourceLocation | None:
    """The location of :func:`raise_origin`."""
    return raise_origin(exc, blame).location


def endpoint_location(scope: Mapping[str, Any]) -> SourceLocation | None:
    """The file and line of the handler the framework routed this scope to, when the scope says (frameworks
    write it into the scope they route); None when it does not or the object has no source."""
    for key in _ENDPOINT_KEYS:
        found = handler_location(dict.get(scope, key)) if isinstance(scope, dict) else None
        if found is not None:
            return found
    return None


def handler_location(value: Any) -> SourceLocation | None:
    """Where a route's handler is defined: route objects, partials and decorator wrappers are followed to a
    function or class with a source file; None for asgion's own code, generated code and odd objects."""
    try:
        return _source_of(value)
    except Exception:  # a hostile or odd object is no handler
        return None


def _source_of(value: Any) -> SourceLocation | None:
    for _ in range(8):
        if value is None:
            return None
        target = getattr(value, "func", None) if type(value).__name__ == "partial" else value
        code = getattr(target, "__code__", None)
        if isinstance(code, CodeType):
            if code.co_filename.startswith("<") or code.co_filename.startswith(_OWN):
                return None
            return SourceLocation(code.co_filename, code.co_firstlineno, getattr(target, "__qualname__", code.co_name))
        if inspect.isclass(target) and not _is_library_type(target):
            file = inspect.getsourcefile(target)
            if file is None:
                return None
            return SourceLocation(file, inspect.getsourcelines(target)[1], target.__qualname__)
        inner = next((getattr(target, name) for name in _ENDPOINT_ATTRIBUTES
                      if getattr(target, name, None) is not None), None)
        if inner is None and callable(target) and not inspect.isclass(target):
            inner = type(target)  # an ASGI app object of the user's own class: where the class is
        value = inner
    return None


def installed_code(value: Any) -> bool:
    """Whether ``value`` (an endpoint function, class or ASGI app object) is defined in an installed package,
    such as the documentation routes a framework adds or its static-files app."""
    try:
        code = getattr(value, "__code__", None)
        if isinstance(code, CodeType):
            return installed_file(code.co_filename)
        return _is_library_type(value if inspect.isclass(value) else type(value))
    except Exception:
        return False


def _is_library_type(cls: type) -> bool:
    module = sys.modules.get(cls.__module__)
    return installed_file(getattr(module, "__file__", None) or "")


def installed_file(filename: str) -> bool:
    """Whether a source file belongs to an installed package (site-packages, dist-packages)."""
    return any(part in filename for part in _THIRD_PARTY)


def project_file(file: str, root: str) -> bool:
    """Whether ``file`` is the project's own: under ``root``, and not in an installed package there (a virtual
    environment inside the project)."""
    absolute = os.path.abspath(file)
    base = os.path.abspath(root)
    return absolute.startswith(base + os.sep) and not installed_file(absolute[len(base):])
