"""Notifications that failed: the applicant could not be reached by e-mail or SMS (the address or number
was refused for good), listed for the officers who may see the dossier, so that someone calls instead."""

from django.shortcuts import render

from motcua.dossiers.models import Dossier
from motcua.notify.failures import failed_notifications
from motcua.office.access import office_required

LIMIT = 500


@office_required
def failures(request):
    rows = failed_notifications(Dossier.objects.visible_to(request.user), limit=LIMIT + 1)
    return render(request, "office/notification_failures.html",
                  {"rows": rows[:LIMIT], "truncated": len(rows) > LIMIT, "limit": LIMIT})
