"""Views of the Django project of the framework matrix (django_app is the buggy URLconf, django_clean_app its twin)."""

from __future__ import annotations

import json
from uuid import UUID

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
