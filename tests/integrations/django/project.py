"""The Django project the integration tests serve (its ``ROOT_URLCONF``): the same guarded views
as plain functions (``/sync/...``) and as ``async def`` views (``/async/...``), views without a
guard (what the middleware set), the current user, and Django REST framework views (``/drf/...``).

Imported by Django once the settings are in place: ``rest_framework.views`` reads them when
imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse  # type: ignore[import-untyped]
from django.urls import path  # type: ignore[import-untyped]
from rest_framework.permissions import IsAuthenticated  # type: ignore[import-untyped]
from rest_framework.request import Request  # type: ignore[import-untyped]
from rest_framework.response import Response  # type: ignore[import-untyped]
from rest_framework.views import APIView  # type: ignore[import-untyped]

from clerk_async.integrations.django import acurrent_user, clerk_required, current_user
from clerk_async.integrations.drf import ClerkAuthentication, ClerkPermission
from tests.integrations.sync_cases import GUARDS, describe, who

__all__ = ["urlpatterns"]


def shown(request: HttpRequest) -> JsonResponse:
    return JsonResponse(describe(request.auth))


async def ashown(request: HttpRequest) -> JsonResponse:
    return JsonResponse(describe(request.auth))


@clerk_required
def profile(request: HttpRequest) -> JsonResponse:
    user = current_user(request)
    assert user is current_user(request)  # fetched once per request
    return JsonResponse(who(user))


@clerk_required
async def aprofile(request: HttpRequest) -> JsonResponse:
    user = await acurrent_user(request)
    assert user is await acurrent_user(request)
    return JsonResponse(who(user))


# -- Django REST framework -----------------------------------------------------------------------


class PendingAuthentication(ClerkAuthentication):
    treat_pending_as_signed_out = False


class DrfMe(APIView):  # type: ignore[misc]
    """Signed in (the settings' default classes)."""

    def get(self, request: Request) -> Response:
        return Response({"pk": request.user.pk, **describe(request.auth)})


def _drf_view(name: str, guard: dict[str, Any]) -> Callable[..., Any]:
    attributes: dict[str, Any] = {}
    guard = dict(guard)
    accepts_token = guard.pop("accepts_token", None)
    if accepts_token is not None:
        attributes["authentication_classes"] = [
            type("Accepting", (ClerkAuthentication,), {"accepts_token": accepts_token})
        ]
    if guard.pop("treat_pending_as_signed_out", True) is False:
        attributes["authentication_classes"] = [PendingAuthentication]
    attributes["permission_classes"] = [IsAuthenticated, ClerkPermission.require(**guard)]
    view_class: Any = type(f"Drf_{name}", (DrfMe,), attributes)
    view: Callable[..., Any] = view_class.as_view()
    return view


class DrfProfile(APIView):  # type: ignore[misc]
    def get(self, request: Request) -> Response:
        return Response(who(current_user(request)))


urlpatterns = [
    path("sync/open", shown),
    path("async/open", ashown),
    path("sync/profile", profile),
    path("async/profile", aprofile),
    path("drf/me", DrfMe.as_view()),
    path("drf/profile", DrfProfile.as_view()),
    *(path(f"sync/{name}", clerk_required(**guard)(shown)) for name, guard in GUARDS.items()),
    *(path(f"async/{name}", clerk_required(**guard)(ashown)) for name, guard in GUARDS.items()),
    *(path(f"drf/{name}", _drf_view(name, guard)) for name, guard in GUARDS.items()),
]
