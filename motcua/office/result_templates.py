"""Each procedure's result document from its template (motcua/results/templates.py): loading the templates,
choosing a procedure's latest one, and the values of one dossier that fill it.

Loading is idempotent like the application forms': a template equal to its procedure's latest version
changes nothing, a different one becomes the next version. Every `answers.<field>` a template reads must
be a field of the procedure's latest application form (when the procedure has one), so a renamed form
field is caught when the templates are loaded, not when a leader signs.
"""

from datetime import datetime
from pathlib import Path

from django.db import transaction

from motcua.applications.definitions import latest as latest_form
from motcua.applications.definitions import spec_of
from motcua.applications.models import Submission
from motcua.catalog.models import Procedure, ResultTemplate
from motcua.catalog.versions import latest_version, load_entries, store_version
from motcua.dossiers.models import Dossier
from motcua.lib.workingtime import LOCAL_TZ
from motcua.office.models import DossierResult
from motcua.results import templates

TEMPLATES_FILE = Path(templates.__file__).resolve().parent / "data" / "result_templates.json"


def form_field_names(procedure: Procedure) -> set[str] | None:
    """The field names of the procedure's latest application form, or None when it has no form."""
    form = latest_form(procedure)
    return None if form is None else {f.name for f in spec_of(form).fields}


def latest(procedure: Procedure) -> ResultTemplate | None:
    return latest_version(ResultTemplate, procedure)


def template_for(procedure: Procedure) -> templates.ResultTemplate | None:
    """The procedure's latest template, parsed; None: the generic result is used."""
    stored = latest(procedure)
    return None if stored is None else templates.parse(stored.definition)


def store(procedure: Procedure, definition: dict, source: str) -> tuple[ResultTemplate, bool]:
    """Check `definition` against the procedure's form and store it as the next version if it changed."""
    definition = {k: v for k, v in definition.items() if k != "procedure"}
    templates.parse(definition, form_field_names(procedure))  # refuse a broken template before it is stored
    return store_version(ResultTemplate, procedure, definition, source)


@transaction.atomic
def load_templates(path: Path = TEMPLATES_FILE) -> dict[str, int]:
    """Store the file's templates (load the application forms first: answers are checked against them).
    Returns counts: {"created": n, "unchanged": n, "missing_procedure": n}. A broken entry stops the load
    with a TemplateError naming the entry and the field, and nothing is stored."""
    counts, _ = load_entries(path, lambda procedure, entry: store(procedure, entry, path.name)[1],
                             templates.TemplateError)
    return counts


def register_number(dossier: Dossier, at: datetime) -> int:
    """The result's number in its unit's book for this procedure and year (sổ đăng ký): the results the unit
    signed for the procedure earlier in the same year, plus one. Signed results keep the number they had."""
    signed = DossierResult.objects.filter(dossier=dossier).values_list("issued_at", flat=True).first()
    moment = signed or at
    year = moment.astimezone(LOCAL_TZ).year
    start = datetime(year, 1, 1, tzinfo=LOCAL_TZ)
    earlier = DossierResult.objects.filter(dossier__unit_id=dossier.unit_id, dossier__procedure_id=dossier.procedure_id,
                                           issued_at__gte=start, issued_at__lt=moment).exclude(dossier=dossier)
    return earlier.count() + 1


def values_for(dossier: Dossier, code: str, at: datetime, approver: str | None, result_text: str) -> dict:
    """What a template may print for this dossier (templates.VALUE_NAMES and `answers.<field>`)."""
    submission = Submission.objects.filter(dossier=dossier).first()
    local = at.astimezone(LOCAL_TZ)
    values = {
        "dossier.code": dossier.code,
        "dossier.received_at": dossier.received_at,
        "dossier.applicant_name": dossier.applicant_name,
        "dossier.applicant_id_number": dossier.applicant_id_number,
        "dossier.applicant_address": dossier.applicant_address,
        "dossier.applicant_phone": dossier.applicant_phone,
        "dossier.fee": dossier.fee_vnd,
        "procedure.code": dossier.procedure.code,
        "procedure.name": dossier.procedure.name,
        "unit.name": dossier.unit.name,
        "unit.parent_name": dossier.unit.parent.name if dossier.unit.parent_id else "",
        "received_by.name": dossier.received_by.name,
        "result.code": code,
        "result.number": str(register_number(dossier, at)),
        "result.book": f"01/{local.year}",
        "result.date": local.date(),
        "result.text": result_text,
        "result.signer": approver or "",
    }
    for name, value in (submission.answers if submission is not None else {}).items():
        values[f"{templates.ANSWER_PREFIX}{name}"] = value
    return values
