"""`motcua import DIR`: validate a whole exchange-format folder, then write all of it or nothing.

Pass 1 reads every file and collects every problem (file, line, field) without touching the database.
Pass 2 runs in one transaction and upserts by code, so importing the same folder again changes nothing
and never duplicates (a folder already imported, by its digest, is not read again; a dossier whose
columns are all unchanged keeps its status and version and gets no event). Dossier lines are parsed
twice rather than held in memory, so a folder of millions of dossiers imports in bounded memory.

Each dossier row gets its status, version and batch from the lifecycle's bulk entry point
(`lifecycle.ImportedDossiers`), which also writes the "import" events of the dossiers the import creates
or changes; this module writes no status of its own.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import DateTimeField, Max

from motcua.catalog.deadlines import DeadlinePolicy, ProcedureLimit
from motcua.catalog.models import Authority, Procedure
from motcua.changes.tracking import record_replaced
from motcua.dossiers.constants import CHANNEL_BY_NAME, PauseKind
from motcua.dossiers.lifecycle import IMPORT_FIELDS, ImportedDossiers, Previous
from motcua.dossiers.models import Dossier, DossierCodeSequence, DossierEvent, DossierPause
from motcua.feedback.models import Feedback
from motcua.interchange import reading as r
from motcua.interchange import schema as s
from motcua.interchange.bulkload import secondary_indexes_dropped
from motcua.interchange.dossier_check import check_dossiers
from motcua.interchange.models import ImportBatch
from motcua.lib.dossier_codes import parse_dossier_code
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit

CHUNK = 5000
SQLITE_IMPORT_CACHE_KIB = 256 * 1024  # page cache while writing dossiers (SQLite only)
# An initial load at least this large builds the dossier indexes after writing the rows (bulkload.py).
BULK_LOAD_MIN_ROWS = 50_000
# The columns an import writes from a dossier's line: a dossier is changed by a re-import when one of
# them (or its pauses) differs from the line.
DOSSIER_FACT_FIELDS = [
    "procedure", "unit", "received_by", "channel", "full_online", "received_at", "due_at",
    "due_given", "resolved_at", "returned_at", "ended", "ended_at", "synced_at", "fee_vnd", "paid_online_at",
    "digitized", "e_result_code", "e_result_issued_at", "reused_data", "from_data_store",
    "result_to_data_store", "citizen_data", "rating", "complaint", "holder",
]
_FACT_ATTNAMES = [Dossier._meta.get_field(name).attname for name in DOSSIER_FACT_FIELDS]
# What the upsert of an existing code updates: the facts, the lifecycle's columns and the file order.
DOSSIER_UPDATE_FIELDS = [*DOSSIER_FACT_FIELDS, *IMPORT_FIELDS, "position"]


@dataclass
class ImportResult:
    batch: ImportBatch | None
    counts: dict = field(default_factory=dict)
    already_imported: bool = False


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in r.FILES:
        path = folder / name
        digest.update(name.encode())
        if path.exists():
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


class _Validated:
    """What pass 1 learnt: the catalog rows (small, kept) and the dossier/feedback line counts."""

    def __init__(self):
        self.units: list[dict] = []
        self.procedures: list[dict] = []
        self.authority: list[tuple[str, str]] = []
        self.dossier_lines = 0
        self.feedback_lines = 0


def validate_folder(folder: Path, progress: Callable | None = None) -> _Validated:
    """Pass 1: every problem of every file, or the catalog rows to write."""
    log = r.ProblemLog()
    folder = Path(folder)
    if not folder.is_dir():
        raise r.ImportFailed([r.Problem(str(folder), 0, "(thư mục)", "không tìm thấy thư mục")])
    for name in r.FILES:
        if not (folder / name).exists():
            log.add(name, 0, "(tệp)", "thiếu tệp bắt buộc")
    log.raise_if_any()

    result = _Validated()
    unit_codes = set(Unit.objects.values_list("code", flat=True))
    file_units = {}
    for line, row in r.read_csv(folder / "units.csv", s.UNITS, log):
        try:
            unit = r.parse_unit(row)
        except s.FieldError as exc:
            log.add("units.csv", line, exc.field, exc.message)
            continue
        if unit["code"] in file_units:
            log.add("units.csv", line, "code", f"mã đơn vị {unit['code']} bị trùng")
            continue
        file_units[unit["code"]] = line
        result.units.append(unit)
    unit_codes |= set(file_units)
    for unit in result.units:
        if unit["parent_code"] and unit["parent_code"] not in unit_codes:
            log.add("units.csv", file_units[unit["code"]], "parent_code",
                    f"không có đơn vị cấp trên mã {unit['parent_code']}")

    procedure_codes = set(Procedure.objects.values_list("code", flat=True))
    seen = set()
    for line, row in r.read_csv(folder / "procedures.csv", s.PROCEDURES, log):
        try:
            procedure = r.parse_procedure(row)
        except s.FieldError as exc:
            log.add("procedures.csv", line, exc.field, exc.message)
            continue
        if procedure["code"] in seen:
            log.add("procedures.csv", line, "code", f"mã thủ tục {procedure['code']} bị trùng")
            continue
        seen.add(procedure["code"])
        result.procedures.append(procedure)
    procedure_codes |= seen

    pairs = set()
    for line, row in r.read_csv(folder / "authority.csv", s.AUTHORITY, log):
        pair = (row["unit_code"], row["procedure_code"])
        if pair[0] not in unit_codes:
            log.add("authority.csv", line, "unit_code", f"không có đơn vị mã {pair[0]}")
        elif pair[1] not in procedure_codes:
            log.add("authority.csv", line, "procedure_code", f"không có thủ tục mã {pair[1]}")
        elif pair in pairs:
            log.add("authority.csv", line, "unit_code", "dòng thẩm quyền bị trùng")
        else:
            pairs.add(pair)
            result.authority.append(pair)

    result.dossier_lines = check_dossiers(folder / "dossiers.jsonl", unit_codes, procedure_codes, log, progress)

    codes = set()
    for line, obj in r.read_jsonl(folder / "feedback.jsonl", s.FEEDBACK_KEYS, log):
        result.feedback_lines += 1
        try:
            item = r.parse_feedback(obj)
        except s.FieldError as exc:
            log.add("feedback.jsonl", line, exc.field, exc.message)
            continue
        if item["unit"] not in unit_codes:
            log.add("feedback.jsonl", line, "unit", f"không có đơn vị mã {item['unit']}")
        if item["code"] in codes:
            log.add("feedback.jsonl", line, "code", f"mã phản ánh {item['code']} bị trùng")
        codes.add(item["code"])
    log.raise_if_any()
    return result


def import_folder(folder, progress_factory: Callable | None = None) -> ImportResult:
    """Import `folder` whole or not at all. `progress_factory(total, desc)` returns a progress callback."""
    folder = Path(folder)
    digest = folder_digest(folder) if folder.is_dir() else ""
    if digest and ImportBatch.objects.filter(digest=digest).exists():
        return ImportResult(batch=ImportBatch.objects.filter(digest=digest).first(), already_imported=True)
    validated = validate_folder(folder, progress=_progress(progress_factory, None, "Kiểm tra hồ sơ"))
    with transaction.atomic():
        batch = ImportBatch.objects.create(folder=str(folder), digest=digest)
        units = _write_units(validated.units)
        procedures = _write_procedures(validated.procedures)
        _write_authority(validated.authority, units, procedures)
        dossiers = _write_dossiers(folder, ImportedDossiers(batch, at=batch.imported_at), units, procedures,
                                   _progress(progress_factory, validated.dossier_lines, "Ghi hồ sơ"),
                                   expected_lines=validated.dossier_lines)
        feedback = _write_feedback(folder, units)
        batch.counts = {"units": len(validated.units), "procedures": len(validated.procedures),
                        "authority": len(validated.authority), "dossiers": dossiers, "feedback": feedback}
        batch.save(update_fields=["counts"])
        # Last, so that the clock row is locked only for the commit: the live index rebuilds once.
        record_replaced()
    return ImportResult(batch=batch, counts=batch.counts)


def _progress(factory, total, desc):
    return factory(total, desc) if factory else None


def _write_units(rows: list[dict]) -> dict[str, Unit]:
    existing = {u.code: u for u in Unit.objects.all()}
    for index, row in enumerate(rows):
        unit = existing.get(row["code"]) or Unit(code=row["code"])
        unit.name, unit.kind, unit.e_certified_copy = row["name"], row["kind"], row["e_certified_copy"]
        unit.position = index
        unit.parent = None if row["parent_code"] is None else unit.parent
        unit.save()
        existing[unit.code] = unit
    for row in rows:  # parents may come later in the file than their children
        if row["parent_code"]:
            unit = existing[row["code"]]
            unit.parent = existing[row["parent_code"]]
            unit.save(update_fields=["parent"])
    return existing


def _write_procedures(rows: list[dict]) -> dict[str, Procedure]:
    existing = {p.code: p for p in Procedure.objects.all()}
    for index, row in enumerate(rows):
        procedure = existing.get(row["code"]) or Procedure(code=row["code"])
        for key, value in row.items():
            setattr(procedure, key, value)
        procedure.position = index
        procedure.save()
        existing[procedure.code] = procedure
    return existing


def _write_authority(pairs, units, procedures):
    existing = set(Authority.objects.values_list("unit__code", "procedure__code"))
    Authority.objects.bulk_create([
        Authority(unit=units[u], procedure=procedures[p], position=index)
        for index, (u, p) in enumerate(pairs) if (u, p) not in existing
    ])


def _write_dossiers(folder: Path, ledger: ImportedDossiers, units, procedures, progress,
                    expected_lines: int = 0) -> int:
    """Write every dossier line, in chunks: new codes by the fast INSERT (COPY on PostgreSQL), a chunk
    with existing codes by the ORM upsert. `ledger` (the lifecycle) gives each row its status, version and
    batch, and writes the events."""
    policy = DeadlinePolicy(CalendarBook(units.values()))
    limits = {code: ProcedureLimit.of(p) for code, p in procedures.items()}
    existing_codes = set(Dossier.objects.values_list("code", flat=True))
    base = (Dossier.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    unit_ids = {code: u.pk for code, u in units.items()}
    procedure_ids = {code: p.pk for code, p in procedures.items()}
    inserts = {model: _PlainInsert(model) for model in (Dossier, DossierPause, DossierCodeSequence)}
    chunk, pauses, again, count, sequences = [], {}, {}, 0, {}
    # A large load into an empty table builds the indexes after writing, those of the events table too
    # (without dossiers there are no events: the lifecycle writes one per dossier, at the end).
    bulk = not existing_codes and expected_lines >= BULK_LOAD_MIN_ROWS
    with inserts[Dossier].large_cache(), secondary_indexes_dropped(Dossier, enabled=bulk), \
            secondary_indexes_dropped(DossierEvent, enabled=bulk):
        for line, d in _validated_dossiers(folder / "dossiers.jsonl"):
            values = _dossier_values(d, unit_ids, procedure_ids, limits, policy)
            values["position"] = base + line
            chunk.append(values)
            if d["code"] in existing_codes:
                again[d["code"]] = d  # the ledger is told once the chunk's previous rows are read
            else:
                ledger.new(values, d)
                if d["supplements"] or d["fee_waits"]:
                    pauses[d["code"]] = d
            _note_sequence(sequences, d["code"])
            if len(chunk) >= CHUNK:
                count += _flush_dossiers(chunk, pauses, again, ledger, inserts)
                if progress:
                    progress(len(chunk))
                chunk, pauses, again = [], {}, {}
        if chunk:
            count += _flush_dossiers(chunk, pauses, again, ledger, inserts)
            if progress:
                progress(len(chunk))
        _bump_sequences(sequences, inserts[DossierCodeSequence])
        ledger.finish()
    return count


_TIMESTAMP_KEYS = ("received_at", "due_at", "resolved_at", "returned_at", "ended_at", "synced_at", "paid_online_at")


def _validated_dossiers(path: Path):
    """Pass 2's reading of dossiers.jsonl: (line number, the dict `reading.parse_dossier` returns).

    Pass 1 proved that every line is an object with exactly the format's keys and values of the right
    types, so this only converts: timestamps to datetimes, intervals and the e-result to tuples. It skips
    the checks that made reading the file twice cost as much as writing it. Line numbers count blank
    lines, as `reading.read_jsonl` does, because they become the dossiers' positions.
    """
    iso = datetime.fromisoformat
    loads = json.loads
    with path.open(encoding="utf-8") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            d = loads(text)
            for key in _TIMESTAMP_KEYS:
                if d[key] is not None:
                    d[key] = iso(d[key])
            for key in ("supplements", "fee_waits"):
                if d[key]:
                    d[key] = [(iso(i["requested_at"]), None if i["completed_at"] is None else iso(i["completed_at"]))
                              for i in d[key]]
            if d["e_result"] is not None:
                d["e_result"] = (d["e_result"]["code"], iso(d["e_result"]["issued_at"]))
            yield line, d


def _dossier_values(d: dict, unit_ids: dict, procedure_ids: dict, limits, policy) -> dict:
    """The dossier's column values by attribute name (`unit_id`, not `unit`), ready for either write path
    once the lifecycle has set its status, version and batch."""
    due_at, due_given = d["due_at"], d["due_at"] is not None
    if due_at is None:
        due_at = policy.due(limits[d["procedure"]], d["unit"], d["received_at"], d["channel"] == "online")
    e_code, e_issued = d["e_result"] or ("", None)
    return dict(
        code=d["code"], procedure_id=procedure_ids[d["procedure"]], unit_id=unit_ids[d["unit"]],
        received_by_id=unit_ids[d["received_by"]], channel=CHANNEL_BY_NAME[d["channel"]],
        full_online=d["full_online"], received_at=d["received_at"], due_at=due_at, due_given=due_given,
        resolved_at=d["resolved_at"], returned_at=d["returned_at"], ended=d["ended"] or "", ended_at=d["ended_at"],
        synced_at=d["synced_at"],
        fee_vnd=d["fee_vnd"], paid_online_at=d["paid_online_at"], digitized=d["digitized"],
        e_result_code=e_code, e_result_issued_at=e_issued, reused_data=d["reused_data"],
        from_data_store=d["from_data_store"], result_to_data_store=d["result_to_data_store"],
        citizen_data=d["citizen_data"], rating=d["rating"] or "", complaint=d["complaint"],
        holder_id=unit_ids[d["unit"]],
    )


class _PlainInsert:
    """A plain multi-row INSERT of new rows of `model`: the rows `bulk_create` would write, without
    compiling the SQL and preparing every value through the field machinery once per row. That machinery
    alone held the dossier import under 5,000 rows per second; this is its hot path.

    Values are adapted the way the fields would: datetimes by the backend's adapter (SQLite stores them
    as naive UTC text, PostgreSQL takes them aware), other fields by `get_db_prep_save` unless they are
    plain text, numbers or booleans, which every backend takes as they are. Columns a row does not
    carry get their field default.
    """

    PLAIN = {"CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField", "SmallIntegerField",
             "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField", "ForeignKey"}

    def __init__(self, model):
        self.connection = connections[router.db_for_write(model)]
        ops, quote = self.connection.ops, self.connection.ops.quote_name
        adapt_datetime = ops.adapt_datetimefield_value
        if self.connection.vendor == "sqlite" and settings.USE_TZ and self.connection.timezone_name == "UTC":
            # What SQLite's adapter writes for an aware value (naive UTC text), without its per-call checks:
            # str() of an aware UTC datetime is the naive text plus "+00:00". parse_dossier only yields
            # aware datetimes.
            adapt_datetime = lambda value: str(value.astimezone(UTC))[:-6]  # noqa: E731
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.adapters = []  # (index in the row, adapter) for the values a backend cannot take as they are
        for index, f in enumerate(self.fields):
            if isinstance(f, DateTimeField):
                self.adapters.append((index, adapt_datetime))
            elif f.get_internal_type() not in self.PLAIN:
                self.adapters.append((index, lambda value, f=f: f.get_db_prep_save(value, self.connection)))
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in self.fields),
            ", ".join(["%s"] * len(self.fields)))
        self.row_of = itemgetter(*self.attnames)
        # PostgreSQL: COPY streams rows several times faster than a multi-row INSERT.
        self.copy_sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in self.fields))

    def rows(self, chunk: list[dict]) -> list[list]:
        """Rows in column order. Every dict of a chunk has the same keys; the columns they lack are
        added to them as their defaults."""
        if not chunk:
            return []
        missing = {a: v for a, v in self.defaults.items() if a not in chunk[0]}
        row_of, adapters, rows = self.row_of, self.adapters, []
        for values in chunk:
            if missing:
                values.update(missing)
            row = list(row_of(values))
            for index, adapt in adapters:
                value = row[index]
                if value is not None:
                    row[index] = adapt(value)
            rows.append(row)
        return rows

    def __call__(self, chunk: list[dict]):
        if not chunk:
            return
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows(chunk):
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, self.rows(chunk))

    @contextmanager
    def large_cache(self):
        """On SQLite, a page cache big enough for the dossier indexes while inserting: with the default
        2 MB, inserts into a dozen growing indexes thrash the cache and halve the throughput."""
        if self.connection.vendor != "sqlite":
            yield
            return
        with self.connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            previous = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
        try:
            yield
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _flush_dossiers(chunk: list[dict], pauses: dict, again: dict, ledger: ImportedDossiers,
                    inserts: dict) -> int:
    """Write one chunk. `pauses`: the new dossiers with pauses; `again`: the lines of existing codes."""
    replaced = []
    if again:
        previous = _previous(list(again))
        for values in chunk:
            d = again.get(values["code"])
            if d is None:
                continue
            row, old_pauses = previous[values["code"]]
            changed = _changed(values, d, row, old_pauses)
            ledger.existing(values, d, Previous(row["pk"], row["status"], row["version"]), changed)
            if changed:
                pauses[d["code"]] = d
                replaced.append(row["pk"])
        Dossier.objects.bulk_create([Dossier(**v) for v in chunk], update_conflicts=True, unique_fields=["code"],
                                    update_fields=DOSSIER_UPDATE_FIELDS)
    else:
        inserts[Dossier](chunk)
    if replaced:
        DossierPause.objects.filter(dossier_id__in=replaced).delete()
    if pauses:
        ids = dict(Dossier.objects.filter(code__in=list(pauses)).values_list("code", "id"))
        inserts[DossierPause]([
            {"dossier_id": ids[code], "kind": kind, "requested_at": requested, "completed_at": completed}
            for code, d in pauses.items()
            for kind, key in ((PauseKind.SUPPLEMENT, "supplements"), (PauseKind.FEE_WAIT, "fee_waits"))
            for requested, completed in d[key]
        ])
    return len(chunk)


def _previous(codes: list[str]) -> dict[str, tuple[dict, Counter]]:
    """What the database holds of these dossiers (two queries), locked until the import commits: an
    officer's transition waits for it, then finds the version the import left."""
    locked = Dossier.objects.select_for_update().filter(code__in=codes).order_by()
    rows = {row["code"]: row for row in locked.values("pk", "code", "status", "version", *_FACT_ATTNAMES)}
    pauses = {row["pk"]: Counter() for row in rows.values()}
    stored = DossierPause.objects.filter(dossier_id__in=list(pauses)).order_by()
    for dossier_id, kind, requested, completed in stored.values_list("dossier_id", "kind", "requested_at",
                                                                      "completed_at"):
        pauses[dossier_id][(kind, requested, completed)] += 1
    return {code: (row, pauses[row["pk"]]) for code, row in rows.items()}


