"""`GET /api/v1/fix-first?from=&to=&unit=[&rules=]`: the object of `motcua fix-first --json`.

Unlike `/api/v1/index` (public aggregates), the answer names dossiers, procedures and feedback items, so
it is scoped like the lists behind a number: a back-office session (401 without one), the role and unit of
`access` (403 for another role or a unit outside the leader's subtree). Parameters and their errors are
those of `/api/v1/index` (400 naming the parameter, 404 for an unknown unit); `unit` is required.
"""

from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from motcua.fixfirst import access
from motcua.fixfirst.engine import fix_first
from motcua.indicators import api as index_api
from motcua.indicators.live import cached_ruleset
from motcua.indicators.rules import DEFAULT_RULESET, RuleSetError, available_rulesets
from motcua.office.access import role_of
from motcua.office.security import otp_satisfied

PARAMETERS = ("from", "to", "unit", "rules")


def _refused(status: int, message: str, parameter: str | None = None):
    response = index_api.json_response({"error": {"parameter": parameter, "message": message}}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Session realm="motcua"'
    return response


@csrf_exempt  # read-only and GET-only: another method is answered 405, never the CSRF page
@require_GET
def fix_first_view(request):
    if not request.user.is_authenticated or not otp_satisfied(request):
        return _refused(401, _("Cần đăng nhập vào hệ thống một cửa để xem danh sách này."))
    if role_of(request.user) not in access.MAY_USE:
        return _refused(403, _("Chỉ lãnh đạo đơn vị và giám sát cấp tỉnh được xem danh sách này."))
    try:
        date_from, date_to, unit = index_api.period_and_unit(request, PARAMETERS)
        if unit is None:
            raise index_api.BadParameter("unit", _("Thiếu tham số “unit” (mã đơn vị)."))
        rules = request.GET.get("rules") or DEFAULT_RULESET
        try:
            cached_ruleset(rules)
        except RuleSetError:
            raise index_api.BadParameter(
                "rules", _("Tham số “rules”: không có bộ chỉ số “%(rules)s”; có: %(available)s.")
                % {"rules": rules, "available": ", ".join(available_rulesets())}) from None
    except index_api.BadParameter as problem:
        return index_api.error_response(problem)
    if not access.may_see(request.user, unit):
        return _refused(403, _("Bạn không được xem danh sách của đơn vị “%(code)s”.") % {"code": unit}, "unit")
    return index_api.json_response(fix_first(date_from, date_to, unit_code=unit, rules=rules))
