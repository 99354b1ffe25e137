"""The work queue: tabs "waiting for me / my unit / all I may see", paged in the database.

Ordering and the urgency filter come from the database, so that a page costs one page of rows whatever the
size of the record: open dossiers first, then those resolved (waiting for signature and return), each by
`due_at` (`QueueRows`: each part is read in its own index's order, `dossier_queue_open` for the open ones,
so that no request sorts or counts the unit's whole history) — the recorded due time, which approximates the effective due (a completed supplement or fee wait
moves the effective due later by its working time, and an open one stops the clock). The exact clock
(`clock_of`, with each unit's calendar and the pauses) is computed only for the rows shown, and that is what
each row displays. The urgency filter uses the same approximation: paused = waiting for a supplement or for
fees; overdue = `due_at` passed; due soon = `due_at` within one working day of the user's unit calendar.

Ended dossiers (returned, refused, withdrawn, stopped) are out unless "show ended" is ticked or their status
is chosen.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from motcua.core.models import Role
from motcua.dossiers.constants import OPEN_STATUSES, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.national import KIND as PORTAL_KIND
from motcua.lib.textfold import matches
from motcua.office.access import ANY_OFFICER, DESK, office_required, role_of, unit_ids_of, unit_of
from motcua.office.clock import DONE, DUE_SOON, IN_TIME, OVERDUE, PAUSED, clock_of
from motcua.office.forms import QueueFilterForm
from motcua.outbox.models import Item, State
from motcua.units.calendars import CalendarBook

QUEUE_STATUSES = (*OPEN_STATUSES, Status.RESOLVED)
PAUSED_STATUSES = (Status.SUPPLEMENT_REQUESTED, Status.WAITING_FEES)
# Waiting at the desk: an online submission to receive, a result to hand back.
DESK_WAITING = (Status.SUBMITTED, Status.RESOLVED)
PAGE_SIZE = 50
SMALL_PART = 5000  # a part of the queue this small is ordered in Python (`QueueRows._rows`)
NAME_CANDIDATES = 10000
MINE, UNIT, ALL = "mine", "unit", "all"


def mark_unsynced(dossiers) -> None:
    """Set `unsynced` on each dossier of a page: the portal has not acknowledged its current version yet
    (never synced, or a version waiting or refused). One query for the whole page."""
    pending = set(Item.objects.filter(kind=PORTAL_KIND, group__in=[d.code for d in dossiers],
                                      state__in=(State.WAITING, State.FAILED))
                  .values_list("group", flat=True).distinct())
    for dossier in dossiers:
        dossier.unsynced = dossier.synced_at is None or dossier.code in pending


def default_tab(user) -> str:
    """Officers who act start on their own work; viewers, monitors and administrators on all they may see."""
    return MINE if role_of(user) in ANY_OFFICER else ALL


def tab_filter(user, tab: str) -> Q:
    """The condition of a tab, within what the user may see anyway (`visible_to`)."""
    if tab == ALL:
        return Q()
    units = unit_ids_of(user)
    if tab == UNIT:
        return Q(holder_id__in=units) | Q(received_by_id__in=units)
    mine = Q(assignee=user) & ~Q(status=Status.RESOLVED)
    role = role_of(user)
    if role in DESK:
        mine |= Q(received_by_id__in=units, status__in=DESK_WAITING)
    if role == Role.UNIT_LEADER:  # a resolved dossier waits for the leader's signature
        mine |= Q(status=Status.RESOLVED, e_result_code="") & (Q(unit_id__in=units) | Q(holder_id__in=units))
    return mine


def urgency_filter(urgency: str, now, soon_limit) -> Q:
    """The database's approximation of the clock's urgency (see the module's docstring)."""
    running = Q(status__in=OPEN_STATUSES) & ~Q(status__in=PAUSED_STATUSES)
    return {
        DONE: ~Q(status__in=OPEN_STATUSES),
        PAUSED: Q(status__in=PAUSED_STATUSES),
        OVERDUE: running & Q(due_at__lt=now),
        DUE_SOON: running & Q(due_at__gte=now, due_at__lte=soon_limit),
        IN_TIME: running & (Q(due_at__gt=soon_limit) | Q(due_at__isnull=True)),
    }[urgency]


def shown_statuses(filters: dict) -> list[int]:
    """The statuses listed: the one chosen, else those of the queue, or every one with "show ended"."""
    if filters.get("status"):
        return [int(filters["status"])]
    return [int(s) for s in (Status if filters.get("ended") else QUEUE_STATUSES)]


def queue_dossiers(user, filters: dict, now, calendar):
    """The queryset of the queue for `user` and the cleaned `filters`, but for the statuses, which
    `QueueRows` applies to each of its parts (with the order); the tab is filters["tab"]."""
    dossiers = Dossier.objects.visible_to(user).filter(tab_filter(user, filters.get("tab") or default_tab(user)))
    if filters.get("urgency"):
        soon_limit = calendar.add_working_time(now, calendar.hours_per_day)
        dossiers = dossiers.filter(urgency_filter(filters["urgency"], now, soon_limit))
    query = (filters.get("q") or "").strip()
    if query and any(ch.isdigit() for ch in query):
        dossiers = dossiers.filter(code__icontains=query)
    if query and not any(ch.isdigit() for ch in query):
        # Names are matched without diacritics ("nguyen van an" finds "Nguyễn Văn An"), which the database
        # cannot do on both engines: only (id, name) of the NAME_CANDIDATES most urgent are read and folded.
        candidates = QueueRows(dossiers.only("id", "code", "applicant_name"), filters)[:NAME_CANDIDATES]
        dossiers = dossiers.filter(id__in=[d.pk for d in candidates if matches(query, d.code, d.applicant_name)])
    return dossiers


class QueueRows:
    """The queue's order as a sequence for the paginator: the open dossiers by (due_at, id), then the others
    (resolved, and ended ones when shown) by (due_at, id).

    One ORDER BY over "open first" would make the database sort every selected row for each page; each part
    is read instead in the order of its own index and counted apart, so a page costs its rows (and the
    offset) whatever the size of the record.
    """

    def __init__(self, dossiers, filters: dict):
        self.dossiers = dossiers
        # Each part names its statuses (not "not open"), so that the database finds the index made for it.
        shown = shown_statuses(filters)
        self.statuses = ([s for s in shown if s in OPEN_STATUSES], [s for s in shown if s not in OPEN_STATUSES])
        self.parts = [dossiers.filter(status__in=statuses).order_by("due_at", "id") for statuses in self.statuses]
        self._counts = None

    def counts(self) -> list[int]:
        """The size of each part, in one query."""
        if self._counts is None:
            shown = [s for statuses in self.statuses for s in statuses]
            found = self.dossiers.filter(status__in=shown).order_by().aggregate(
                **{f"part{i}": Count("status", filter=Q(status__in=statuses))
                   for i, statuses in enumerate(self.statuses) if statuses})
            self._counts = [found.get(f"part{i}", 0) for i in range(len(self.parts))]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list:
        """The rows of [start, stop) (the paginator and the name search always give both ends)."""
        start, stop = window.start or 0, window.stop
        found = []
        for part, size in zip(self.parts, self.counts(), strict=True):
            if start < size and stop > 0:
                found += self._rows(part, size, start, min(stop, size))
            start, stop = max(start - size, 0), stop - size
        return found

    @staticmethod
    def _rows(part, size: int, start: int, stop: int) -> list:
        """Rows [start, stop) of one part. A small part (an officer's unit) is ordered here from its
        (due_at, id) pairs, then its page read by id: with LIMIT, PostgreSQL would rather walk the whole
        province's part along the due index and filter it by the officer's scope."""
        if size > SMALL_PART:
            return list(part[start:stop])
        keys = sorted(part.order_by().values_list("due_at", "id"))[start:stop]
        rows = part.filter(pk__in=[pk for _due, pk in keys]).in_bulk()
        return [rows[pk] for _due, pk in keys if pk in rows]


@office_required
def queue(request):
    tab = request.GET.get("tab")
    tab = tab if tab in dict(QueueFilterForm.TABS) else default_tab(request.user)
    form = QueueFilterForm(request.GET or None, initial={"tab": tab}, statuses=list(Status))
    filters = form.cleaned_data if form.is_valid() else {}
    calendars, now = CalendarBook(), timezone.now()
    unit = unit_of(request.user)
    calendar = calendars.for_unit(unit.code) if unit is not None else calendars.default
    dossiers = queue_dossiers(request.user, {**filters, "tab": tab}, now, calendar)
    page = Paginator(QueueRows(dossiers.select_related("procedure", "unit", "holder", "assignee__membership")
                               .prefetch_related("pauses"), filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [(d, clock_of(d, calendars.for_unit(d.unit.code), now, pauses=d.pauses.all()))
                        for d in page.object_list]
    mark_unsynced([dossier for dossier, _clock in page.object_list])
    params = request.GET.copy()
    params.pop("page", None)
    tab_params = request.GET.copy()
    for key in ("page", "tab"):
        tab_params.pop(key, None)
    tabs = [(key, label, key == tab) for key, label in QueueFilterForm.TABS]
    return render(request, "office/queue.html", {
        "form": form, "page": page, "params": params.urlencode(), "tab_params": tab_params.urlencode(),
        "tabs": tabs, "tab": tab, "now": now})