def _changed(values: dict, d: dict, row: dict, old_pauses: Counter) -> bool:
    """Whether writing `values` (and the pauses of line `d`) changes the stored dossier `row`."""
    if any(values[name] != row[name] for name in _FACT_ATTNAMES):
        return True
    kinds = ((PauseKind.SUPPLEMENT, "supplements"), (PauseKind.FEE_WAIT, "fee_waits"))
    return old_pauses != Counter((kind, requested, completed)
                                 for kind, key in kinds for requested, completed in d[key])


def _note_sequence(sequences: dict, code: str):
    try:
        unit_code, day, number = parse_dossier_code(code)
    except ValueError:
        return
    key = (unit_code, day)
    if number > sequences.get(key, 0):
        sequences[key] = number


def _bump_sequences(sequences: dict, insert: _PlainInsert | None = None):
    """Codes issued later must never reuse an imported code's number."""
    existing = {(q.unit_code, q.day): q for q in DossierCodeSequence.objects.filter(
        day__in={day for _unit, day in sequences})}
    new, changed = [], []
    for (unit_code, day), number in sequences.items():
        sequence = existing.get((unit_code, day))
        if sequence is None:
            new.append({"unit_code": unit_code, "day": day, "last": number})
        elif sequence.last < number:
            sequence.last = number
            changed.append(sequence)
    if insert is None:
        DossierCodeSequence.objects.bulk_create([DossierCodeSequence(**row) for row in new], batch_size=2000)
    else:
        insert(new)
    DossierCodeSequence.objects.bulk_update(changed, ["last"], batch_size=2000)


def _write_feedback(folder: Path, units) -> int:
    existing = {f.code: f for f in Feedback.objects.all()}
    log = r.ProblemLog()
    new, count = [], 0
    for line, obj in r.read_jsonl(folder / "feedback.jsonl", s.FEEDBACK_KEYS, log):
        row = r.parse_feedback(obj)
        item = existing.get(row["code"]) or Feedback(code=row["code"])
        item.unit = units[row["unit"]]
        for key in ("received_at", "refused_at", "answered_at", "published_at", "raised_again"):
            setattr(item, key, row[key])
        item.rating = row["rating"] or ""
        item.position = line
        if item.pk:
            item.save()
        else:
            new.append(item)
        count += 1
    Feedback.objects.bulk_create(new, batch_size=2000)
    return count
