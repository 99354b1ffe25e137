"""`motcua export DIR`: the whole record in the exchange format, in a canonical form.

Canonical form (so that export → import → export gives identical files): rows in the order they were
imported or created; timestamps in local time (+07:00) with seconds, microseconds only when not zero;
compact JSON with keys in the order of interchange.md; a `due_at` that the import computed is written as
null again, as it came.
"""

import csv
import json
from datetime import datetime
from pathlib import Path

from motcua.catalog.models import Authority, Procedure
from motcua.dossiers.constants import CHANNEL_NAMES, PauseKind
from motcua.dossiers.models import Dossier, DossierPause
from motcua.feedback.models import Feedback
from motcua.interchange import schema as s
from motcua.lib.workingtime import LOCAL_TZ
from motcua.units.models import Unit

CHUNK = 10000


def ts(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(LOCAL_TZ).isoformat()


def export_folder(folder) -> dict:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {
        "units": _write_units(folder / "units.csv"),
        "procedures": _write_procedures(folder / "procedures.csv"),
        "authority": _write_authority(folder / "authority.csv"),
        "dossiers": _write_dossiers(folder / "dossiers.jsonl"),
        "feedback": _write_feedback(folder / "feedback.jsonl"),
    }
    return counts


def _csv(path: Path, header, rows) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _write_units(path: Path) -> int:
    units = Unit.objects.select_related("parent").order_by("position", "id")
    return _csv(path, s.UNITS, (
        (u.code, u.name, u.kind, u.parent.code if u.parent else "", s.format_bool_csv(u.e_certified_copy))
        for u in units))


def _write_procedures(path: Path) -> int:
    b = s.format_bool_csv
    return _csv(path, s.PROCEDURES, (
        (p.code, p.name, p.field, p.level, s.format_decimal(p.time_limit), p.time_unit, p.fee_vnd,
         b(p.written_result), p.online_level, b(p.full_online_eligible), b(p.for_citizens),
         p.decision_date.isoformat(), p.legal_effective_date.isoformat(),
         p.published_at.isoformat() if p.published_at else "", b(p.parts_complete), b(p.fee_integrated))
        for p in Procedure.objects.order_by("position", "id")))


def _write_authority(path: Path) -> int:
    rows = Authority.objects.order_by("position", "id").values_list("unit__code", "procedure__code")
    return _csv(path, s.AUTHORITY, rows.iterator(chunk_size=CHUNK))


def _pauses_by_dossier(ids: list[int]) -> dict[int, dict[str, list]]:
    found: dict[int, dict[str, list]] = {}
    for p in DossierPause.objects.filter(dossier_id__in=ids).order_by("requested_at", "id"):
        key = "supplements" if p.kind == PauseKind.SUPPLEMENT else "fee_waits"
        found.setdefault(p.dossier_id, {"supplements": [], "fee_waits": []})[key].append(
            {"requested_at": ts(p.requested_at), "completed_at": ts(p.completed_at)})
    return found


def dossier_object(d: Dossier, unit_codes: dict, procedure_codes: dict, pauses: dict) -> dict:
    mine = pauses.get(d.id, {"supplements": [], "fee_waits": []})
    return {
        "code": d.code,
        "procedure": procedure_codes[d.procedure_id],
        "unit": unit_codes[d.unit_id],
        "received_by": unit_codes[d.received_by_id],
        "channel": CHANNEL_NAMES[d.channel],
        "full_online": d.full_online,
        "received_at": ts(d.received_at),
        "due_at": ts(d.due_at) if d.due_given else None,
        "supplements": mine["supplements"],
        "fee_waits": mine["fee_waits"],
        "resolved_at": ts(d.resolved_at),
        "returned_at": ts(d.returned_at),
        "ended": d.ended or None,
        "ended_at": ts(d.ended_at),
        "synced_at": ts(d.synced_at),
        "fee_vnd": d.fee_vnd,
        "paid_online_at": ts(d.paid_online_at),
        "digitized": d.digitized,
        "e_result": {"code": d.e_result_code, "issued_at": ts(d.e_result_issued_at)} if d.e_result_code else None,
        "reused_data": d.reused_data,
        "from_data_store": d.from_data_store,
        "result_to_data_store": d.result_to_data_store,
        "citizen_data": d.citizen_data,
        "rating": d.rating or None,
        "complaint": d.complaint,
    }


def _write_dossiers(path: Path) -> int:
    unit_codes = dict(Unit.objects.values_list("id", "code"))
    procedure_codes = dict(Procedure.objects.values_list("id", "code"))
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        last_key = None
        while True:
            page = Dossier.objects.order_by("position", "id")
            if last_key is not None:
                position, pk = last_key
                page = page.filter(position__gt=position) | page.filter(position=position, id__gt=pk)
            page = list(page[:CHUNK])
            if not page:
                break
            pauses = _pauses_by_dossier([d.id for d in page])
            for d in page:
                handle.write(json.dumps(dossier_object(d, unit_codes, procedure_codes, pauses),
                                        ensure_ascii=False, separators=(",", ":")))
                handle.write("\n")
            count += len(page)
            last_key = (page[-1].position, page[-1].id)
    return count


def _write_feedback(path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for f in Feedback.objects.select_related("unit").order_by("position", "id").iterator(chunk_size=CHUNK):
            handle.write(json.dumps({
                "code": f.code, "unit": f.unit.code, "received_at": ts(f.received_at),
                "refused_at": ts(f.refused_at), "answered_at": ts(f.answered_at),
                "published_at": ts(f.published_at), "rating": f.rating or None, "raised_again": f.raised_again,
            }, ensure_ascii=False, separators=(",", ":")))
            handle.write("\n")
            count += 1
    return count
