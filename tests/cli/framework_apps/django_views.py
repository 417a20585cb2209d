"""The Django project of the framework matrix: its views, and the settings and URLconf that ``django_app`` (with a
wrong Content-Length on a parametrized route under an include) and ``django_clean_app`` (its twin) each set up in
their own process."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any
from uuid import UUID

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import View


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("home", content_type="text/plain; charset=utf-8")


def read_item(request: HttpRequest, item_id: int) -> HttpResponse:
    return JsonResponse({"id": item_id})


def read_item_wrong_length(request: HttpRequest, item_id: int) -> HttpResponse:
    return HttpResponse(b"abc", content_type="text/plain; charset=utf-8", headers={"Content-Length": "5"})


def read_user(request: HttpRequest, user_id: UUID) -> HttpResponse:
    return JsonResponse({"user": str(user_id)})


def by_year(request: HttpRequest, year: str) -> HttpResponse:
    return JsonResponse({"year": year})


class Items(View):
    async def post(self, request: HttpRequest) -> HttpResponse:
        return JsonResponse(json.loads(request.body or b"{}"), status=201)


def project(urlconf: str, item_view: Callable[..., HttpResponse]) -> Any:
    """Configure Django with the module ``urlconf`` as its URLconf (an include, path converters, a regex route, a
    class-based view), ``item_view`` serving /api/items/<int>, and return the project's ASGI handler."""
    settings.configure(DEBUG=False, ROOT_URLCONF=urlconf, ALLOWED_HOSTS=["*"], SECRET_KEY="matrix", MIDDLEWARE=[],
                       USE_TZ=True)
    django.setup()
    from django.core.asgi import get_asgi_application
    from django.urls import include, path, re_path
    from django.views.decorators.csrf import csrf_exempt

    api = [path("items/<int:item_id>", item_view), path("users/<uuid:user_id>", read_user),
           re_path(r"^years/(?P<year>[0-9]{4})/$", by_year), path("items", csrf_exempt(Items.as_view()))]
    sys.modules[urlconf].urlpatterns = [path("", home), path("api/", include(api))]  # type: ignore[attr-defined]
    return get_asgi_application()
