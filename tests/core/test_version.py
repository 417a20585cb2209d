"""``asgion.__version__`` is the installed distribution's version."""

from __future__ import annotations

from importlib.metadata import version

import asgion


def test_version_is_the_distributions() -> None:
    assert asgion.__version__ == version("asgion")
    assert "__version__" in asgion.__all__
