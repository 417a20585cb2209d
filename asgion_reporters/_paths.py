"""Path display shared by reporters: project-relative paths, and where a finding points in the project."""

from __future__ import annotations

import os

from asgion_core.location import project_file
from asgion_core.report import Report
from asgion_core.violation import SourceLocation


def relative_path(file: str, root: str) -> str:
    """``file`` relative to ``root`` when it lies inside it, else unchanged; always with forward slashes."""
    absolute = os.path.abspath(file)
    base = os.path.abspath(root)
    if absolute == base or absolute.startswith(base + os.sep):
        return os.path.relpath(absolute, base).replace(os.sep, "/")
    return file


def short_path(file: str, root: str) -> str:
    """For people: project files relative to ``root``, installed packages from the package down
    (``starlette/responses.py``), anything else unchanged."""
    shown = relative_path(file, root)
    for marker in ("/site-packages/", "/dist-packages/"):
        _, found, tail = shown.replace(os.sep, "/").rpartition(marker)
        if found:
            return tail
    return shown




def project_location(location: SourceLocation | None, report: Report, root: str) -> tuple[str, int] | None:
    """Where CI annotations should point: the offending ``send`` when it is project code, else the app's module
    (line 1), else nowhere. Files outside the project (installed frameworks) cannot be annotated."""
    if location is not None and project_file(location.file, root):
        return relative_path(location.file, root), max(1, location.line)
    if report.app_source and project_file(report.app_source, root):
        return relative_path(report.app_source, root), 1
    return None
