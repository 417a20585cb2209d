"""A Django project for the framework matrix, in one module: settings, URLconf (an include, path converters, a
regex route, a class-based view) and its ASGI handler. This one has a wrong Content-Length on a parametrized route
under an include."""

from __future__ import annotations

import django
from django.conf import settings

settings.configure(DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], SECRET_KEY="matrix", MIDDLEWARE=[],
                   USE_TZ=True)
django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402  (settings first)
from django.urls import include, path, re_path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from tests.cli.framework_apps import django_views as views  # noqa: E402

api = [path("items/<int:item_id>", views.read_item_wrong_length), path("users/<uuid:user_id>", views.read_user),
       re_path(r"^years/(?P<year>[0-9]{4})/$", views.by_year), path("items", csrf_exempt(views.Items.as_view()))]
urlpatterns = [path("", views.home), path("api/", include(api))]

app = get_asgi_application()
