"""The demo's reference: communes from vietnam-provinces, departments and procedures from the catalog data."""

import pytest
from vietnam_provinces import Ward

from motcua.catalog.models import OnlineReductionPolicy, Procedure, ProcedureComponent
from motcua.demo import reference as ref
from motcua.units.models import Unit, UnitKind


@pytest.fixture(scope="module")
def reference():
    return ref.build_reference()


def test_the_92_communes_and_wards_are_the_packages_own(reference):
    wards = [w for w in Ward.iter_all() if int(w.province_code) == 19]
    communes = [u for u in reference.units if u["kind"] == "commune"]
    assert len(communes) == len(wards) == 92
    assert {u["code"]: u["name"] for u in communes} == {f"{int(w.code):05d}": f"UBND {w.name}" for w in wards}
    assert all(u["parent_code"] == "19" for u in communes)
    assert "UBND Phường Phan Đình Phùng" in {u["name"] for u in communes}


def test_about_70_percent_of_communes_offer_electronic_certified_copies(reference):
    communes = [u for u in reference.units if u["kind"] == "commune"]
    assert sum(u["e_certified_copy"] for u in communes) == round(0.7 * 92)


def test_the_unit_tree_is_province_departments_communes_then_offices(reference):
    units = reference.units
    assert units[0] == {"code": "19", "name": "UBND tỉnh Thái Nguyên", "kind": "province", "parent_code": "",
                        "e_certified_copy": False}
    departments = [u for u in units if u["kind"] == "department"]
    assert departments and all(u["code"].startswith("19.") and u["parent_code"] == "19" for u in departments)
    codes = {u["code"] for u in units}
    assert len(codes) == len(units)
    offices = [u for u in units if u["kind"] == "office"]
    assert offices and all(u["parent_code"] in codes and u["code"].startswith(u["parent_code"] + ".")
                           for u in offices)
    kinds = [u["kind"] for u in units]
    assert kinds == sorted(kinds, key=["province", "department", "commune", "office"].index)


def test_authority_follows_department_fields_and_every_commune(reference):
    departments = {d.code: d for d in reference.departments}
    by_procedure = {}
    for unit_code, procedure_code in reference.authority:
        by_procedure.setdefault(procedure_code, []).append(unit_code)
    communes = [c.code for c in reference.communes]
    for procedure in reference.procedures:
        units = by_procedure.get(procedure["code"], [])
        if procedure["level"] == "commune":
            assert units == communes
        else:
            assert units, procedure["code"]
            assert all(procedure["field"] in departments[u].fields for u in units)


@pytest.mark.django_db
def test_load_reference_is_idempotent_and_adds_what_the_format_lacks(reference):
    ref.load_reference(reference)
    counts = (Unit.objects.count(), Procedure.objects.count(), ProcedureComponent.objects.count())
    ref.load_reference(reference)
    assert (Unit.objects.count(), Procedure.objects.count(), ProcedureComponent.objects.count()) == counts
    assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == 92
    assert counts[2] == sum(len(items) for code, items in reference.components.items()
                            if Procedure.objects.filter(code=code).exists())
    copies = Procedure.objects.filter(field="Chứng thực")
    assert copies.exists() and all(p.same_day_cutoff == ref.SAME_DAY_CUTOFF for p in copies)
    assert not Procedure.objects.exclude(field="Chứng thực").filter(same_day_cutoff__isnull=False).exists()
    assert dict(OnlineReductionPolicy.objects.values_list("year", "percent")) == {2025: 20, 2026: 30}
