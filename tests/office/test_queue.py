"""The work queue: most urgent first by remaining working time, coloured, filtered, searchable."""

import re
from datetime import timedelta

import pytest
import time_machine

from motcua.office import actions
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


def _rows(client, **params):
    page = client.get("/hang-doi/", params).content.decode()
    return re.findall(r'<tr data-urgency="(\w+)">\s*<td><a href="/ho-so/([^/]+)/"', page)


def test_the_queue_is_ordered_by_remaining_working_time_and_coloured(world, queue_world):
    with time_machine.travel(NOW, tick=False):
        from django.test import Client

        client = Client()
        client.force_login(world.desk_a)
        rows = _rows(client)
    q = queue_world
    assert rows == [("overdue", q["overdue"].code), ("paused", q["paused"].code), ("due_soon", q["soon"].code),
                    ("in_time", q["later"].code)]


def test_filters_by_urgency_status_and_own_assignments(world, queue_world, client_of):
    with time_machine.travel(NOW, tick=False):
        client = client_of(world.desk_a)
        assert [code for _, code in _rows(client, urgency="overdue")] == [queue_world["overdue"].code]
        assert [code for _, code in _rows(client, status=5)] == [queue_world["paused"].code]
        mine = _rows(client_of(world.dept_processor), scope="mine")
    assert [code for _, code in mine] == [queue_world["later"].code]


def test_search_by_code_or_by_name_without_diacritics(world, queue_world, client_of):
    with time_machine.travel(NOW, tick=False):
        client = client_of(world.desk_a)
        by_name = _rows(client, q="nguyen van binh")
        by_code = _rows(client, q=queue_world["overdue"].code)
    assert [code for _, code in by_name] == [queue_world["soon"].code]
    assert [code for _, code in by_code] == [queue_world["overdue"].code]


def test_remaining_time_is_written_in_working_days_and_hours(world, queue_world, client_of):
    with time_machine.travel(NOW, tick=False):
        page = client_of(world.desk_a).get("/hang-doi/").content.decode()
    assert "còn 7 giờ làm việc" in page  # the dossier due tomorrow 09:00
    assert "quá hạn 1 ngày 1 giờ làm việc" in page  # due yesterday 09:00, now 10:00
