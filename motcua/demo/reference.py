"""The demo's reference data in exchange-format shape: units, procedures and who may decide what.

Units: the province, its departments (`catalog/data/departments.csv`), the 92 communes and wards of
Thái Nguyên read at run time from the `vietnam-provinces` package (never typed by hand: the package is
the official list with its codes), and the internal offices of each (`catalog/data/offices.csv`).
Procedures come from `catalog/data/procedures.csv` as they are. Authority: a province-level procedure
belongs to the department whose fields include its field; a commune-level one to every commune.

Everything here is independent of the generator's seed: `load_reference()` and `generate()` write the
same rows, so importing a generated folder over a loaded reference changes nothing in the catalog.
"""

import csv
import json
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from motcua.interchange import schema as s

DATA_DIR = Path(__file__).resolve().parent.parent / "catalog" / "data"

PROVINCE_CODE = "19"  # Thái Nguyên's province code in the national list (and in vietnam-provinces)
PROVINCE_NAME = "UBND tỉnh Thái Nguyên"
COMMUNE_OFFICES_KEY = "COMMUNE"  # parent_key of offices.csv rows that every commune has
# Share of communes offering electronic certified copies (chứng thực bản sao điện tử), indicator 5.7.
E_CERTIFIED_COPY_SHARE = 0.70
CERTIFIED_COPY_FIELD = "Chứng thực"
SAME_DAY_CUTOFF = time(15, 0)
# Online reduction of time limits per year (rules.md "Online reduction").
ONLINE_REDUCTIONS = {2025: 20, 2026: 30}
ONLINE_REDUCTION_NOTE = "Kế hoạch thực hiện QĐ 1565 của tỉnh (seed 003)"


@dataclass(frozen=True)
class Department:
    key: str
    code: str
    name: str
    short_name: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Commune:
    code: str  # the ward code, 5 digits
    name: str  # "UBND Phường Phan Đình Phùng"
    package_name: str  # "Phường Phan Đình Phùng", as vietnam-provinces spells it
    is_ward: bool
    e_certified_copy: bool


@dataclass
class Reference:
    """The reference rows, in file order, plus the typed views the generator uses."""

    departments: list[Department]
    communes: list[Commune]
    units: list[dict]  # units.csv rows: code, name, kind, parent_code, e_certified_copy (bool)
    procedures: list[dict]  # procedures.csv rows, strings as in the file
    authority: list[tuple[str, str]]  # (unit_code, procedure_code)
    components: dict = field(default_factory=dict)  # components.json: {procedure code: [{name, required}]}


def _split_fields(text: str) -> tuple[str, ...]:
    for separator in ("|", ";"):
        if separator in text:
            return tuple(f.strip() for f in text.split(separator) if f.strip())
    return (text.strip(),) if text.strip() else ()


