"""What the terminal decides: colour (``--color``, ``NO_COLOR``, ``FORCE_COLOR``), line width (``COLUMNS``) and
the live progress display shown on stderr while a long run drives the app."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from typing import IO, Any

COLOR_CHOICES = ("auto", "always", "never")
#: Seconds a run goes before the progress display appears (short runs print nothing extra).
PROGRESS_AFTER = 1.0


def use_color(choice: str = "auto", stream: IO[str] | None = None) -> bool:
    """``always`` and ``never`` decide; ``auto`` is off under ``NO_COLOR``, on under ``FORCE_COLOR`` (any value but
    empty or 0), else on when the stream is a terminal."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR", "") != "":
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return _isatty(stream or sys.stdout)


def line_width(stream: IO[str] | None = None) -> int | None:
    """The width to wrap at: ``COLUMNS`` when set, else the terminal's; None (no wrapping) for a pipe or file."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if _isatty(stream or sys.stdout):
        return shutil.get_terminal_size().columns
    return None


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class Progress:
    """A transient progress bar on stderr, started only on a terminal and only once the run has lasted
    :data:`PROGRESS_AFTER` seconds; :meth:`update` is called from the driver's watchdog loop."""

    def __init__(self, total: int, *, enabled: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.enabled = _isatty(sys.stderr) if enabled is None else enabled
        self._clock = clock
        self._started = clock()
        self._bar: Any = None
        self._task: Any = None

    def update(self, done: int, current: str) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if self._clock() - self._started < PROGRESS_AFTER:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.description}"), console=Console(file=sys.stderr),
                                     transient=True, redirect_stdout=False, redirect_stderr=False)
            self._task = self._bar.add_task("", total=self.total)
            self._bar.start()
        self._bar.update(self._task, completed=done, description=current)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
