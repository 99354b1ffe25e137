"""The home page: public, aggregate figures of the record only (no personal data)."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.dossiers.constants import Channel, Status
from motcua.dossiers.models import Dossier
from motcua.feedback.models import Feedback
from motcua.units.models import Unit, UnitKind

OPEN = [Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.WAITING_FEES]


def home(request):
    now = timezone.now()
    totals = Dossier.objects.aggregate(
        total=Count("id"),
        online=Count("id", filter=Q(channel=Channel.ONLINE)),
        open=Count("id", filter=Q(status__in=OPEN)),
        overdue=Count("id", filter=Q(status__in=OPEN, due_at__lt=now)),
        returned=Count("id", filter=Q(status=Status.RETURNED)),
    )
    by_unit = (Dossier.objects.values("unit__code", "unit__name", "unit__kind", "unit__position")
               .annotate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN)),
                         overdue=Count("id", filter=Q(status__in=OPEN, due_at__lt=now)))
               .order_by("-overdue", "unit__position")[:15])
    context = {
        "totals": totals,
        "online_share": (totals["online"] / totals["total"] * 100) if totals["total"] else None,
        "units": Unit.objects.exclude(kind=UnitKind.OFFICE).count(),
        "communes": Unit.objects.filter(kind=UnitKind.COMMUNE).count(),
        "procedures": Procedure.objects.count(),
        "feedback": Feedback.objects.count(),
        "by_unit": by_unit,
        "now": now,
    }
    return render(request, "core/home.html", context)
