"""The weekly list of the least-satisfied procedures and units: the week's ratings (Monday–Sunday, local
time), the numbers, the unsatisfied comments, who sees what, the chart without script and the XLSX."""

from datetime import datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from motcua.ratings.rating import rate
from motcua.ratings.weekly import Week, last_full_week, least_satisfied, week_of
from tests.ratings.conftest import AT, returned

pytestmark = pytest.mark.django_db
WEEK = Week(datetime(2025, 11, 10).date())


def local(text):
    return datetime.fromisoformat(f"{text}+07:00")


@pytest.fixture
def ratings(world):
    """(procedure, unit, satisfied, comment, rated at): five in the week of 10–16/11/2025, two just outside."""
    plan = [
        (world.birth, world.desk_a, True, "", "2025-11-10T08:00"),
        (world.birth, world.desk_a, False, "Chờ lâu.", "2025-11-12T10:00"),
        (world.birth, world.desk_a, False, "", "2025-11-16T23:59"),
        (world.copy, world.desk_a, True, "", "2025-11-13T09:00"),
        (world.copy, world.desk_a, False, "Phí chưa niêm yết.", "2025-11-13T15:00"),
        (world.birth, world.desk_b, True, "", "2025-11-14T09:00"),
        (world.birth, world.desk_b, True, "", "2025-11-14T10:00"),
        (world.birth, world.desk_a, False, "Ngoài tuần (trước).", "2025-11-09T23:30"),
        (world.birth, world.desk_a, False, "Ngoài tuần (sau).", "2025-11-17T00:00"),
    ]
    for n, (procedure, desk, satisfied, comment, at) in enumerate(plan):
        dossier = returned(world, procedure=procedure, desk=desk, unit=desk.membership.unit,
                           at=AT + timedelta(minutes=n))
        rate(dossier, satisfied=satisfied, comment=comment, channel="portal", at=local(at))
    return plan


def test_the_weeks_numbers_lowest_first_with_the_unsatisfied_comments(ratings, world):
    data = least_satisfied(WEEK)
    assert (data.count, data.satisfied) == (7, 4)
    # birth: 5 ratings (3 at A, 2 at B), 3 satisfied; copy: 2 at A, 1 satisfied -> copy (50%) first.
    assert [(r.key, r.count, r.satisfied, r.share_text) for r in data.procedures] == [
        ("2.000815", 2, 1, "50,00%"), ("1.001193", 5, 3, "60,00%")]
    assert [c.text for c in data.procedures[1].comments] == ["Chờ lâu."]  # a blank comment is not listed
    assert [(r.key, r.count, r.satisfied, r.share_text) for r in data.units] == [
        ("05443", 5, 2, "40,00%"), ("05710", 2, 2, "100,00%")]
    assert [c.text for c in data.units[0].comments] == ["Chờ lâu.", "Phí chưa niêm yết."]
    assert least_satisfied(WEEK, {world.commune_b.pk}).count == 2


def test_weeks_are_monday_to_sunday_local_and_the_default_is_the_last_full_week():
    assert week_of(datetime(2025, 11, 16).date()) == WEEK
    assert last_full_week(local("2025-11-17T00:30")) == WEEK  # Monday 00:30 local, still Sunday 17:30 UTC
    assert last_full_week(local("2025-11-23T23:59")) == WEEK
    assert WEEK.start == local("2025-11-10T00:00") and WEEK.end == local("2025-11-17T00:00")


def test_the_page_for_the_monitor_with_chart_table_and_default_week(ratings, world, client_of):
    monitor = client_of(world.monitor)
    with time_machine.travel(local("2025-11-19T10:00"), tick=False):
        page = monitor.get(reverse("office:rating_weekly"))
        other_week = monitor.get(reverse("office:rating_weekly") + "?tuan=2025-11-05").content.decode()
        empty_week = monitor.get(reverse("office:rating_weekly") + "?tuan=2025-10-29").content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    assert "10/11/2025" in html and "16/11/2025" in html and "7 lượt đánh giá" in html and "57,14%" in html
    assert "<svg" in html and "<script" not in html
    assert 'id="procedures-table"' in html and 'id="units-table"' in html
    assert "Phí chưa niêm yết." in html and "Ngoài tuần" not in html
    table = html[html.index('id="procedures-table"'):]
    table = table[:table.index("</table>")]
    assert table.index("(2.000815)") < table.index("(1.001193)")  # the lowest share first
    assert "50,00%" in table and "60,00%" in table
    assert "03/11/2025" in other_week and "1 lượt đánh giá" in other_week and "Ngoài tuần (trước)." in other_week
    assert "0 lượt đánh giá" in empty_week and "<svg" not in empty_week


def test_a_unit_leader_sees_his_units_others_are_refused(ratings, world, client_of):
    url = reverse("office:rating_weekly") + "?tuan=2025-11-12"
    html = client_of(world.leader_a).get(url).content.decode()
    assert "5 lượt đánh giá" in html and "UBND phường Linh Sơn" not in html
    assert "0 lượt đánh giá" in client_of(world.dept_leader).get(url).content.decode()
    for person in (world.desk_a, world.processor_a, world.viewer_a, world.citizen):
        assert client_of(person).get(url).status_code == 403
        assert client_of(person).get(reverse("office:rating_weekly_xlsx")).status_code == 403


def test_the_xlsx_opens_and_has_the_rows(ratings, world, client_of):
    response = client_of(world.monitor).get(reverse("office:rating_weekly_xlsx") + "?tuan=2025-11-10")
    assert response.status_code == 200 and "it-hai-long-2025-11-10.xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Thủ tục", "Đơn vị"]
    procedures = [row for row in book["Thủ tục"].iter_rows(min_row=4, values_only=True)]
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in procedures] == [
        ("2.000815", 2, 1, 1, 0.5), ("1.001193", 5, 3, 2, 0.6)]
    assert "Phí chưa niêm yết." in procedures[0][7] and "Chờ lâu." in procedures[1][7]
    assert book["Thủ tục"].cell(row=4, column=7).number_format == "0.00%"
    units = [row for row in book["Đơn vị"].iter_rows(min_row=4, values_only=True)]
    assert [(r[1], r[3], r[4]) for r in units] == [("05443", 5, 2), ("05710", 2, 2)]
    assert "10/11/2025" in book["Thủ tục"]["A1"].value
