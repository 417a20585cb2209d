"""Text from objects asgion does not control, made so that making it can never raise and never grows unbounded.

An app's exception may have a ``__str__`` that raises, a message value may have a ``__repr__`` that returns a
megabyte; asgion writes such things into violations, internal errors and reports, and the app must see none of
it. Every function here returns a ``str`` of at most its limit (plus a short truncation note), whatever it is given.
"""

from __future__ import annotations

import traceback
from types import TracebackType

__all__ = [
    "MAX_MESSAGE_CHARS",
    "MAX_TRACEBACK_CHARS",
    "MAX_VALUE_CHARS",
    "clip",
    "describe_exception",
    "exception_message",
    "exception_type",
    "format_traceback",
    "one_line",
    "safe_repr",
    "safe_str",
]

#: Characters kept of an exception's message in a violation, an internal error or a report.
MAX_MESSAGE_CHARS = 2_000
#: Characters kept of a formatted traceback (its last lines: the raising frame is what matters).
MAX_TRACEBACK_CHARS = 8_000
#: Characters kept of one value quoted in a finding (a header value, a message field).
MAX_VALUE_CHARS = 200


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


def one_line(text: str) -> str:
    """``text`` with every character that is not printable (CR, LF, ESC ...) written as its escape, so that text
    a client chose (a request path) can neither start a new log line nor drive a terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _type_name(obj: object) -> str:
    try:
        return str(type(obj).__qualname__)
    except Exception:  # a metaclass can make even this raise
        return "object"


def safe_str(obj: object, limit: int = MAX_VALUE_CHARS) -> str:
    """``str(obj)``, clipped; a placeholder naming the type when ``__str__`` raises or returns a non-str."""
    try:
        text = obj.__str__() if type(obj) is not str else obj
        if type(text) is not str:
            text = str.__str__(text) if isinstance(text, str) else f"<{_type_name(obj)}: __str__ returned no str>"
    except Exception as exc:
        return f"<{_type_name(obj)}: str() raised {_type_name(exc)}>"
    return clip(text, limit)


def safe_repr(obj: object, limit: int = MAX_VALUE_CHARS) -> str:
    """``repr(obj)``, clipped; a placeholder naming the type when ``__repr__`` raises."""
    try:
        text = repr(obj)
    except Exception as exc:
        return f"<{_type_name(obj)}: repr() raised {_type_name(exc)}>"
    return clip(str.__str__(text), limit)


def exception_type(exc: BaseException) -> str:
    """The exception's class name, as reports show it."""
    return _type_name(exc)


def exception_message(exc: BaseException, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``str(exc)``, clipped, never raising."""
    return safe_str(exc, limit)


def describe_exception(exc: BaseException, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``"TypeName: message"`` (the form internal errors and G-021 use), never raising."""
    message = exception_message(exc, limit)
    return f"{exception_type(exc)}: {message}" if message else exception_type(exc)


def format_traceback(exc: BaseException, limit: int = MAX_TRACEBACK_CHARS) -> str:
    """The formatted traceback of ``exc``, keeping its last ``limit`` characters; never raises.

    When the standard formatter fails (an exception whose ``__str__`` raises in a chained cause, a frame whose
    source cannot be read), the frames are formatted without the messages.
    """
    try:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    except Exception:
        text = _frames_only(exc)
    if len(text) > limit:
        text = f"[{len(text) - limit} earlier characters cut]\n{text[-limit:]}"
    return text


def _frames_only(exc: BaseException) -> str:
    try:
        tb: TracebackType | None = exc.__traceback__
        lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}\n' for f in traceback.extract_tb(tb)]
    except Exception:
        lines = []
    return "Traceback (most recent call last):\n" + "".join(lines) + describe_exception(exc) + "\n"

