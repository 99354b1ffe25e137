"""The home page: public, aggregate figures of the record only (no personal data).

The figures are kept current with each change (`figures`), not counted over the whole table per request.
"Overdue" is the one definition (`motcua.lib.lateness`, as the live index applies it), the same as the
work queue's and the index's: a dossier waiting for a supplement or a fee requested before its due time is
paused, not overdue.
"""

from django.shortcuts import render
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.feedback.models import Feedback
from motcua.pages.figures import home_figures
from motcua.units.models import Unit, UnitKind

TOP_UNITS = 15


def home(request):
    now = timezone.now()
    figures = home_figures(now)
    totals = {"total": figures.total, "online": figures.online, "open": figures.open,
              "returned": figures.returned, "overdue": figures.overdue}
    units = Unit.objects.in_bulk(list(figures.by_unit))
    by_unit = sorted(({"unit": units[unit_id], "total": row.total, "open": row.open, "overdue": row.overdue}
                      for unit_id, row in figures.by_unit.items()),
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
