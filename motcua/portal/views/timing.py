"""The provincial office's page of time from sign-in to submission per procedure."""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from motcua.core.models import Role
from motcua.lib.workingtime import LOCAL_TZ
from motcua.office.access import office_required, role_of
from motcua.portal.timing import TARGETS_MINUTES, timings

MONITORS = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})


def _day(value: str, default):
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except (TypeError, ValueError):
        return default


@office_required
def submission_times(request):
    if role_of(request.user) not in MONITORS:
        raise PermissionDenied
    today = timezone.localdate()
    start = _day(request.GET.get("tu"), today - timedelta(days=29))
    end = _day(request.GET.get("den"), today)
    rows = timings(datetime.combine(start, time.min, LOCAL_TZ), datetime.combine(end + timedelta(days=1), time.min,
                                                                                 LOCAL_TZ))
    return render(request, "portal/timing.html", {"rows": rows, "start": start, "end": end,
                                                  "targets": TARGETS_MINUTES})
