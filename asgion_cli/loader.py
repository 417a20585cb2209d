"""Import the app named on the command line: ``module:attr``, ``module:factory()`` or ``path/file.py:attr``.

Every failure (missing module, syntax error, exception at import, missing attribute, not callable, a sync
function) becomes a ``UserError`` with one line that says what went wrong and what to do.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asgion_cli.errors import UserError
from asgion_core.safe_text import describe_exception


@dataclass(frozen=True)
class LoadedApp:
    """The app object and the file of the module that defines it (the fallback location of findings)."""

    app: Any
    source: str | None


def load_app(spec: str) -> LoadedApp:
    """Return the ASGI app ``spec`` names; the current directory is importable, as with uvicorn."""
    target, sep, attr = spec.rpartition(":")
    if not sep or not target or not attr:
        raise UserError(f"app {spec!r} is not MODULE:ATTR or path/to/file.py:ATTR (e.g. main:app)")
    call = attr.endswith("()")
    name = attr[:-2] if call else attr
    module = _import(target)
    obj: Any = module
    for part in name.split("."):
        if not part.isidentifier():
            raise UserError(f"app attribute {name!r} in {spec!r} is not a dotted Python name")
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise UserError(f"{target} has no attribute {name!r}") from None
        except BaseException as exc:  # a module __getattr__ that raises something else
            raise UserError(f"reading {target}:{name} raised {describe_exception(exc)}") from None
    if call:
        if not callable(obj):
            raise UserError(f"{target}:{name} is not callable, so it cannot be used as a factory")
        try:
            obj = obj()
        except BaseException as exc:  # sys.exit() and KeyboardInterrupt in a factory are its failure too
            raise UserError(f"the factory {target}:{name}() raised {describe_exception(exc)}") from None
        if inspect.iscoroutine(obj):
            obj.close()  # never awaited on purpose: no "coroutine was never awaited" warning
            raise UserError(f"the factory {target}:{name}() is 'async def'; asgion calls factories without an "
                            "event loop, so make it a plain 'def' that returns the app")
    if not callable(obj):
        raise UserError(f"{spec} is a {type(obj).__name__}, not an ASGI app (an async callable)")
    if inspect.isclass(obj):
        raise UserError(f"{spec} is a class; pass an instance, or a factory with {target}:{name}()")
    call_target = obj if inspect.isfunction(obj) or inspect.ismethod(obj) else type(obj).__call__
    if (inspect.isfunction(call_target) or inspect.ismethod(call_target)) and not (
        inspect.iscoroutinefunction(call_target) or inspect.iscoroutinefunction(obj)
    ):
        raise UserError(f"{spec} is a regular function; an ASGI app is 'async def app(scope, receive, send)'"
                        " (for a factory, add '()')")
    return LoadedApp(obj, getattr(module, "__file__", None))


def _import(target: str) -> Any:
    if target.endswith(".py") or os.sep in target or "/" in target:
        return _import_file(Path(target))
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    _add_src_layout(target.partition(".")[0])
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as exc:
        if exc.name and (target == exc.name or target.startswith(exc.name + ".")):
            raise UserError(f"cannot import module {target!r}: no such module (run from the project directory, or "
                            "put the folder that holds it on PYTHONPATH)") from None
        raise UserError(f"importing {target!r} failed: module {exc.name!r} is not installed") from None
    except SyntaxError as exc:
        raise UserError(f"syntax error in {exc.filename}:{exc.lineno}: {exc.msg}") from None
    except BaseException as exc:  # an app that raises or exits at import must not escape as a traceback
        raise UserError(f"importing {target!r} raised {describe_exception(exc)}") from None


def _import_file(path: Path) -> Any:
    try:
        exists = path.is_file()
    except OSError as exc:  # e.g. a name longer than the OS allows
        raise UserError(f"app file {str(path)[:80]}...: {exc.strerror}") from None
    if not exists:
        raise UserError(f"app file {path} does not exist")
    package = _package_of(path.resolve())
    if package is not None:  # a module inside a package (src/pkg/asgi.py): imported as pkg.asgi, relative imports work
        base, dotted = package
        if base not in sys.path:
            sys.path.insert(0, base)
        return _import(dotted)
    name = path.stem if path.stem.isidentifier() else "asgion_app"
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserError(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise UserError(f"syntax error in {exc.filename}:{exc.lineno}: {exc.msg}") from None
    except BaseException as exc:
        raise UserError(f"importing {path} raised {describe_exception(exc)}") from None
    return module


def _package_of(path: Path) -> tuple[str, str] | None:
    """For a file inside a package (its folder has ``__init__.py``), the folder above the outermost package and
    the file's dotted module name; None for a file that stands alone."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.name.isidentifier():
        parts.insert(0, folder.name)
        folder = folder.parent
    if len(parts) == 1 or not all(part.isidentifier() for part in parts):
        return None
    return str(folder), ".".join(parts)


def _add_src_layout(top: str) -> None:
    """The src layout: a package under ``./src`` that is not installed is importable, as in the project's tests."""
    src = Path.cwd() / "src"
    if top.isidentifier() and ((src / top).is_dir() or (src / f"{top}.py").is_file()) and str(src) not in sys.path:
        try:
            installed = importlib.util.find_spec(top) is not None
        except (ImportError, ValueError):
            installed = False
        if not installed:
            sys.path.insert(0, str(src))
