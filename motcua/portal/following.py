"""What a citizen sees of his dossier: its clock, its history in plain words, what is asked of him.
Plain functions over the models; the views only render them."""

from dataclasses import dataclass
from datetime import datetime

from motcua.dossiers.constants import PauseKind, Status
from motcua.dossiers.lifecycle import ACTION_LABELS
from motcua.office.clock import clock_of
from motcua.units.calendars import CalendarBook

# The history a citizen reads: every event but the internal ones (who was assigned inside the unit).
INTERNAL_ACTIONS = frozenset({"assign"})


@dataclass(frozen=True)
class Step:
    at: datetime
    label: str
    note: str
    status: int


def history(dossier) -> list[Step]:
    steps = []
    for event in dossier.events.order_by("at", "id"):
        if event.action in INTERNAL_ACTIONS:
            continue
        note = event.note if event.action in ("request_supplement", "request_fees", "refuse", "apologize",
                                              "stop", "withdraw") else ""
        label = ACTION_LABELS.get(event.action, event.action)
        if event.action == "create" and event.data.get("assisted_by"):
            label = "Nộp trực tuyến có hỗ trợ tại Bộ phận Một cửa"
        elif event.action == "create":
            label = "Nộp hồ sơ trực tuyến"
        steps.append(Step(event.at, str(label), note, event.new_status))
    return steps


def open_request(dossier, kind: str):
    """The open supplement request or fee wait of the dossier (the pause row), or None."""
    return dossier.pauses.filter(kind=kind, completed_at__isnull=True).order_by("-requested_at").first()


def apology(dossier):
    """The latest apology and new appointment (event), or None."""
    return dossier.events.filter(action="apologize").order_by("-at", "-id").first()


def clock(dossier, now: datetime, book: CalendarBook | None = None):
    """The dossier's clock; a list passes one `book` for all its rows (a book reads every unit's calendar)."""
    return clock_of(dossier, (book or CalendarBook()).for_unit(dossier.unit.code), now)


def waiting_for_citizen(dossier) -> str:
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return PauseKind.SUPPLEMENT
    if dossier.status == Status.WAITING_FEES:
        return PauseKind.FEE_WAIT
    return ""


LOOKUP_DIGITS = 4


def look_up(code: str, digits: str):
    """The public look-up: the dossier whose code is `code` and whose applicant's identity number or phone
    ends with the `digits` given (exactly LOOKUP_DIGITS), else None. Only its status is shown."""
    from motcua.dossiers.models import Dossier

    code, digits = (code or "").strip(), (digits or "").strip()
    if not code or len(digits) != LOOKUP_DIGITS or not digits.isdigit():
        return None
    dossier = Dossier.objects.filter(code=code).only("code", "status", "applicant_id_number", "applicant_phone"
                                                     ).first()
    if dossier is None:
        return None
    if dossier.applicant_id_number.endswith(digits) or dossier.applicant_phone.replace(" ", "").endswith(digits):
        return dossier
    return None
