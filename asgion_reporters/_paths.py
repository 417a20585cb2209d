"""Path display shared by reporters: project-relative when the file lives under the project root."""

from __future__ import annotations

import os


def relative_path(file: str, root: str) -> str:
    """``file`` relative to ``root`` when it lies inside it, else unchanged; always with forward slashes."""
    absolute = os.path.abspath(file)
    base = os.path.abspath(root)
    if absolute == base or absolute.startswith(base + os.sep):
        return os.path.relpath(absolute, base).replace(os.sep, "/")
    return file
