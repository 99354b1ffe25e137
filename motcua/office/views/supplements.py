"""The dossiers waiting for a supplement, soonest end of the supplement period first (issue 12 point 5)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from motcua.core.models import Role
from motcua.dossiers.models import Dossier
from motcua.office import supplements
from motcua.office.access import office_required, role_of

# Desk and processing officers and leaders of the units (their scope), the province's monitors, the
# administrators; the read-only role sees its dossiers in the queue but has no list to act from.
ROLES = frozenset({Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.UNIT_LEADER, Role.PROVINCIAL_MONITOR,
                   Role.ADMINISTRATOR})
PAGE_SIZE = 50


@office_required
def waiting(request):
    if role_of(request.user) not in ROLES:
        raise PermissionDenied
    now = timezone.now()
    warn = settings.MOTCUA_SUPPLEMENT_WARN_DAYS
    rows = [{"item": item, "expires": supplements.display(item.expires_at),
             "requested": supplements.display(item.requested_at),
             "days_left": supplements.days_left(item.expires_at, now), "expired": item.expired(now)}
            for item in supplements.waiting(Dossier.objects.visible_to(request.user))]
    for row in rows:
        row["soon"] = not row["expired"] and row["days_left"] <= warn
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/supplements.html", {
        "page": page, "warn_days": warn, "default_days": settings.MOTCUA_SUPPLEMENT_DAYS,
        "soon_count": sum(1 for row in rows if row["soon"] or row["expired"])})
