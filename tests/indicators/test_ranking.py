"""The fair ranking (docs/ranking.md): departments and communes apart, the commune with no dossier marked
and never named lowest, Wilson bounds, official scores untouched, and each gaming flag on built data."""

import subprocess
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.core.models import Membership, Role
from motcua.indicators import gaming
from motcua.indicators.ranking import EMPTY, ENOUGH, FEW, fair_ranking, wilson_interval
from motcua.indicators.records import Authority, Unit
from motcua.indicators.rules import load_ruleset
from motcua.indicators.service import index_json
from motcua.interchange.importer import import_folder
from motcua.reports.pdf import weekly_pdf
from motcua.reports.weekly import ranking_paragraph, weekly_report
from motcua.units.models import Unit as UnitRow

from .builders import at, dossier, procedure, record, unit, write_folder
from .province import COMMUNE_C, FINANCE, PROCEDURES, PROVINCE, WARD_A, WARD_B, WEEK, D, province_record

pytestmark = pytest.mark.django_db

EMPTY_COMMUNE = "05990"
ELIGIBLE_NOT_FULL = "1.004227"
LEAST = 5  # the test province is small: 5 dossiers are "enough"


def fair_record():
    """The index tests' province plus a commune that received nothing (but has procedures under it, so its
    catalog indicators score) and one eligible procedure not yet offered fully online."""
    base = province_record()
    extra = procedure(ELIGIBLE_NOT_FULL, name="Thủ tục đăng ký giám hộ", field="Hộ tịch", level="commune",
                      online_level="partial", full_online_eligible=True, for_citizens=True,
                      decision_date=date(2025, 9, 1), legal_effective_date=date(2025, 10, 1),
                      published_at=date(2025, 9, 3))
    units = (*base.units, Unit(EMPTY_COMMUNE, "UBND xã Trống Vắng", "commune", PROVINCE, True))
    authority = (*base.authority, *(Authority(EMPTY_COMMUNE, p.code) for p in PROCEDURES if p.level == "commune"),
                 Authority(WARD_B, ELIGIBLE_NOT_FULL))
    return replace(base, units=units, procedures=(*base.procedures, extra), authority=authority)


@pytest.fixture
def fair_province(db, tmp_path, settings):
    settings.MOTCUA_RANKING_MIN_DOSSIERS = LEAST
    return import_folder(write_folder(tmp_path / "fair", fair_record()))


def a_monitor():
    user = get_user_model().objects.create(username="giamsat.fair")
    Membership.objects.create(user=user, unit=UnitRow.objects.get(code="19"), role=Role.PROVINCIAL_MONITOR,
                              full_name="Giám sát")
    return user


def kinds():
    return dict(UnitRow.objects.values_list("code", "kind"))


# -- Wilson ---------------------------------------------------------------------------------------------


