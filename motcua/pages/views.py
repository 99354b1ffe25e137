"""The home page: public, aggregate figures of the record only (no personal data).

"Overdue" is the one definition (`motcua.lib.lateness` through `office.clock`), the same as the work
queue's and the index's: a dossier waiting for a supplement or a fee requested before its due time is
paused, not overdue.
"""

from collections import Counter

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.dossiers.constants import OPEN_STATUSES, Channel, Status
from motcua.dossiers.models import Dossier
from motcua.feedback.models import Feedback
from motcua.office.clock import overdue_open_dossiers
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit, UnitKind

TOP_UNITS = 15


def home(request):
    now = timezone.now()
    totals = Dossier.objects.aggregate(
        total=Count("id"),
        online=Count("id", filter=Q(channel=Channel.ONLINE)),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        returned=Count("id", filter=Q(status=Status.RETURNED)),
    )
    overdue = Counter(d.unit_id for d in overdue_open_dossiers(Dossier.objects.all(), CalendarBook(), now))
    totals["overdue"] = sum(overdue.values())
    per_unit = {row["unit_id"]: row for row in Dossier.objects.values("unit_id").annotate(
        total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)))}
    units = Unit.objects.in_bulk(list(per_unit))
    by_unit = sorted(({"unit": units[unit_id], "total": row["total"], "open": row["open"],
                       "overdue": overdue.get(unit_id, 0)} for unit_id, row in per_unit.items()),
                     key=lambda row: (-row["overdue"], row["unit"].position, row["unit"].pk))[:TOP_UNITS]
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
    return render(request, "pages/home.html", context)
