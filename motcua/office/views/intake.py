"""The online intake queue (hàng đợi hồ sơ trực tuyến): the applications filed online (status 1) to the desk's
units, most urgent first by the same working-time clock as the work queue; the desk accepts or refuses each
on its dossier page. Also what the dossier page shows of an online application (`submitted_application`)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from motcua.applications.definitions import spec_of
from motcua.applications.formdef import DefinitionError
from motcua.applications.models import Submission
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.lib.vnformat import local_day
from motcua.lib.workingtime import LOCAL_TZ
from motcua.office.access import DESK, office_required, role_of, unit_ids_of
from motcua.office.clock import DONE, clock_of
from motcua.units.calendars import CalendarBook

PAGE_SIZE = 50
# As in the work queue: beyond this many, the ones with the earliest due times (the most urgent).
CANDIDATE_LIMIT = 5000


def submitted_text(at) -> str:
    """"05/11/2025 09:00" in Vietnam's time."""
    return f"{local_day(at)} {at.astimezone(LOCAL_TZ):%H:%M}"


def intake_dossiers(user):
    """The online submissions waiting at the user's desks: status 1, received by one of the user's units
    (through the one scoping method)."""
    return (Dossier.objects.visible_to(user)
            .filter(status=Status.SUBMITTED, received_by_id__in=unit_ids_of(user)))


def intake_rows(user, now):
    """(dossier, clock) of the waiting submissions, ordered as the work queue orders its rows."""
    candidates = list(intake_dossiers(user).select_related("procedure", "unit", "submission")
                      .prefetch_related("pauses").order_by("due_at", "id")[:CANDIDATE_LIMIT])
    calendars = CalendarBook()
    rows = [(d, clock_of(d, calendars.for_unit(d.unit.code), now, pauses=d.pauses.all())) for d in candidates]
    rows.sort(key=lambda row: (row[1].urgency == DONE, not row[1].late, row[1].remaining, row[0].code))
    return rows, len(candidates) >= CANDIDATE_LIMIT


@office_required
def intake(request):
    if role_of(request.user) not in DESK:
        raise PermissionDenied
    now = timezone.now()
    rows, truncated = intake_rows(request.user, now)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for dossier, _clock in page:
        submission = _submission_of(dossier)
        dossier.assisted = submission is not None and submission.assisted_by_id is not None
        dossier.submitted_text = submitted_text(submission.submitted_at if submission else dossier.received_at)
    return render(request, "office/intake.html", {"page": page, "truncated": truncated, "now": now})


def _submission_of(dossier):
    try:
        return dossier.submission
    except Submission.DoesNotExist:  # an online dossier imported or made before the portal existed
        return None


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    from_population_data: bool


@dataclass(frozen=True)
class SubmittedApplication:
    """What the dossier page shows of an application filed online."""

    submission: Submission
    title: str
    version: int
    answers: list[Answer]
    assisted_by_name: str


def _shown(kind: str, value) -> str:
    if kind == "checkbox":
        return "Có" if value in ("on", "true", "1", True) else "Không"
    return str(value) if value not in (None, "") else "—"


def submitted_application(dossier) -> SubmittedApplication | None:
    """The dossier's online application (answers labelled by its form version), or None if it has none."""
    submission = (Submission.objects.select_related("form", "assisted_by__membership")
                  .filter(dossier=dossier).first())
    if submission is None:
        return None
    prefilled = set(submission.prefilled)
    try:
        spec = spec_of(submission.form)
    except DefinitionError:  # a stored version that no longer reads: show the raw names rather than nothing
        spec = None
    answers = []
    if spec is not None:
        for field in spec.fields:
            if field.name in submission.answers:
                answers.append(Answer(field.label, _shown(field.type, submission.answers[field.name]),
                                      field.name in prefilled))
        known = {f.name for f in spec.fields}
    else:
        known = set()
    answers += [Answer(name, _shown("text", value), name in prefilled)
                for name, value in submission.answers.items() if name not in known]
    officer = submission.assisted_by
    name = ""
    if officer is not None:
        membership = getattr(officer, "membership", None)
        name = (membership.full_name if membership is not None and membership.full_name else officer.get_username())
    return SubmittedApplication(submission, spec.title if spec else "", submission.form.version, answers, name)