def test_wilson_bounds_on_known_values():
    low, high = wilson_interval(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    assert [round(v, 4) for v in wilson_interval(0, 10)] == [0.0, 0.2775]
    assert [round(v, 4) for v in wilson_interval(10, 10)] == [0.7225, 1.0]
    assert [round(v, 4) for v in wilson_interval(81, 263)] == [0.2553, 0.3662]
    assert wilson_interval(0, 0) is None
    # More dossiers, narrower interval around the same rate.
    small, large = wilson_interval(9, 10), wilson_interval(900, 1000)
    assert small[1] - small[0] > 4 * (large[1] - large[0])
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


# -- the ranking ----------------------------------------------------------------------------------------


def test_departments_and_communes_are_ranked_apart(fair_province):
    current = index_json(*WEEK)
    departments, communes = fair_ranking(current, load_ruleset("qd766"), kinds(), least=LEAST)
    assert departments.kind == "department" and {u.code for u in departments.units} == {FINANCE}
    assert {u.code for u in communes.units} == {WARD_A, WARD_B, COMMUNE_C, EMPTY_COMMUNE}
    assert departments.units[0].rank == 1
    ranked = [u for u in communes.units if u.rank is not None]
    assert ranked[0].rank == 1 and [u.rank for u in ranked] == sorted(u.rank for u in ranked)
    # Official scores are read, never changed: each total and group is index_json's.
    by_code = {u["code"]: u for u in current["units"]}
    for ranking in (departments, communes):
        for u in ranking.units:
            assert u.total == Decimal(repr(by_code[u.code]["total"]))
            assert list(u.official.groups.values()) == [Decimal(repr(g["points"])) for g in by_code[u.code]["groups"]]
            received = next(i for i in by_code[u.code]["indicators"] if i["id"] == "1.4")["denominator"]
            processing = next(i for i in by_code[u.code]["indicators"] if i["id"] == "2.1")["denominator"]
            assert (u.received, u.processing) == (received, processing)


def test_the_commune_without_dossiers_is_marked_and_not_ranked(fair_province):
    current, previous = index_json(*WEEK), index_json(WEEK[0] - timedelta(days=7), WEEK[0] - timedelta(days=1))
    _, communes = fair_ranking(current, load_ruleset("qd766"), kinds(), previous, least=LEAST)
    empty = next(u for u in communes.units if u.code == EMPTY_COMMUNE)
    entry = next(u for u in current["units"] if u["code"] == EMPTY_COMMUNE)
    assert Decimal(repr(entry["total"])) > 0  # the rule set gives it points (4.1, 4.2, 5.7, catalog) ...
    assert empty.tier == EMPTY and empty.rank is None and empty in communes.empty
    assert "chưa phát sinh hồ sơ" in empty.badges and "chấm theo quy tắc kỳ trống" in empty.badges
    zero = [i for i in entry["indicators"] if i["denominator"] == 0 and i["points"] > 0]
    assert set(empty.empty_rule_indicators) == {i["id"] for i in zero} >= {"4.1", "4.2"}
    assert empty.empty_rule_points == sum(Decimal(repr(i["points"])) for i in zero)
    # ... and it would be last by total, yet the lowest named is a commune with dossiers.
    lowest_total = min(Decimal(repr(u["total"])) for u in current["units"][1:] if u["code"] != FINANCE)
    assert empty.total == lowest_total
    assert communes.lowest is not None and communes.lowest.code != EMPTY_COMMUNE
    assert communes.lowest.tier == ENOUGH


def test_units_with_few_dossiers_come_after_the_others(fair_province):
    current = index_json(*WEEK)
    volumes = {u.code: u.processing for u in fair_ranking(current, load_ruleset("qd766"), kinds(), least=1)[1].units}
    least = sorted(v for v in volumes.values() if v)[-1]  # only the busiest commune has enough
    _, communes = fair_ranking(current, load_ruleset("qd766"), kinds(), least=least)
    assert [u.code for u in communes.ranked] == [c for c, v in volumes.items() if v >= least]
    assert all(u.tier == FEW and "ít hồ sơ" in u.badges for u in communes.few)
    assert [u.rank for u in communes.few] == sorted(u.rank for u in communes.few)
    assert min(u.rank for u in communes.few) > max(u.rank for u in communes.ranked)
    totals = [u.total for u in communes.few]
    assert totals == sorted(totals, reverse=True)
    # Nobody has enough: nobody is named lowest.
    _, none = fair_ranking(current, load_ruleset("qd766"), kinds(), least=10_000)
    assert none.ranked == () and none.lowest is None


def test_the_main_rates_carry_their_volume_and_interval(fair_province):
    current = index_json(*WEEK)
    _, communes = fair_ranking(current, load_ruleset("qd766"), kinds(), least=LEAST)
    ward = next(u for u in communes.units if u.code == WARD_A)
    entry = {i["id"]: i for i in next(u for u in current["units"] if u["code"] == WARD_A)["indicators"]}
    assert {c.id for c in ward.rates} == {"1.4", "2.1", "3.4", "3.7", "4.3", "5.1", "5.2", "5.3", "5.4", "5.6"}
    for cell in ward.rates:
        assert (cell.numerator, cell.denominator, cell.rate) == (entry[cell.id]["numerator"],
                                                               entry[cell.id]["denominator"], entry[cell.id]["rate"])
        if cell.denominator:
            assert cell.low <= cell.numerator / cell.denominator <= cell.high


def test_the_weekly_report_names_as_lowest_only_units_with_enough_dossiers(fair_province):
    report = weekly_report(D)
    communes = next(r for r in report.fair if r.kind == "commune")
    text = ranking_paragraph(report)
    assert f"thấp nhất là {communes.lowest.name}" in text
    assert "thấp nhất là UBND xã Trống Vắng" not in text
    assert "chưa phát sinh hồ sơ trong kỳ (không xếp hạng): UBND xã Trống Vắng" in text
    assert "Sở, ban, ngành: cao nhất là Sở Tài chính" in text
    # The same paragraph is printed in the PDF.
    pdf = subprocess.run(["pdftotext", "-", "-"], input=weekly_pdf(report), capture_output=True, check=True)
    printed = " ".join(unicodedata.normalize("NFC", pdf.stdout.decode()).split())
    assert "chưa phát sinh hồ sơ trong kỳ (không xếp hạng): UBND xã Trống Vắng" in printed


def test_the_ranking_page_shows_both_kinds_and_the_markers(fair_province, client):
    client.force_login(a_monitor())
    response = client.get(reverse("indicators:ranking"), {"den_ngay": D.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="ranking-department"' in html and 'id="ranking-commune"' in html
    assert f'data-code="{EMPTY_COMMUNE}" data-tier="chua-phat-sinh"' in html
    assert "chấm theo quy tắc kỳ trống" in html and "chưa phát sinh hồ sơ" in html


# -- gaming flags -------------------------------------------------------------------------------------


C1, C2, C3 = "C1", "C2", "C3"


def gaming_record():
    """Three communes in the week of 13-19 October 2025:
    C1 asks for a supplement on 8 of its 10 dossiers, each 2 hours before the due, and has one dossier
    waiting since August for a supplement; C2 syncs 12 dossiers of early October within 30 minutes on
    15 October; C3 is ordinary (30 dossiers synced the same hour, one supplement asked on receipt)."""
    dossiers = []
    for i in range(10):
        due = at(16, 15)
        supplements = ((due - timedelta(hours=2), None),) if i < 8 else ()
        dossiers.append(dossier(f"C1-{i}", "P", C1, received=at(13, 8 + i % 8), due=due, supplements=supplements,
                                synced_at=at(13, 16)))
    dossiers.append(dossier("C1-OLD", "P", C1, received=at(1, 8, month=8), due=at(8, 17, month=8),
                            supplements=((at(2, 9, month=8), None),)))
    for i in range(12):
        dossiers.append(dossier(f"C2-{i}", "P", C2, received=at(1, 8 + i % 8), due=at(9, 17),
                                synced_at=at(15, 10, 2 * i)))
    for i in range(30):
        received = at(14 + i % 3, 8 + i % 8)
        supplements = ((received + timedelta(hours=1), received + timedelta(hours=5)),) if i == 0 else ()
        dossiers.append(dossier(f"C3-{i}", "P", C3, received=received, due=at(20, 17), supplements=supplements,
                                synced_at=received + timedelta(hours=1)))
    return record(units=[unit("19", "province", None), unit(C1, "commune", "19"), unit(C2, "commune", "19"),
                         unit(C3, "commune", "19")],
                  procedures=[procedure("P", level="commune", decision_date=date(2025, 9, 1),
                                        legal_effective_date=date(2025, 10, 1), published_at=date(2025, 9, 3))], authority=[(c, "P") for c in (C1, C2, C3)],
                  dossiers=dossiers)


@pytest.fixture
def gaming_province(db, tmp_path):
    return import_folder(write_folder(tmp_path / "gaming", gaming_record()))


def flags_of():
    return gaming.gaming_flags(*WEEK, now=at(20, 8))


def test_supplement_requests_far_above_the_province_are_flagged(gaming_province):
    found = flags_of()
    share = next(f for f in found[C1] if f.kind == "supplement_share")
    assert share.numbers["with_request"] == 8 and share.numbers["received"] == 10
    assert share.numbers["province_share"] == pytest.approx(9 / 40)  # C1's 8 and C3's 1 of 40 received
    assert share.dossiers == tuple(f"C1-{i}" for i in range(8))
    assert "8/10" in share.summary
    assert not any(f.kind == "supplement_share" for f in found.get(C3, ()))


def test_supplement_requests_just_before_the_due_are_flagged(gaming_province):
    near = next(f for f in flags_of()[C1] if f.kind == "supplement_before_due")
    assert near.numbers == {"near_due": 8, "requests": 8}
    assert set(near.dossiers) == {f"C1-{i}" for i in range(8)}
    assert not any(f.kind == "supplement_before_due" for f in flags_of().get(C3, ()))


def test_dossiers_left_waiting_for_a_supplement_are_flagged(gaming_province):
    stale = next(f for f in flags_of()[C1] if f.kind == "stale_supplement")
    assert stale.dossiers == ("C1-OLD",) and stale.numbers["oldest_days"] >= 60
    # Under the threshold, nothing: the open supplements of this week are young.
    assert [f.dossiers for f in gaming.stale_supplement_flags(
        gaming.Period.of(*WEEK, now=at(20, 8)), gaming.listed_units())] == [("C1-OLD",)]


def test_bulk_late_syncs_are_flagged(gaming_province, settings):
    burst = next(f for f in flags_of()[C2] if f.kind == "bulk_late_sync")
    assert burst.numbers["in_bursts"] == 12 and burst.numbers["bursts"] == 1 and burst.numbers["largest"] == 12
    assert set(burst.dossiers) == {f"C2-{i}" for i in range(12)}
    assert C3 not in flags_of() or not any(f.kind == "bulk_late_sync" for f in flags_of()[C3])  # synced on time
    settings.MOTCUA_GAMING_THRESHOLDS = {"burst_min": 13}
    assert not any(f.kind == "bulk_late_sync" for f in flags_of().get(C2, ()))


def test_bursts_are_runs_within_the_window():
    base = at(15, 10)
    moments = [base + timedelta(minutes=m) for m in (0, 1, 2, 50, 200, 201)]
    assert gaming.bursts(moments, timedelta(minutes=60), 3) == [(0, 4)]
    assert gaming.bursts(moments, timedelta(minutes=60), 5) == []


def test_flags_list_only_the_dossiers_the_officer_may_open(gaming_province, client):
    client.force_login(a_monitor())
    response = client.get(reverse("indicators:ranking"), {"den_ngay": D.isoformat()})
    html = response.content.decode()
    assert "Đồng bộ muộn hàng loạt" in html and reverse("office:dossier", args=["C2-0"]) in html
