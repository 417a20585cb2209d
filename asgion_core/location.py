"""Find where the app called ``send``: the first frame outside asgion and the standard library.

Only called when a rule fires on a sent message, never per message, so walking the stack is affordable.
Frames in site-packages (frameworks) are passed over while a frame of the user's own code is further out; when
there is none (a framework built the response), the innermost framework frame that is not a send wrapper of a
middleware is the answer.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from types import CodeType, FrameType

from asgion_core.violation import SourceLocation

__all__ = ["find_raise_site", "find_send_caller", "set_send_code"]

_OWN_PACKAGES = ("asgion", "asgion_core", "asgion_http", "asgion_websocket", "asgion_lifespan",
                 "asgion_reporters", "asgion_cli")
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OWN = tuple(os.path.join(_ROOT, name) + os.sep for name in _OWN_PACKAGES)
_STDLIB = tuple({os.path.abspath(sysconfig.get_paths()[k]) + os.sep for k in ("stdlib", "platstdlib")})
_THIRD_PARTY = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)
_send_codes: set[CodeType] = set()


def set_send_code(code: CodeType) -> None:
    """Register the code object of a send wrapper; the walk starts at the caller of such a frame."""
    _send_codes.add(code)


def _kind(filename: str) -> str:
    if filename.startswith("<") or filename.startswith(_OWN):
        return "skip"
    if any(part in filename for part in _THIRD_PARTY):
        return "library"
    if filename.startswith(_STDLIB):
        return "skip"
    return "user"


def find_send_caller() -> SourceLocation | None:
    """The location of the app code that awaited the innermost send wrapper on the current stack."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code not in _send_codes:
        frame = frame.f_back
    if frame is None:
        return None
    fallback: FrameType | None = None
    wrapper: FrameType | None = None
    frame = frame.f_back
    while frame is not None:
        kind = _kind(frame.f_code.co_filename)
        if kind == "user":
            return _location(frame)
        if kind == "library":
            # middleware send wrappers only pass the message on; the frame that built it is more useful
            if "send" in frame.f_code.co_name:
                wrapper = wrapper or frame
            elif fallback is None:
                fallback = frame
        frame = frame.f_back
    chosen = fallback or wrapper
    return _location(chosen) if chosen is not None else None


def _location(frame: FrameType) -> SourceLocation:
    return SourceLocation(frame.f_code.co_filename, frame.f_lineno or 0, frame.f_code.co_name)


def find_raise_site(exc: BaseException) -> SourceLocation | None:
    """Where the app raised ``exc``: the innermost frame of its traceback in the user's own code, else the
    innermost library frame, else the innermost frame (asgion's own frames never count)."""
    try:
        tb = exc.__traceback__
        user = library = last = None
        while tb is not None:
            code = tb.tb_frame.f_code
            kind = _kind(code.co_filename)
            location = SourceLocation(code.co_filename, tb.tb_lineno or 0, code.co_name)
            if kind == "user":
                user = location
            elif kind == "library":
                library = location
            if not code.co_filename.startswith(_OWN):
                last = location
            tb = tb.tb_next
        return user or library or last
    except Exception:  # a hostile traceback: no location rather than an error
        return None
