"""Counts the citizen portal's page views (collect.py) after the page is answered; never breaks the page.

The page is known by its URL name (`request.resolver_match`), not by its path, so that a renamed path is
still counted under its kind; the procedure and unit come from the URL's procedure code, draft or dossier.
"""

import logging

from motcua.applications.models import Draft
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.lib.clientaddress import client_address
from motcua.usage import collect
from motcua.usage.models import PageKind

logger = logging.getLogger(__name__)

PORTAL_PREFIX = "/dich-vu-cong/"
KINDS = {
    "portal:catalog": PageKind.CATALOG,
    "portal:procedure": PageKind.PROCEDURE,
    "portal:draft": PageKind.FORM,
    "portal:drafts": PageKind.DRAFTS,
    "portal:my_dossiers": PageKind.MY_DOSSIERS,
    "portal:dossier": PageKind.DOSSIER,
    "portal:lookup": PageKind.LOOKUP,
}


def view_of(match) -> collect.View:
    """What the page is about: its kind, and the procedure and unit it shows (0 when none)."""
    kind = KINDS.get(match.view_name if match else "", PageKind.OTHER)
    kwargs = match.kwargs if match else {}
    row = None
    if kind == PageKind.PROCEDURE:
        row = (Procedure.objects.filter(code=kwargs.get("code")).values_list("id", flat=True).first(), None)
    elif kind == PageKind.FORM:
        row = Draft.objects.filter(pk=kwargs.get("pk")).values_list("procedure_id", "unit_id").first()
    elif kind == PageKind.DOSSIER:
        row = Dossier.objects.filter(code=kwargs.get("code")).values_list("procedure_id", "unit_id").first()
    if row:
        return collect.View(kind, row[0] or 0, row[1] or 0)
    return collect.View(kind)


class UsageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(PORTAL_PREFIX):
            try:
                self.count(request, response)
            except Exception:  # counting must never cost the citizen his page
                logger.exception("usage: the page view of %s was not counted", request.path)
        return response

    def count(self, request, response):
        match = getattr(request, "resolver_match", None)
        if (request.method == "POST" and response.status_code == 400 and match is not None
                and match.view_name == "portal:draft" and request.POST.get("action") == "submit"):
            collect.note_submit_attempt(match.kwargs["pk"])
            return
        if (request.method != "GET" or response.status_code != 200
                or not response.get("Content-Type", "").startswith("text/html")):
            return
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        if collect.is_robot(user_agent) or collect.is_prefetch(request.META):
            return
        collect.record_view(view_of(match), client_address(request), user_agent)