def _read_csv(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_departments() -> list[Department]:
    return [Department(key=row["key"], code=f"{PROVINCE_CODE}.{row['key']}", name=row["name"],
                       short_name=row.get("short_name", ""), fields=_split_fields(row.get("fields", "")))
            for row in _read_csv("departments.csv")]


def read_communes() -> list[Commune]:
    """The communes and wards of Thái Nguyên from `vietnam-provinces`, ordered by code.

    About 70% offer electronic certified copies: the communes with the smallest CRC32 of their code,
    a fixed choice that does not depend on any seed or on the package's iteration order.
    """
    from vietnam_provinces import Ward

    wards = sorted((w for w in Ward.iter_all() if int(w.province_code) == int(PROVINCE_CODE)),
                   key=lambda w: int(w.code))
    ranked = sorted(wards, key=lambda w: (zlib.crc32(f"{int(w.code):05d}".encode()), int(w.code)))
    with_copy = {int(w.code) for w in ranked[:round(len(wards) * E_CERTIFIED_COPY_SHARE)]}
    return [Commune(code=f"{int(w.code):05d}", name=f"UBND {w.name}", package_name=w.name,
                    is_ward=w.name.lower().startswith("phường"), e_certified_copy=int(w.code) in with_copy)
            for w in wards]


def unit_rows(departments: list[Department], communes: list[Commune]) -> list[dict]:
    """units.csv: province, departments, communes (index order), then every unit's offices."""
    rows = [{"code": PROVINCE_CODE, "name": PROVINCE_NAME, "kind": "province", "parent_code": "",
             "e_certified_copy": False}]
    rows += [{"code": d.code, "name": d.name, "kind": "department", "parent_code": PROVINCE_CODE,
              "e_certified_copy": False} for d in departments]
    rows += [{"code": c.code, "name": c.name, "kind": "commune", "parent_code": PROVINCE_CODE,
              "e_certified_copy": c.e_certified_copy} for c in communes]
    offices = _read_csv("offices.csv")
    by_key = {d.key: d.code for d in departments}
    for department in departments:
        rows += [{"code": f"{department.code}.{o['key']}", "name": o["name"], "kind": "office",
                  "parent_code": department.code, "e_certified_copy": False}
                 for o in offices if o["parent_key"] == department.key]
    commune_offices = [o for o in offices if o["parent_key"] == COMMUNE_OFFICES_KEY]
    for commune in communes:
        rows += [{"code": f"{commune.code}.{o['key']}", "name": o["name"], "kind": "office",
                  "parent_code": commune.code, "e_certified_copy": False} for o in commune_offices]
    unknown = sorted({o["parent_key"] for o in offices} - set(by_key) - {COMMUNE_OFFICES_KEY})
    if unknown:
        raise ValueError(f"offices.csv: unknown parent_key {', '.join(unknown)}")
    return rows


def procedure_rows() -> list[dict]:
    rows = _read_csv("procedures.csv")
    if rows and tuple(rows[0]) != s.PROCEDURES:
        raise ValueError(f"procedures.csv: columns must be {', '.join(s.PROCEDURES)}")
    return rows


def authority_rows(departments: list[Department], communes: list[Commune],
                   procedures: list[dict]) -> list[tuple[str, str]]:
    """Province procedures → the department(s) whose fields include the field; commune ones → every commune."""
    pairs = []
    for procedure in procedures:
        if procedure["level"] == "province":
            field_name = procedure["field"].strip().lower()
            pairs += [(d.code, procedure["code"]) for d in departments
                      if field_name in {f.lower() for f in d.fields}]
        else:
            pairs += [(c.code, procedure["code"]) for c in communes]
    return pairs


def read_components() -> dict[str, list[dict]]:
    path = DATA_DIR / "components.json"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def build_reference() -> Reference:
    departments = read_departments()
    communes = read_communes()
    procedures = procedure_rows()
    return Reference(departments=departments, communes=communes, units=unit_rows(departments, communes),
                     procedures=procedures, authority=authority_rows(departments, communes, procedures),
                     components=read_components())


def write_reference(folder: Path, reference: Reference) -> None:
    """Write units.csv, procedures.csv and authority.csv into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "units.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(s.UNITS)
        for u in reference.units:
            writer.writerow([u["code"], u["name"], u["kind"], u["parent_code"],
                             s.format_bool_csv(u["e_certified_copy"])])
    with (folder / "procedures.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(s.PROCEDURES)
        for p in reference.procedures:
            writer.writerow([p[c] for c in s.PROCEDURES])
    with (folder / "authority.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(s.AUTHORITY)
        writer.writerows(reference.authority)


def load_reference(reference: Reference | None = None) -> Reference:
    """Put the reference into the database through the importer, then what the format does not carry:
    dossier components, the same-day cut-off of certified copies and the online-reduction policy.
    Running it again changes nothing.
    """
    from django.db import transaction

    from motcua.catalog.models import OnlineReductionPolicy, Procedure, ProcedureComponent
    from motcua.interchange.importer import import_folder

    reference = reference or build_reference()
    with tempfile.TemporaryDirectory(prefix="motcua-reference-") as tmp:
        write_reference(Path(tmp), reference)
        for name in ("dossiers.jsonl", "feedback.jsonl"):
            (Path(tmp) / name).touch()
        import_folder(Path(tmp))
    with transaction.atomic():
        procedures = {p.code: p for p in Procedure.objects.filter(code__in=list(reference.components))}
        existing = {}
        for c in ProcedureComponent.objects.filter(procedure__in=procedures.values()).order_by("position", "id"):
            existing.setdefault(c.procedure_id, []).append((c.name, c.required))
        for code, items in reference.components.items():
            procedure = procedures.get(code)
            if procedure is None:
                continue
            wanted = [(item["name"], bool(item.get("required", True))) for item in items]
            if existing.get(procedure.id, []) == wanted:
                continue
            ProcedureComponent.objects.filter(procedure=procedure).delete()
            ProcedureComponent.objects.bulk_create([
                ProcedureComponent(procedure=procedure, name=name, required=required, position=index)
                for index, (name, required) in enumerate(wanted)])
        Procedure.objects.filter(field=CERTIFIED_COPY_FIELD).exclude(same_day_cutoff=SAME_DAY_CUTOFF).update(
            same_day_cutoff=SAME_DAY_CUTOFF)
        for year, percent in ONLINE_REDUCTIONS.items():
            OnlineReductionPolicy.objects.update_or_create(
                year=year, defaults={"percent": percent, "note": ONLINE_REDUCTION_NOTE})
    return reference
