"""The index as JSON over HTTP: `GET /api/v1/index` and `GET /api/v1/index/extras`.

The body of `/index` is exactly the object of `motcua index --json` (interchange.md, command-line
contract), from the same `service.index_json`, so the live engine's numbers reach pages, the command
and this API alike. Views only check the query string and map errors to statuses: 400 names the
parameter in Vietnamese, 404 says which unit code is unknown.

Access is public and read-only. The numbers are aggregates (numerators, denominators, rates, points per
unit), which the national public-service portal itself publishes for every province; no dossier, name or
identity number is ever in a response. `openapi.SPEC` documents both endpoints; `motcua openapi --check`
keeps docs/openapi.json equal to it.
"""

from __future__ import annotations

import re
from datetime import date
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django_ratelimit.core import get_usage

from motcua.indicators import live, service
from motcua.indicators.rules import DEFAULT_RULESET, RuleSetError, available_rulesets
from motcua.lib import periods
from motcua.units.models import Unit

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
INDEX_PARAMETERS = ("from", "to", "unit", "rules")
EXTRAS_PARAMETERS = ("from", "to", "unit")


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str, status: int = 400):
        super().__init__(message)
        self.parameter, self.message, self.status = parameter, message, status


def error_response(problem: BadParameter) -> JsonResponse:
    return _json({"error": {"parameter": problem.parameter, "message": problem.message}}, status=problem.status)


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Live numbers: a cache must ask again rather than serve yesterday's index.
    response["Cache-Control"] = "no-cache"
    return response


def _date(query, name: str) -> date:
    value = query.get(name)
    if value is None or value == "":
        raise BadParameter(name, _("Thiếu tham số “%(name)s” (ngày dạng YYYY-MM-DD).") % {"name": name})
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, _("Tham số “%(name)s” phải là một ngày dạng YYYY-MM-DD, không phải “%(value)s”.")
                           % {"name": name, "value": value}) from None


def _period_and_unit(request, allowed: tuple[str, ...]) -> tuple[date, date, str | None]:
    query = request.GET
    for name in query:
        if name not in allowed:
            raise BadParameter(name, _("Tham số “%(name)s” không được hỗ trợ; các tham số hợp lệ: %(allowed)s.")
                               % {"name": name, "allowed": ", ".join(allowed)})
    for name in allowed:
        if len(query.getlist(name)) > 1:
            raise BadParameter(name, _("Tham số “%(name)s” chỉ được cho một lần.") % {"name": name})
    date_from, date_to = _date(query, "from"), _date(query, "to")
    try:
        periods.check_period(date_from, date_to)
    except periods.PeriodOutOfRange as problem:
        raise BadParameter(problem.parameter, problem.message) from None
    unit = query.get("unit") or None
    if unit is not None and not Unit.objects.filter(code=unit).exists():
        raise BadParameter("unit", _("Tham số “unit”: không có đơn vị mã “%(code)s”.") % {"code": unit},
                           status=404)
    return date_from, date_to, unit


def _api_rate(group, request):
    return settings.MOTCUA_API_RATE or None


def rate_limited(view):
    """At most MOTCUA_API_RATE requests per client address (django-ratelimit, counted in the default cache);
    beyond it a 429 in Vietnamese with Retry-After (seconds until the address's window ends)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        usage = get_usage(request, group="api.index", key="ip", rate=_api_rate, method=("GET", "HEAD"),
                          increment=True)
        if usage is not None and usage["should_limit"]:
            wait = max(1, int(usage["time_left"]))
            response = _json({"error": {"parameter": None, "message": _(
                "Quá nhiều yêu cầu từ địa chỉ này (tối đa %(limit)d yêu cầu mỗi %(period)s). Vui lòng thử lại sau "
                "%(wait)d giây.") % {"limit": usage["limit"], "period": _period_words(settings.MOTCUA_API_RATE),
                                     "wait": wait}}}, status=429)
            response["Retry-After"] = str(wait)
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _period_words(rate: str) -> str:
    """"120/m" → "phút", "10/5m" → "5 phút"."""
    period = (rate or "").partition("/")[2]
    count, unit = period[:-1], period[-1:]
    word = {"s": _("giây"), "m": _("phút"), "h": _("giờ"), "d": _("ngày")}.get(unit, period)
    return f"{count} {word}" if count and count != "1" else word


# The same parameters, errors and headers for the scoped APIs built over the index (motcua.fixfirst).
period_and_unit = _period_and_unit
json_response = _json


@csrf_exempt  # read-only and GET-only: another method is answered 405, never the CSRF page
@require_GET
@rate_limited
def index(request):
    """The 766 index of the province (and every department and commune) or of one unit, for a period."""
    try:
        date_from, date_to, unit = _period_and_unit(request, INDEX_PARAMETERS)
        rules = request.GET.get("rules") or DEFAULT_RULESET
        try:
            live.cached_ruleset(rules)
        except RuleSetError:
            raise BadParameter("rules", _("Tham số “rules”: không có bộ chỉ số “%(rules)s”; có: %(available)s.")
                               % {"rules": rules, "available": ", ".join(available_rulesets())}) from None
    except BadParameter as problem:
        return error_response(problem)
    return _json(service.index_json(date_from, date_to, unit_code=unit, rules=rules))


@csrf_exempt  # read-only and GET-only: another method is answered 405, never the CSRF page
@require_GET
@rate_limited
def extras(request):
    """Figures reported without points: processing time per procedure and channel, overdue, not synced."""
    try:
        date_from, date_to, unit = _period_and_unit(request, EXTRAS_PARAMETERS)
    except BadParameter as problem:
        return error_response(problem)
    return _json(service.extras_json(date_from, date_to, unit_code=unit))
