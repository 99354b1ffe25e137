"""The database record as the reference engine's `Record`: the from-scratch recompute path.

It reads every row, so it is the slow, obviously-correct path that the live aggregates are checked
against, not the one pages use. The row converters are shared with `members`, which builds the same
records for one unit's subtree and one period to list the items behind a number.
"""

from motcua.catalog.models import Authority as AuthorityRow
from motcua.catalog.models import Procedure as ProcedureRow
from motcua.dossiers.constants import CHANNEL_NAMES, PauseKind
from motcua.dossiers.models import Dossier as DossierRow
from motcua.dossiers.models import DossierPause
from motcua.feedback.models import Feedback as FeedbackRow
from motcua.indicators import records as rec
from motcua.units.models import Unit as UnitRow

CHUNK = 20000
DOSSIER_FIELDS = ("id", "code", "procedure_id", "unit_id", "received_by_id", "channel", "full_online",
                  "received_at", "due_at", "resolved_at", "returned_at", "ended", "ended_at", "synced_at",
                  "fee_vnd", "paid_online_at", "digitized", "e_result_code", "e_result_issued_at", "reused_data",
                  "from_data_store", "result_to_data_store", "citizen_data", "rating", "complaint")
_NO_PAUSES = {"supplements": [], "fee_waits": []}


def pauses_by_dossier(dossiers=None) -> dict[int, dict[str, list]]:
    """Supplements and fee waits per dossier id, in request order (of `dossiers`, a queryset, or all)."""
    found: dict[int, dict[str, list]] = {}
    rows = DossierPause.objects.all()
    if dossiers is not None:
        rows = rows.filter(dossier__in=dossiers)
    rows = rows.order_by("requested_at", "id").values_list("dossier_id", "kind", "requested_at", "completed_at")
    for dossier_id, kind, requested, completed in rows.iterator(chunk_size=CHUNK):
        key = "supplements" if kind == PauseKind.SUPPLEMENT else "fee_waits"
        found.setdefault(dossier_id, {"supplements": [], "fee_waits": []})[key].append((requested, completed))
    return found


def dossier_record(d: dict, pauses: dict[int, dict[str, list]], unit_codes: dict[int, str],
                   procedure_codes: dict[int, str]) -> rec.Dossier:
    """One dossier row (a dict of `DOSSIER_FIELDS`) as the engine's record."""
    mine = pauses.get(d["id"], _NO_PAUSES)
    return rec.Dossier(
        code=d["code"], procedure=procedure_codes[d["procedure_id"]], unit=unit_codes[d["unit_id"]],
        received_by=unit_codes[d["received_by_id"]], channel=CHANNEL_NAMES[d["channel"]],
        full_online=d["full_online"], received_at=d["received_at"], due_at=d["due_at"],
        supplements=tuple(mine["supplements"]), fee_waits=tuple(mine["fee_waits"]),
        resolved_at=d["resolved_at"], returned_at=d["returned_at"], ended=d["ended"] or None,
        ended_at=d["ended_at"], synced_at=d["synced_at"], fee_vnd=d["fee_vnd"],
        paid_online_at=d["paid_online_at"], digitized=d["digitized"],
        e_result=rec.EResult(d["e_result_code"], d["e_result_issued_at"]) if d["e_result_code"] else None,
        reused_data=d["reused_data"], from_data_store=d["from_data_store"],
        result_to_data_store=d["result_to_data_store"], citizen_data=d["citizen_data"],
        rating=d["rating"] or None, complaint=d["complaint"])


def dossier_records(dossiers, unit_codes: dict[int, str], procedure_codes: dict[int, str]) -> list[tuple[int, rec.Dossier]]:
    """(id, record) for each row of the `dossiers` queryset, with their pauses, in file order."""
    pauses = pauses_by_dossier(dossiers)
    rows = dossiers.order_by("position", "id").values_list(*DOSSIER_FIELDS).iterator(chunk_size=CHUNK)
    return [(row[0], dossier_record(dict(zip(DOSSIER_FIELDS, row, strict=True)), pauses, unit_codes,
                                    procedure_codes)) for row in rows]


def unit_records(units=None) -> tuple[rec.Unit, ...]:
    """The units as records; `units` may be rows already read with their parents."""
    if units is None:
        units = UnitRow.objects.select_related("parent").order_by("position", "id")
    return tuple(rec.Unit(u.code, u.name, u.kind, u.parent.code if u.parent else None, u.e_certified_copy)
                 for u in units)


def procedure_record(p: ProcedureRow) -> rec.Procedure:
    return rec.Procedure(
        code=p.code, name=p.name, field=p.field, level=p.level, time_limit=p.time_limit,
        time_unit=p.time_unit, fee_vnd=p.fee_vnd, written_result=p.written_result,
        online_level=p.online_level, full_online_eligible=p.full_online_eligible,
        for_citizens=p.for_citizens, decision_date=p.decision_date,
        legal_effective_date=p.legal_effective_date, published_at=p.published_at,
        parts_complete=p.parts_complete, fee_integrated=p.fee_integrated)


def feedback_record(f: FeedbackRow, unit_codes: dict[int, str]) -> rec.Feedback:
    return rec.Feedback(
        code=f.code, unit=unit_codes[f.unit_id], received_at=f.received_at, refused_at=f.refused_at,
        answered_at=f.answered_at, published_at=f.published_at, rating=f.rating or None,
        raised_again=f.raised_again)


def record_from_db() -> rec.Record:
    unit_codes = dict(UnitRow.objects.values_list("id", "code"))
    procedures = list(ProcedureRow.objects.order_by("position", "id"))
    procedure_codes = {p.id: p.code for p in procedures}
    pauses = pauses_by_dossier()
    rows = DossierRow.objects.order_by("position", "id").values_list(*DOSSIER_FIELDS).iterator(chunk_size=CHUNK)
    dossiers = [dossier_record(dict(zip(DOSSIER_FIELDS, row, strict=True)), pauses, unit_codes, procedure_codes)
                for row in rows]
    return rec.Record(
        units=unit_records(),
        procedures=tuple(procedure_record(p) for p in procedures),
        authority=tuple(rec.Authority(unit_codes[u], procedure_codes[p]) for u, p in
                        AuthorityRow.objects.order_by("position", "id").values_list("unit_id", "procedure_id")),
        dossiers=tuple(dossiers),
        feedback=tuple(feedback_record(f, unit_codes) for f in FeedbackRow.objects.order_by("position", "id")),
    )
