"""The work queue: tabs (waiting for me / my unit / all I may see), ordered by due time in the database and
paged there, each row with its exact clock; ended dossiers out unless asked for; filtered, searchable."""

import re
from datetime import timedelta

import pytest
import time_machine

from motcua.dossiers.constants import OPEN_STATUSES, Status
from motcua.dossiers.lifecycle import transition
from motcua.dossiers.models import Dossier
from motcua.office import actions
from motcua.office.views import queue as queue_view
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db
NOW = AT + timedelta(hours=1)  # Wednesday 5/11/2025 10:00


@pytest.fixture
def queue_world(world):
    overdue = receive(world, at=AT - timedelta(days=2), applicant_name="Lê Thị Quá")  # due Tue 4/11 09:00
    paused = receive(world, at=AT - timedelta(days=1), applicant_name="Phạm Văn Dừng")  # due Wed 5/11 09:00
    actions.do_request_supplement(paused, actor=world.processor_a, reason="Bổ sung", version=paused.version,
                                  at=AT - timedelta(days=1) + timedelta(hours=2))  # 6 working hours were left
    soon = receive(world, at=AT, applicant_name="Nguyễn Văn Bình")  # due Thu 6/11 09:00: 7 h left at 10:00
    later = receive(world, at=AT, procedure=world.business, unit=world.dkkd, applicant_name="Trần Thị Lâu")
    later = actions.do_assign(later, actor=world.dept_leader, assignee=world.dept_processor, version=later.version)
    return {"overdue": overdue, "paused": paused, "soon": soon, "later": later}


def _page(client, **params):
    return client.get("/hang-doi/", params).content.decode()


def _rows(client, **params):
    return re.findall(r'<tr data-urgency="(\w+)">\s*<td class="code"[^>]*><a href="/ho-so/([^/]+)/"',
                      _page(client, **params))


def _codes(client, **params):
    return [code for _, code in _rows(client, **params)]


def test_the_queue_is_ordered_by_remaining_working_time_and_coloured(world, queue_world, client_of):
    with time_machine.travel(NOW, tick=False):
        rows = _rows(client_of(world.desk_a), tab="all")
    q = queue_world
    assert rows == [("overdue", q["overdue"].code), ("paused", q["paused"].code), ("due_soon", q["soon"].code),
                    ("in_time", q["later"].code)]


def test_filters_by_urgency_status_and_own_assignments(world, queue_world, client_of):
    with time_machine.travel(NOW, tick=False):
        client = client_of(world.desk_a)
        assert _codes(client, tab="all", urgency="overdue") == [queue_world["overdue"].code]
        assert _codes(client, tab="all", urgency="paused") == [queue_world["paused"].code]
        assert _codes(client, tab="all", urgency="due_soon") == [queue_world["soon"].code]
        assert _codes(client, tab="all", urgency="in_time") == [queue_world["later"].code]
        assert _codes(client, tab="all", status=5) == [queue_world["paused"].code]
        mine = _codes(client_of(world.dept_processor), tab="mine")
    assert mine == [queue_world["later"].code]


def test_search_by_code_or_by_name_without_diacritics(world, queue_world, client_of):
    with time_machine.travel(NOW, tick=False):
        client = client_of(world.desk_a)
        by_name = _codes(client, tab="all", q="nguyen van binh")
        by_code = _codes(client, tab="all", q=queue_world["overdue"].code)
    assert by_name == [queue_world["soon"].code]
    assert by_code == [queue_world["overdue"].code]


def test_remaining_time_is_written_in_working_days_and_hours(world, queue_world, client_of):
    with time_machine.travel(NOW, tick=False):
        page = _page(client_of(world.desk_a), tab="all")
    assert "còn 7 giờ làm việc" in page  # the dossier due tomorrow 09:00
    assert "quá hạn 1 ngày 1 giờ làm việc" in page  # due yesterday 09:00, now 10:00


def test_each_row_shows_applicant_officer_remaining_time_and_step(world, queue_world, client_of):
    with time_machine.travel(NOW, tick=False):
        page = _page(client_of(world.dept_processor), tab="mine")
    row = re.search(r'<tr data-urgency="in_time">.*?</tr>', page, re.S).group(0)
    assert queue_world["later"].code in row and "Trần Thị Lâu" in row
    assert re.search(r'class="officer"[^>]*>Vũ Thị Kinh<', row)  # the assignee's name
    assert re.search(r'class="step".*Đang xử lý</span> Phòng Đăng ký kinh doanh, Sở Tài chính', row)
    assert "Hẹn trả" in row and "còn " in row
    # Codes stay on one line; the table is a wrapper that scrolls or, on a phone, cards.
    assert "td.code,td.code a{white-space:nowrap" in page and '<div class="table-wrap">' in page
    assert "@media (max-width:48rem)" in page and "content:attr(data-label)" in page


def _resolved(world, at=AT):
    dossier = receive(world, at=at, applicant_name="Đặng Văn Xong")
    dossier = actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version)
    return actions.do_resolve(dossier, actor=world.processor_a, result_text="Cấp giấy khai sinh.",
                              version=dossier.version)


