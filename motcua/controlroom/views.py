"""The leaders' control room: the province's dashboard and a unit's dashboard, each with a JSON endpoint
of its live figures that the page's script polls (static/controlroom/live.js). Thin views: access in
`access`, the numbers in `dashboard` and `blocks`."""

from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from motcua.controlroom import access, blocks
from motcua.office.access import office_required


def _json(figures, started: float) -> JsonResponse:
    response = JsonResponse({"evaluated_at": timezone.localtime().isoformat(timespec="seconds"),
                             "figures": figures.json()})
    response["Server-Timing"] = f"figures;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


@office_required
@never_cache
def province(request):
    if not access.sees_province(request.user):
        unit = access.home_unit(request.user)
        if unit is not None:
            return redirect("controlroom:unit", code=unit.code)
        raise PermissionDenied
    return render(request, "controlroom/province.html", blocks.province_page(timezone.localdate()))


@office_required
@never_cache
def province_live(request):
    if not access.sees_province(request.user):
        raise PermissionDenied
    started = time.perf_counter()
    return _json(blocks.province_live(timezone.localdate()), started)


@office_required
@never_cache
def unit(request, code):
    target = access.unit_or_deny(request.user, code)
    return render(request, "controlroom/unit.html", blocks.unit_page(target, timezone.localdate()))


@office_required
@never_cache
def unit_live(request, code):
    target = access.unit_or_deny(request.user, code)
    started = time.perf_counter()
    return _json(blocks.unit_live(target, timezone.localdate()), started)
