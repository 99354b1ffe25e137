"""The work queue: the dossiers a user may see, most urgent first by remaining working time."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from motcua.dossiers.constants import OPEN_STATUSES, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.national import KIND as PORTAL_KIND
from motcua.lib.textfold import matches
from motcua.office.access import office_required
from motcua.office.clock import DONE, clock_of
from motcua.office.forms import QueueFilterForm
from motcua.outbox.models import Item, State
from motcua.units.calendars import CalendarBook

QUEUE_STATUSES = (*OPEN_STATUSES, Status.RESOLVED)
# Remaining time is computed in Python (each unit has its own calendar); beyond this many candidates the
# queue shows the ones with the earliest due times, which are the most urgent whatever the calendar.
CANDIDATE_LIMIT = 5000
PAGE_SIZE = 50


def mark_unsynced(dossiers) -> None:
    """Set `unsynced` on each dossier of a page: the portal has not acknowledged its current version yet
    (never synced, or a version waiting or refused). One query for the whole page."""
    pending = set(Item.objects.filter(kind=PORTAL_KIND, group__in=[d.code for d in dossiers],
                                      state__in=(State.WAITING, State.FAILED))
                  .values_list("group", flat=True).distinct())
    for dossier in dossiers:
        dossier.unsynced = dossier.synced_at is None or dossier.code in pending


@office_required
def queue(request):
    form = QueueFilterForm(request.GET or None, statuses=list(Status))
    filters = form.cleaned_data if form.is_valid() else {}
    dossiers = Dossier.objects.visible_to(request.user)
    status = filters.get("status")
    dossiers = dossiers.filter(status=status) if status else dossiers.filter(status__in=QUEUE_STATUSES)
    if filters.get("scope") == "mine":
        dossiers = dossiers.filter(assignee=request.user)
    query = (filters.get("q") or "").strip()
    if query and any(ch.isdigit() for ch in query):
        dossiers = dossiers.filter(code__icontains=query)  # a code: let the database find it
    candidates = list(dossiers.select_related("procedure", "unit", "holder", "assignee__membership")
                      .prefetch_related("pauses").order_by("due_at", "id")[:CANDIDATE_LIMIT])
    if query and not any(ch.isdigit() for ch in query):
        # Names are matched without diacritics ("nguyen van an" finds "Nguyễn Văn An").
        candidates = [d for d in candidates if matches(query, d.code, d.applicant_name)]
    calendars, now = CalendarBook(), timezone.now()
    rows = [(d, clock_of(d, calendars.for_unit(d.unit.code), now, pauses=d.pauses.all())) for d in candidates]
    if filters.get("urgency"):
        rows = [row for row in rows if row[1].urgency == filters["urgency"]]
    rows.sort(key=lambda row: (row[1].urgency == DONE, not row[1].late, row[1].remaining, row[0].code))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    mark_unsynced([dossier for dossier, _clock in page])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "office/queue.html", {
        "form": form, "page": page, "truncated": len(candidates) >= CANDIDATE_LIMIT, "params": params.urlencode(),
        "now": now})