def test_the_tabs_waiting_for_me_my_unit_and_all_in_scope(world, queue_world, client_of):
    with time_machine.travel(AT, tick=False):
        resolved = _resolved(world)
        mine = receive(world, applicant_name="Vương Thị Giao")
        mine = actions.do_assign(mine, actor=world.leader_a, assignee=world.processor_a, version=mine.version)
    q = queue_world
    with time_machine.travel(NOW, tick=False):
        # The desk: results to hand back at its desk (nothing is assigned to a desk officer).
        assert _codes(client_of(world.desk_a)) == [resolved.code]  # "mine" is the officers' first tab
        assert 'id="tab-mine" class="current"' in _page(client_of(world.desk_a))
        # The processing officer: what is assigned to him and still open.
        assert _codes(client_of(world.processor_a), tab="mine") == [mine.code]
        # The leader: the resolved dossier of his unit waits for his signature.
        assert _codes(client_of(world.leader_a), tab="mine") == [resolved.code]
        # My unit: what commune A holds or received, the department's dossier received at A's desk included.
        assert set(_codes(client_of(world.desk_a), tab="unit")) == {
            q["overdue"].code, q["paused"].code, q["soon"].code, q["later"].code, resolved.code, mine.code}
        assert _codes(client_of(world.dept_processor), tab="unit") == [q["later"].code]
        assert _codes(client_of(world.desk_b), tab="unit") == []
        assert _codes(client_of(world.desk_b), tab="all") == []  # the tabs never widen the scope
        # Viewers and monitors start on all they may see.
        viewer = _codes(client_of(world.viewer_a))
        monitor = _codes(client_of(world.monitor))
    assert len(viewer) == 6 and set(viewer) == set(monitor)
    assert viewer[-1] == resolved.code  # open dossiers first, then those waiting for signature or return


def test_ended_dossiers_are_out_unless_asked_for(world, client_of):
    with time_machine.travel(AT, tick=False):
        open_one = receive(world, applicant_name="Còn Mở")
        refused = receive(world, applicant_name="Bị Từ Chối")
        refused = actions.do_refuse_at_receipt(refused, actor=world.desk_a, reason="Thiếu giấy tờ",
                                               version=refused.version)
        returned = _resolved(world)
        actions.do_approve_and_sign(returned, actor=world.leader_a, version=returned.version,
                                    signed_pdf=b"%PDF-1.4 signed", signer_name="UBND phường Phan Đình Phùng")
        returned.refresh_from_db()
        returned = actions.do_return(returned, actor=world.desk_a, version=returned.version, note="")
    assert (refused.status, returned.status) == (Status.REFUSED, Status.RETURNED)
    with time_machine.travel(NOW, tick=False):
        client = client_of(world.viewer_a)
        assert _codes(client, tab="all") == [open_one.code]
        shown = _codes(client, tab="all", ended="on")
        assert _codes(client, tab="all", status=int(Status.RETURNED)) == [returned.code]
    assert shown[0] == open_one.code and set(shown) == {open_one.code, refused.code, returned.code}


def test_pages_come_from_the_database_in_due_order(world, client_of, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 3)
    with time_machine.travel(AT, tick=False):
        dossiers = [receive(world, at=AT - timedelta(hours=7 - i), files=False, applicant_name=f"Người {i}")
                    for i in range(7)]
    expected = [d.code for d in sorted(dossiers, key=lambda d: (d.due_at, d.pk))]
    client = client_of(world.viewer_a)
    with time_machine.travel(NOW, tick=False):
        pages = [_codes(client, tab="all", page=n) for n in (1, 2, 3)]
        last = _page(client, tab="all", page=3)
        # A page's queries do not grow with the rows on it (16: the scope reads the ids its units once held,
        # and a small part's page is found from its (due_at, id) pairs before its rows are read).
        with django_assert_max_num_queries(16):
            client.get("/hang-doi/", {"tab": "all", "page": 1})
    assert pages == [expected[:3], expected[3:6], expected[6:]]
    assert "Trang 3/3" in last and "7 hồ sơ" in last and 'rel="prev"' in last and 'rel="next"' not in last


def test_the_filter_keeps_the_tab(world, queue_world, client_of):
    with time_machine.travel(NOW, tick=False):
        page = _page(client_of(world.desk_a), tab="unit", q="le thi")
    assert '<input type="hidden" name="tab" value="unit"' in page
    assert re.search(r'href="\?q=le\+thi&amp;tab=all" id="tab-all"', page)



@pytest.mark.parametrize("small_part", [0, 5000])
def test_open_dossiers_come_first_then_the_others_each_by_due_across_pages(world, client_of, monkeypatch,
                                                                           small_part):
    """`QueueRows` reads the open and the other dossiers apart (each along its own index, or ordered in
    Python when the part is small): the pages still read as one list, open first, then resolved (and ended
    when shown), each by (due_at, id)."""
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 3)
    monkeypatch.setattr(queue_view, "SMALL_PART", small_part)
    with time_machine.travel(AT, tick=False):
        made = [receive(world, at=AT - timedelta(hours=9 - i), files=False, applicant_name=f"Người {i}")
                for i in range(8)]
    for d in made[1:6:2]:
        transition(transition(d, "start", at=NOW).dossier, "resolve", at=NOW)
    transition(transition(made[6], "start", at=NOW).dossier, "stop", at=NOW)
    rows = {pk: (status, due, code) for pk, status, due, code in
            Dossier.objects.filter(pk__in=[d.pk for d in made]).values_list("pk", "status", "due_at", "code")}

    def in_due_order(statuses):
        return [rows[pk][2] for pk in sorted((pk for pk in rows if rows[pk][0] in statuses),
                                             key=lambda pk: (rows[pk][1], pk))]

    client = client_of(world.viewer_a)
    with time_machine.travel(NOW, tick=False):
        listed = [c for n in (1, 2, 3) for c in _codes(client, tab="all", page=n)]
        with_ended = [c for n in (1, 2, 3) for c in _codes(client, tab="all", ended="on", page=n)]
    assert len(in_due_order(OPEN_STATUSES)) == 4 and len(in_due_order([Status.RESOLVED])) == 3
    assert listed == in_due_order(OPEN_STATUSES) + in_due_order([Status.RESOLVED])
    assert with_ended == in_due_order(OPEN_STATUSES) + in_due_order([Status.RESOLVED, Status.STOPPED])
