"""Rating a returned dossier on the portal: from the citizen's own dossier page (signed in, own dossier
only: 404 otherwise), and through the link of the invitation sent when the result was returned (no sign-in;
the page shows the dossier's code and procedure only). The rules are `motcua.ratings`."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from motcua.citizens.access import citizen_required
from motcua.portal.views.mine import own_dossier
from motcua.ratings import links
from motcua.ratings.criteria import ANSWERS, CRITERIA
from motcua.ratings.rating import RatingError, rate, read_form


@citizen_required
@require_POST
def rate_own(request, code):
    dossier = own_dossier(request.user, code)
    try:
        rate(dossier, **read_form(request.POST), channel="portal", actor=request.user)
    except RatingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Cảm ơn Ông/Bà đã đánh giá. Đánh giá đã được ghi nhận.")
    return redirect(reverse("portal:dossier", args=[code]) + "#rating")


def _link_page(request, link, *, error="", posted=None, status=200):
    dossier = link.dossier
    return render(request, "portal/rating_link.html", {
        "code": dossier.code, "procedure": dossier.procedure.name, "unit": dossier.unit.name, "error": error,
        "answers": ANSWERS, "posted": posted or {},
        "criteria": [{"key": c.key, "label": c.label, "given": (posted or {}).get(f"c_{c.key}", "")}
                     for c in CRITERIA]}, status=status)


@require_http_methods(["GET", "POST"])
def by_link(request, token):
    """The invitation's page. Unknown token: 404; used or expired: 410; both with a clear Vietnamese page."""
    try:
        link = links.find_link(token)
    except links.LinkError as exc:
        return render(request, "portal/rating_link_closed.html", {"message": str(exc), "reason": exc.reason},
                      status=404 if exc.reason == links.UNKNOWN else 410)
    if request.method == "POST":
        try:
            links.rate_by_link(token, **read_form(request.POST))
        except links.LinkError as exc:
            return render(request, "portal/rating_link_closed.html", {"message": str(exc), "reason": exc.reason},
                          status=404 if exc.reason == links.UNKNOWN else 410)
        except RatingError as exc:
            return _link_page(request, link, error=str(exc), posted=request.POST, status=400)
        return render(request, "portal/rating_thanks.html", {"code": link.dossier.code})
    return _link_page(request, link)
