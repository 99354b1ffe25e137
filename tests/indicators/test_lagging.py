"""The lagging lists (issue 11, point 5): each list names exactly the units its rule selects, every rate is
the index's own (compared with a per-unit `index_json`), the page sorts by any column and shows monitors
every unit and other officers only theirs."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.core.models import Membership, Role
from motcua.indicators import lagging
from motcua.indicators.rules import load_ruleset
from motcua.indicators.service import index_json
from motcua.interchange.importer import import_folder
from motcua.units.models import Unit as UnitRow

from .builders import write_folder
from .province import COMMUNE_C, FINANCE, WARD_A, WARD_B, WEEK, D
from .test_ranking import ELIGIBLE_NOT_FULL, EMPTY_COMMUNE, fair_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair_province(db, tmp_path):
    return import_folder(write_folder(tmp_path / "fair", fair_record()))

LAGGING = reverse("indicators:lagging")
LISTED = {FINANCE, WARD_A, WARD_B, COMMUNE_C, EMPTY_COMMUNE}


def person(username, role, unit_code):
    user = get_user_model().objects.create(username=username)
    Membership.objects.create(user=user, unit=UnitRow.objects.get(code=unit_code), role=role, full_name=username)
    return user


def units():
    kinds = dict(UnitRow.objects.values_list("code", "kind"))
    return lagging.lagging_units(index_json(*WEEK), load_ruleset("qd766"), kinds)


def entry(code, indicator_id):
    """The indicator as the index computes it for that unit alone (a second, independent call)."""
    return next(i for i in index_json(*WEEK, unit_code=code)["units"][0]["indicators"] if i["id"] == indicator_id)


def test_the_figures_are_the_index_numbers(fair_province):
    found = units()
    assert {u.code for u in found} == LISTED
    for unit in found:
        for figure, indicator_id in ((unit.sync, "1.4"), (unit.payment, "3.7"), (unit.full_online, "3.4"),
                                     (unit.online_services, "3.2")):
            expected = entry(unit.code, indicator_id)
            assert figure.indicator == indicator_id
            assert (figure.numerator, figure.denominator, figure.rate) == (
                expected["numerator"], expected["denominator"], expected["rate"])


def test_each_list_names_the_units_its_rule_selects(fair_province, settings):
    settings.MOTCUA_LAGGING_THRESHOLDS = {"low_sync_rate": 0.9, "low_payment_rate": 0.8}
    lists = {item.key: {u.code for u in item.units} for item in lagging.lagging_lists(units())}
    assert list(lists) == list(lagging.LIST_KEYS)
    sync = {code: entry(code, "1.4") for code in LISTED}
    assert lists["dong-bo-thap"] == {c for c, e in sync.items() if e["rate"] is not None and e["rate"] < 0.9}
    payment = {code: entry(code, "3.7") for code in LISTED}
    assert lists["it-thanh-toan"] == {c for c, e in payment.items() if e["rate"] is not None and e["rate"] < 0.8}
    assert lists["chua-phat-sinh"] == {c for c, e in sync.items() if e["denominator"] == 0} >= {EMPTY_COMMUNE}
    assert lists["chua-toan-trinh"] == {WARD_B}
    ward_b = next(u for u in units() if u.code == WARD_B)
    assert [code for code, _, _ in ward_b.eligible_not_full] == [ELIGIBLE_NOT_FULL]
    services = {code: entry(code, "3.2") for code in LISTED}
    assert lists["khong-truc-tuyen"] == {c for c, e in services.items() if e["denominator"] > e["numerator"]}
    assert EMPTY_COMMUNE in lists["khong-truc-tuyen"]  # its online services got nothing
    # A stricter threshold lists more units, never fewer.
    settings.MOTCUA_LAGGING_THRESHOLDS = {"low_sync_rate": 1.01}
    strict = next(i for i in lagging.lagging_lists(units()) if i.key == "dong-bo-thap")
    assert {u.code for u in strict.units} == {c for c, e in sync.items() if e["rate"] is not None}


def test_sorting_puts_not_applicable_rates_last():
    figure = lagging.Figure
    rows = [lagging.LaggingUnit(code, code, "commune", figure("1.4", n, d, None if d == 0 else n / d),
                                figure("3.7", 0, 0, None), figure("3.4", 0, 0, None), figure("3.2", 0, 0, None), ())
            for code, n, d in (("a", 1, 2), ("b", 0, 0), ("c", 3, 4), ("d", 0, 5))]
    assert [u.code for u in lagging.sorted_units(rows, "dong-bo", False)] == ["d", "a", "c", "b"]
    assert [u.code for u in lagging.sorted_units(rows, "dong-bo", True)] == ["c", "a", "d", "b"]
    assert [u.code for u in lagging.sorted_units(rows, "tiep-nhan", True)][:2] == ["d", "c"]


def test_the_page_shows_a_monitor_every_unit_sorted(fair_province, client):
    client.force_login(person("giamsat.tuthau", Role.PROVINCIAL_MONITOR, "19"))
    response = client.get(LAGGING, {"den_ngay": D.isoformat(), "danh_sach": "khong-truc-tuyen",
                                    "sap_xep": "ten", "chieu": "tang"})
    assert response.status_code == 200
    names = [u.name for u, _ in response.context["rows"]]
    assert names == sorted(names, key=str.casefold) and names
    assert response.context["chosen"].key == "khong-truc-tuyen"
    html = response.content.decode()
    assert f'data-code="{EMPTY_COMMUNE}"' in html
    response = client.get(LAGGING, {"den_ngay": D.isoformat(), "danh_sach": "chua-phat-sinh"})
    assert [u.code for u, _ in response.context["rows"]] == [EMPTY_COMMUNE]
    response = client.get(LAGGING, {"den_ngay": D.isoformat(), "danh_sach": "khong-truc-tuyen",
                                    "sap_xep": "khong-truc-tuyen"})
    counts = [u.without_online_dossier for u, _ in response.context["rows"]]
    assert counts == sorted(counts, reverse=True)
    assert client.get(LAGGING, {"den_ngay": "x"}).status_code == 400


def test_an_officer_sees_only_his_units(fair_province, client):
    client.force_login(person("lanhdao.pdp", Role.UNIT_LEADER, WARD_A))
    response = client.get(LAGGING, {"den_ngay": D.isoformat(), "danh_sach": "khong-truc-tuyen"})
    lists = response.context["lists"]
    assert {u.code for item in lists for u in item.units} <= {WARD_A}
    assert EMPTY_COMMUNE not in response.content.decode()
    # An office's officer sees the department he reports under.
    client.force_login(person("dkkd.xuly", Role.PROCESSING_OFFICER, "19.STC.DKKD"))
    response = client.get(LAGGING, {"den_ngay": D.isoformat(), "danh_sach": "khong-truc-tuyen"})
    assert {u.code for item in response.context["lists"] for u in item.units} <= {FINANCE}


def test_the_page_needs_an_office_login(fair_province, client):
    response = client.get(LAGGING)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    citizen = get_user_model().objects.create(username="019090001234")
    Membership.objects.create(user=citizen, role=Role.CITIZEN, full_name="Công dân")
    client.force_login(citizen)
    assert client.get(LAGGING).status_code == 403
