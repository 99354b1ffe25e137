"""The index pages: the table shows what `index_json` says, the change is the difference, the ranking is
ordered by total, every number leads to exactly as many items as it counts, and only officers get in."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from motcua.indicators.rules import load_ruleset
from motcua.indicators.service import index_json
from motcua.lib.vnformat import number, percent

from .province import PREVIOUS_WEEK, WARD_A, WEEK

pytestmark = pytest.mark.django_db

TABLE, RANKING = reverse("indicators:table"), reverse("indicators:ranking")


def week_query(**extra):
    return {"den_ngay": WEEK[1].isoformat(), **extra}


def period_query(period, **extra):
    return {"tu_ngay": period[0].isoformat(), "den_ngay": period[1].isoformat(), **extra}


def members_url(indicator_id):
    return reverse("indicators:members", args=[indicator_id])


def listed_rows(response):
    """(key, counted) of every row of the drill-down table, across all its pages."""
    return [(m.key, m.counted) for m, _, _ in response.context["rows"]]


def all_rows(client, indicator_id, query):
    rows, page = [], 1
    while True:
        response = client.get(members_url(indicator_id), {**query, "trang": page})
        assert response.status_code == 200
        rows += listed_rows(response)
        if not response.context["page"].has_next():
            return rows, response
        page += 1


# -- access --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [TABLE, RANKING, reverse("indicators:members", args=["2.1"]),
                                 reverse("reports:weekly_xlsx"), reverse("reports:weekly_pdf")])
def test_anonymous_users_are_sent_to_the_login_page(client, url):
    response = client.get(url, period_query(WEEK))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_citizens_are_not_let_in(citizen, logged_in):
    assert logged_in(citizen).get(TABLE).status_code == 403


# -- the table -----------------------------------------------------------------------------------------


def test_the_table_shows_the_rule_set_and_the_numbers_of_index_json(monitor, logged_in):
    response = logged_in(monitor).get(TABLE, week_query())
    assert response.status_code == 200
    html = response.content.decode()
    assert "qd766" in html and "phiên bản <b>1.0</b>" in html
    current = index_json(*WEEK)["units"][0]
    previous = index_json(*PREVIOUS_WEEK)["units"][0]
    rows = {row.id: row for row in response.context["rows"] if row.kind == "indicator"}
    for entry, before in zip(current["indicators"], previous["indicators"], strict=True):
        row = rows[entry["id"]]
        assert (row.current.numerator, row.current.denominator) == (entry["numerator"], entry["denominator"])
        assert row.current.rate == (None if entry["rate"] is None else Decimal(repr(entry["rate"])))
        assert row.current.points == Decimal(repr(entry["points"]))
        assert (row.previous.numerator, row.previous.denominator) == (before["numerator"], before["denominator"])
        assert row.previous.points == Decimal(repr(before["points"]))
    # What the officer reads: every label and the printed numbers.
    for rule in load_ruleset("qd766").indicators:
        assert rule.label in html
    assert f"{number(current['total'], 2)}/100" in html
    two_one = next(i for i in current["indicators"] if i["id"] == "2.1")
    assert percent(two_one["rate"]) in html
    assert re.search(rf">{number(two_one['numerator'])}</a> / <a[^>]*>{number(two_one['denominator'])}</a>", html)


def test_the_change_column_is_the_difference_of_the_two_columns(monitor, logged_in):
    rows = logged_in(monitor).get(TABLE, week_query()).context["rows"]
    for row in rows:
        assert row.points_change == row.current.points - row.previous.points
        if row.kind == "indicator" and row.current.rate is not None and row.previous.rate is not None:
            assert row.rate_change == row.current.rate - row.previous.rate
    total = rows[-1]
    assert total.kind == "total"
    assert total.current.points == Decimal(repr(index_json(*WEEK)["units"][0]["total"]))


def test_a_unit_rule_set_and_period_can_be_chosen(monitor, logged_in):
    client = logged_in(monitor)
    response = client.get(TABLE, {"don_vi": WARD_A, "bo_chi_so": "qd766-threshold80", "ky": "range",
                                  "tu_ngay": "2025-10-01", "den_ngay": "2025-10-19", "so_sanh_ngay": "2025-10-05"})
    assert response.status_code == 200
    query = response.context["query"]
    assert query.unit_code == WARD_A and query.rules == "qd766-threshold80"
    assert query.current == (WEEK[1] - timedelta(days=18), WEEK[1])
    assert query.previous == (WEEK[1] - timedelta(days=18 + 14), WEEK[1] - timedelta(days=14))
    expected = index_json(*query.current, unit_code=WARD_A, rules="qd766-threshold80")["units"][0]
    assert response.context["unit"] == expected
    assert "qd766-threshold80" in response.content.decode()
    # The default comparison of a week is the week before; year to date goes back 7 days.
    query = client.get(TABLE, {"ky": "year_to_date", "den_ngay": "2025-10-19"}).context["query"]
    assert query.current == (WEEK[1].replace(month=1, day=1), WEEK[1])
    assert query.previous == (WEEK[1].replace(month=1, day=1), WEEK[1] - timedelta(days=7))


def test_the_default_is_the_week_ending_today_against_the_week_before(monitor, logged_in):
    query = logged_in(monitor).get(TABLE).context["query"]
    assert query.current[1] - query.current[0] == timedelta(days=6)
    assert query.current[1] - query.previous[1] == timedelta(days=7)
    assert query.unit_code is None and query.rules == "qd766"


def test_bad_choices_are_a_400(monitor, logged_in):
    client = logged_in(monitor)
    assert client.get(TABLE, {"ky": "range", "den_ngay": "2025-10-19"}).status_code == 400  # no start
    assert client.get(TABLE, {"den_ngay": "19/10/2025x"}).status_code == 400
    assert client.get(TABLE, {"bo_chi_so": "unknown"}).status_code == 400
    assert client.get(members_url("2.1"), {"tu_ngay": "2025-10-19", "den_ngay": "2025-10-13"}).status_code == 400
    assert client.get(members_url("9.9"), period_query(WEEK)).status_code == 404


def test_the_table_links_to_the_weekly_report_of_its_date(monitor, logged_in):
    html = logged_in(monitor).get(TABLE, week_query()).content.decode()
    assert f"{reverse('reports:weekly_xlsx')}?den_ngay=2025-10-19&amp;bo_chi_so=qd766" in html
    assert f"{reverse('reports:weekly_pdf')}?den_ngay=2025-10-19&amp;bo_chi_so=qd766" in html


# -- the ranking ---------------------------------------------------------------------------------------


def test_the_ranking_lists_every_unit_ordered_by_total(monitor, logged_in):
    response = logged_in(monitor).get(RANKING, week_query())
    assert response.status_code == 200
    ranked = [row for row, _ in response.context["rows"]]
    scores = index_json(*WEEK)["units"][1:]
    assert sorted(r.code for r in ranked) == sorted(u["code"] for u in scores)
    # Departments and communes apart; within each, each part (enough dossiers, few, none) by total.
    for ranking, parts in response.context["rankings"]:
        for _, units in parts:
            totals = [r.total for r in units]
            assert totals == sorted(totals, reverse=True) and {r.kind for r in units} == {ranking.kind}
        assert [u.rank for u in ranking.units if u.rank] == sorted(u.rank for u in ranking.units if u.rank)
    by_code = {u["code"]: u for u in scores}
    for row in ranked:
        assert row.total == Decimal(repr(by_code[row.code]["total"]))
        assert [row.official.groups[g["id"]] for g in by_code[row.code]["groups"]] == [
            Decimal(repr(g["points"])) for g in by_code[row.code]["groups"]]


def test_the_ranking_sorts_by_any_column(monitor, logged_in):
    client = logged_in(monitor)
    for _ranking, parts in client.get(RANKING, week_query(sap_xep="ten", chieu="tang")).context["rankings"]:
        for _, units in parts:
            assert [u.name for u in units] == sorted((u.name for u in units), key=str.casefold)
    for _ranking, parts in client.get(RANKING, week_query(sap_xep="V")).context["rankings"]:
        for _, units in parts:
            group_v = [u.official.groups["V"] for u in units]
            assert group_v == sorted(group_v, reverse=True)


# -- the drill-down ------------------------------------------------------------------------------------


@pytest.mark.parametrize("indicator_id", ["2.1", "1.4", "3.7", "3.1", "4.1", "5.7"])
@pytest.mark.parametrize("unit_code", [None, WARD_A, "19.STC"])
def test_every_number_lists_as_many_items_as_it_counts(monitor, logged_in, indicator_id, unit_code):
    client = logged_in(monitor)
    query = period_query(WEEK, **({"don_vi": unit_code} if unit_code else {}))
    entry = next(i for i in index_json(*WEEK, unit_code=unit_code)["units"][0]["indicators"] if i["id"] == indicator_id)
    rows, response = all_rows(client, indicator_id, query)
    assert len(rows) == entry["denominator"]
    assert sum(1 for _, counted in rows if counted) == entry["numerator"]
    assert len({key for key, _ in rows}) == len(rows)
    counted, _ = all_rows(client, indicator_id, {**query, "chon": "tu-so"})
    assert len(counted) == entry["numerator"] and all(c for _, c in counted)
    not_counted, _ = all_rows(client, indicator_id, {**query, "chon": "ngoai-tu-so"})
    assert len(not_counted) == entry["denominator"] - entry["numerator"]
    html = response.content.decode()
    assert 'id="numerator"><a href="?' in html and f">{number(entry['numerator'])}</a>" in html
    assert f">{number(entry['denominator'])}</a>" in html


def test_the_table_links_each_number_to_its_list(monitor, logged_in):
    html = logged_in(monitor).get(TABLE, week_query()).content.decode()
    url = members_url("2.1")
    assert f'{url}?bo_chi_so=qd766&amp;tu_ngay=2025-10-13&amp;den_ngay=2025-10-19&amp;chon=tu-so"' in html
    assert f'{url}?bo_chi_so=qd766&amp;tu_ngay=2025-10-06&amp;den_ngay=2025-10-12"' in html


def test_the_dossier_list_is_paginated(monitor, logged_in, settings):
    from motcua.indicators import views

    client = logged_in(monitor)
    entry = next(i for i in index_json(*WEEK)["units"][0]["indicators"] if i["id"] == "2.1")
    original = views.PAGE_SIZE
    views.PAGE_SIZE = 10
    try:
        first = client.get(members_url("2.1"), period_query(WEEK))
        rows, _ = all_rows(client, "2.1", period_query(WEEK))
    finally:
        views.PAGE_SIZE = original
    assert len(first.context["rows"]) == 10
    assert first.context["page"].paginator.num_pages == -(-entry["denominator"] // 10)
    assert len(rows) == entry["denominator"]


def test_an_officer_sees_only_the_dossiers_of_his_scope_but_the_same_counts(ward_officer, logged_in):
    client = logged_in(ward_officer)
    entry = next(i for i in index_json(*WEEK)["units"][0]["indicators"] if i["id"] == "2.1")
    rows, response = all_rows(client, "2.1", period_query(WEEK))
    codes = {key for key, _ in rows}
    assert codes and all(code.startswith(f"{WARD_A}-") for code in codes)
    # The province's other dossiers are counted, not listed, and the page says so.
    assert response.context["result"].denominator == entry["denominator"]
    assert response.context["hidden"] == entry["denominator"] - len(rows) > 0
    assert "ngoài phạm vi" in response.content.decode()
    # Catalog items are public: the officer sees every procedure behind 3.1.
    procedures, _ = all_rows(client, "3.1", period_query(WEEK))
    entry = next(i for i in index_json(*WEEK)["units"][0]["indicators"] if i["id"] == "3.1")
    assert len(procedures) == entry["denominator"]
    # Feedback: only his ward's (PAKN-01, answered in the week before; PAKN-02 is the department's).
    feedback, response = all_rows(client, "4.1", period_query(PREVIOUS_WEEK))
    assert {key for key, _ in feedback} == {"PAKN-01"}
    assert response.context["result"].denominator > 1
