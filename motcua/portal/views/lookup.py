"""The public look-up (tra cứu hồ sơ): a dossier's status from its code and the last digits of the
applicant's identity number or phone, without signing in. Status only: no name, no content. Limited per
address so that codes cannot be tried in bulk."""

from django.shortcuts import render
from django_ratelimit.decorators import ratelimit

from motcua.portal.following import LOOKUP_DIGITS, look_up


@ratelimit(key="ip", rate="30/m", block=False)
def lookup(request):
    code = request.GET.get("ma", "")
    digits = request.GET.get("so", "")
    context = {"code": code, "digits": digits, "n_digits": LOOKUP_DIGITS, "asked": bool(code or digits)}
    if getattr(request, "limited", False):
        context["limited"] = True
        return render(request, "portal/lookup.html", context, status=429)
    if context["asked"]:
        context["dossier"] = look_up(code, digits)
    return render(request, "portal/lookup.html", context)
