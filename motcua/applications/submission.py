"""Submitting an online application: the draft becomes a dossier in status 1 (Mới đăng ký) with its code
and due time at once, in one transaction, exactly once.

The due time is counted from the submission with the online reduction (`DeadlinePolicy`, `online=True`);
the desk of the chosen competent unit then receives or refuses it in the back office. The dossier's
digitisation facts follow from what the applicant really did: `citizen_data` when fields were filled from
the population data, `from_data_store` and `reused_data` when a stored result was attached.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from motcua.applications import formdef
from motcua.applications.definitions import spec_of
from motcua.applications.drafts import ApplicationError, competent_units
from motcua.applications.models import Draft, Submission
from motcua.catalog.deadlines import DeadlinePolicy, ProcedureLimit
from motcua.catalog.models import OnlineLevel
from motcua.dossiers.constants import Channel
from motcua.dossiers.lifecycle import create_dossier
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.numbering import next_dossier_code
from motcua.lib.workingtime import LOCAL_TZ


class IncompleteApplication(ApplicationError):
    """The application cannot be submitted yet; `errors` maps each field (or `component:<key>`) to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(f"Hồ sơ chưa đầy đủ: {len(errors)} mục cần bổ sung.")
        self.errors = errors


class AlreadySubmitted(ApplicationError):
    """The draft was submitted before (a double click, a resent form): no second dossier."""


@dataclass(frozen=True)
class Applicant:
    """Who files: the signed-in citizen's identifier and what the population data knows of him."""

    identifier: str  # 12-digit identity number, or a tax code
    known: dict


def check(draft: Draft, applicant: Applicant, today) -> tuple[dict, dict, dict]:
    """(values, prefilled values, errors) of the draft as it stands; errors empty when it can be submitted."""
    spec = spec_of(draft.form)
    values, errors = formdef.clean_answers(spec, draft.answers, applicant.known, today, complete=True)
    prefilled = formdef.prefilled_values(spec, applicant.known)
    attached = {a.component for a in draft.attachments.all()}
    for component in spec.components:
        if component.required and component.key not in attached:
            errors[f"component:{component.key}"] = "Vui lòng đính kèm thành phần hồ sơ này."
    if draft.unit_id is None:
        errors["unit"] = "Vui lòng chọn nơi giải quyết hồ sơ."
    elif not competent_units(draft.procedure).filter(pk=draft.unit_id).exists():
        errors["unit"] = "Đơn vị được chọn không giải quyết thủ tục này."
    return values, prefilled, errors


def _first(values: dict, known: dict, *names: str) -> str:
    for name in names:
        if values.get(name):
            return values[name]
        if known.get(name):
            return known[name]
    return ""


def submit(draft: Draft, applicant: Applicant, *, actor, signed_in_at: datetime | None = None,
           at: datetime | None = None) -> Dossier:
    """File the draft as a new online dossier (status 1). Whole or nothing; a second call for the same
    draft raises AlreadySubmitted and creates nothing."""
    at = at or timezone.now()
    with transaction.atomic():
        # The compare-and-update is the lock: of two simultaneous submissions only one gets the row.
        if Draft.objects.filter(pk=draft.pk, submitted_at__isnull=True).update(submitted_at=at) != 1:
            raise AlreadySubmitted("Hồ sơ này đã được nộp trước đó; không có hồ sơ nào được tạo thêm.")
        draft.refresh_from_db()
        values, prefilled, errors = check(draft, applicant, at.astimezone(LOCAL_TZ).date())
        if errors:
            raise IncompleteApplication(errors)
        procedure, unit = draft.procedure, draft.unit
        attachments = list(draft.attachments.all())
        spec = spec_of(draft.form)
        names = {c.key: c.name for c in spec.components}
        from_store = any(a.stored_result_code for a in attachments)
        due = DeadlinePolicy().due(ProcedureLimit.of(procedure), unit.code, at, online=True)
        known = applicant.known
        dossier = create_dossier(Dossier(
            code=next_dossier_code(unit.code, at.astimezone(LOCAL_TZ).date()),
            procedure=procedure, unit=unit, received_by=unit, channel=Channel.ONLINE,
            full_online=procedure.online_level == OnlineLevel.FULL, received_at=at, due_at=due, due_given=True,
            fee_vnd=procedure.fee_vnd, digitized=True, citizen_data=bool(prefilled),
            from_data_store=from_store, reused_data=from_store,
            applicant_name=_first(values, known, "organization_name", "full_name", "applicant_name"),
            applicant_id_number=applicant.identifier,
            applicant_phone=_first(values, known, "applicant_phone", "phone"),
            applicant_email=_first(values, known, "applicant_email", "email"),
            applicant_address=_first(values, known, "applicant_address", "address", "permanent_address")),
            "online", actor=actor, at=at,
            data={"unit": unit.code, "form_version": draft.form.version,
                  "assisted_by": draft.assisted_by.get_username() if draft.assisted_by else "",
                  "consent_at": draft.consent_at.isoformat() if draft.consent_at else ""}).dossier
        for attachment in attachments:
            row = DossierComponent(dossier=dossier, name=names.get(attachment.component, attachment.component),
                                   digitized=True, content_type=attachment.content_type,
                                   from_data_store=bool(attachment.stored_result_code))
            row.file.name = attachment.file.name
            row.save()
        seconds = None
        if signed_in_at is not None and signed_in_at <= at:
            seconds = int((at - signed_in_at).total_seconds())
        Submission.objects.create(dossier=dossier, procedure=procedure, form=draft.form, answers=values,
                                  prefilled=sorted(prefilled), submitted_at=at, signed_in_at=signed_in_at,
                                  seconds_from_sign_in=seconds, assisted_by=draft.assisted_by,
                                  consent_at=draft.consent_at)
        Draft.objects.filter(pk=draft.pk).update(dossier=dossier)
    return dossier
