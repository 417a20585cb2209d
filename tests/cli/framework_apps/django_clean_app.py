"""The framework matrix's Django project, correct: the twin of django_app."""

from __future__ import annotations

from tests.cli.framework_apps.django_views import project, read_item

app = project(__name__, read_item)
