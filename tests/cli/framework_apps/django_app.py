"""The framework matrix's Django project with a bug: a wrong Content-Length on /api/items/<int>."""

from __future__ import annotations

from tests.cli.framework_apps.django_views import project, read_item_wrong_length

app = project(__name__, read_item_wrong_length)
