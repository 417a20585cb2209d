"""The installed distribution's version, as ``asgion.__version__`` (one source of truth: the package metadata)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("asgion")
except PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"
