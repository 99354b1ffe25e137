"""The provincial sync page (/dong-bo/) and the work queue's "Chưa đồng bộ" badge, over a small imported
record: the numbers are the database's, the lowest rate comes first, each officer sees his units only,
and only the province's operators can put a refused version back in the queue."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.core.models import Membership, Role
from motcua.dossiers.models import Dossier
from motcua.interchange.importer import import_folder
from motcua.outbox.models import Item, State
from motcua.sync import portal
from motcua.sync.models import Retry
from motcua.units.models import Unit
from tests.conftest import dossier, write_folder
from tests.secondfactor import pass_second_factor
from tests.standins.conftest import portal_standin  # noqa: F401

pytestmark = pytest.mark.django_db
PERIOD = {"tu_ngay": "2025-10-01", "den_ngay": "2025-11-30"}
RECEIVED = "2025-11-10T08:00:00+07:00"
DUE = "2025-11-20T08:00:00+07:00"
SYNCED = "2025-11-10T08:05:00+07:00"


def _dossiers():
    """05443: 3 of 4 synced; 05710: 0 of 2 (one of them received for the department's office, which
    decides it: counted under 19.STC.DKKD); 19.STC.DKKD: 1 of 2; one dossier outside the period."""
    at = {"received_at": RECEIVED, "due_at": DUE}
    return [
        dossier("05443-251110-0001", synced_at=SYNCED, **at),
        dossier("05443-251110-0002", synced_at=SYNCED, **at),
        dossier("05443-251110-0003", synced_at=SYNCED, **at),
        dossier("05443-251110-0004", synced_at=None, **at),
        dossier("05710-251110-0001", unit="05710", received_by="05710", synced_at=None, **at),
        dossier("05710-251110-0002", unit="05710", received_by="05710", synced_at=None, **at),
        dossier("19.STC.DKKD-251110-0001", procedure="2.000046", unit="19.STC.DKKD", received_by="05710",
                synced_at=None, fee_vnd=100000, **at),
        dossier("19.STC.DKKD-251110-0002", procedure="2.000046", unit="19.STC.DKKD", received_by="19.STC.DKKD",
                synced_at=SYNCED, fee_vnd=100000, **at),
        dossier("05443-250901-0001", synced_at=None, received_at="2025-09-01T08:00:00+07:00",
                due_at="2025-09-05T08:00:00+07:00"),
    ]


def _refuse(code: str, reason: str, version: int = 2) -> Item:
    """A version of the dossier the portal refused (as the worker records a 400)."""
    now = timezone.now()
    return Item.objects.create(kind=portal.KIND, key=f"{code}:{version}", group=code, created_at=now,
                               next_attempt_at=now, state=State.FAILED, attempts=1, last_error=reason)


@pytest.fixture
def record(tmp_path):
    import_folder(write_folder(tmp_path / "in", dossiers=_dossiers(), feedback=[]))
    _refuse("05710-251110-0001", "HTTP 400: MaTTHC: không có trong danh mục")
    _refuse("05443-251110-0002", "HTTP 400: NgayHenTra: phải là chuỗi 14 chữ số")
    return Dossier.objects.all()


def _person(username, role, unit_code):
    user = get_user_model().objects.create_user(username=username)  # no password: logged in by force_login
    Membership.objects.create(user=user, role=role, unit=Unit.objects.get(code=unit_code) if unit_code else None)
    return user, pass_second_factor(Client(), user)


@pytest.fixture
def people(record):
    return {name: _person(name, role, unit) for name, role, unit in (
        ("giamsat", Role.PROVINCIAL_MONITOR, "19"), ("quantri", Role.ADMINISTRATOR, "19"),
        ("tiepnhan.pdp", Role.DESK_OFFICER, "05443"), ("tiepnhan.ls", Role.DESK_OFFICER, "05710"),
        ("019090001234", Role.CITIZEN, None))}


def _rows(response):
    return [(row.unit.code, row.received, row.synced, row.unsynced, row.failed) for row in response.context["rows"]]


def test_the_numbers_are_the_database_s(people):
    response = people["giamsat"][1].get("/dong-bo/", PERIOD)
    assert response.status_code == 200
    in_period = Dossier.objects.filter(received_at__date__gte="2025-10-01")
    expected = []
    for unit in Unit.objects.filter(dossiers__in=in_period).distinct():
        mine = in_period.filter(unit=unit)
        failed = Item.objects.filter(kind=portal.KIND, state=State.FAILED,
                                     group__in=mine.values("code")).values("group").distinct().count()
        synced = mine.filter(synced_at__isnull=False).count()
        expected.append((unit.code, mine.count(), synced, mine.count() - synced, failed))
    assert sorted(_rows(response)) == sorted(expected)
    assert sorted(_rows(response)) == [("05443", 4, 3, 1, 1), ("05710", 2, 0, 2, 1), ("19.STC.DKKD", 2, 1, 1, 0)]
    total = response.context["total"]
    assert (total.received, total.synced, total.failed, total.rate) == (8, 4, 2, Decimal("0.5"))
    html = response.content.decode()
    assert "75,00%" in html and "0,00%" in html and "50,00%" in html
    # The refused versions, with their reasons, below.
    assert [f.item.group for f in response.context["failures"]] == ["05710-251110-0001", "05443-251110-0002"]
    assert "MaTTHC: không có trong danh mục" in html and "NgayHenTra: phải là chuỗi 14 chữ số" in html


def test_the_default_period_is_this_year_to_today(people):
    response = people["giamsat"][1].get("/dong-bo/")
    period = response.context["period"]
    today = timezone.localdate()
    assert (period.date_from, period.date_to) == (today.replace(month=1, day=1), today)
    bad = people["giamsat"][1].get("/dong-bo/", {"tu_ngay": "2025-12-01", "den_ngay": "2025-11-01"})
    assert bad.status_code == 400


def test_lowest_rate_first_and_each_column_sorts(people):
    client = people["giamsat"][1]
    order = lambda **q: [row.unit.code for row in client.get("/dong-bo/", {**PERIOD, **q}).context["rows"]]  # noqa: E731
    assert order() == ["05710", "19.STC.DKKD", "05443"]  # 0 %, 50 %, 75 %
    assert order(sort="-rate") == ["05443", "19.STC.DKKD", "05710"]
    assert order(sort="-received") == ["05443", "19.STC.DKKD", "05710"]  # 4, then 2 and 2 by name
    assert order(sort="-unsynced") == ["05710", "05443", "19.STC.DKKD"]
    assert order(sort="-failed")[-1] == "19.STC.DKKD"
    assert order(sort="unit") == ["19.STC.DKKD", "05710", "05443"]  # Phòng…, then UBND phường Linh Sơn, Phan…
    assert order(sort="nonsense") == order()
    # The heading of the current column links to the other direction.
    response = client.get("/dong-bo/", {**PERIOD, "sort": "rate"})
    rate = next(h for h in response.context["headings"] if h["key"] == "rate")
    assert "sort=-rate" in rate["url"] and rate["current"]


def test_an_officer_sees_his_units_only_and_a_citizen_nothing(people):
    rows = _rows(people["tiepnhan.pdp"][1].get("/dong-bo/", PERIOD))
    assert rows == [("05443", 4, 3, 1, 1)]
    # B's desk received the department's dossier and sees it, but answers only for its own unit's rate.
    response = people["tiepnhan.ls"][1].get("/dong-bo/", PERIOD)
    assert _rows(response) == [("05710", 2, 0, 2, 1)]
    assert [f.item.group for f in response.context["failures"]] == ["05710-251110-0001"]
    assert "05443-251110-0002" not in response.content.decode()
    # Another unit's drill-down shows nothing of it.
    other = people["tiepnhan.ls"][1].get("/dong-bo/", {**PERIOD, "don_vi": "05443"})
    assert other.context["chosen"] is None and "05443-251110-0004" not in other.content.decode()
    assert people["019090001234"][1].get("/dong-bo/").status_code == 403
    assert Client().get("/dong-bo/").status_code == 302  # to the login page


def test_a_unit_s_unsynced_dossiers_are_listed(people):
    response = people["giamsat"][1].get("/dong-bo/", {**PERIOD, "don_vi": "05710"})
    assert response.context["chosen"].code == "05710"
    listed = {row.dossier.code: row.pending for row in response.context["pending"]}
    assert set(listed) == {"05710-251110-0001", "05710-251110-0002"}
    assert listed["05710-251110-0001"].state == State.FAILED
    assert [f.item.group for f in response.context["failures"]] == ["05710-251110-0001"]


def test_a_monitor_retries_a_refused_version_and_it_is_recorded(people):
    monitor, client = people["giamsat"]
    item = Item.objects.get(group="05710-251110-0001", state=State.FAILED)
    page = client.get("/dong-bo/", PERIOD).content.decode()
    assert f'action="/dong-bo/gui-lai/{item.pk}/"' in page and "csrfmiddlewaretoken" in page
    before = timezone.now()
    response = client.post(f"/dong-bo/gui-lai/{item.pk}/", {"next": "/dong-bo/?sort=-failed"})
    assert response.status_code == 302 and response["Location"] == "/dong-bo/?sort=-failed"
    item.refresh_from_db()
    assert item.state == State.WAITING and item.attempts == 1 and item.leased_until is None
    assert before <= item.next_attempt_at <= timezone.now()
    retry = Retry.objects.get()
    assert (retry.item, retry.actor, retry.dossier_code, retry.attempts) == (item, monitor, item.group, 1)
    assert retry.previous_error == "HTTP 400: MaTTHC: không có trong danh mục"
    # Pressed again (another tab): refused with a message, nothing changes.
    again = client.post(f"/dong-bo/gui-lai/{item.pk}/", follow=True)
    assert "không còn ở trạng thái bị từ chối" in again.content.decode()
    assert Retry.objects.count() == 1
    # An outside `next` is not followed.
    other = Item.objects.get(group="05443-251110-0002", state=State.FAILED)
    assert people["quantri"][1].post(f"/dong-bo/gui-lai/{other.pk}/",
                                     {"next": "https://example.com/"})["Location"] == "/dong-bo/"


def test_a_desk_officer_may_not_retry(people):
    item = Item.objects.get(group="05443-251110-0002", state=State.FAILED)
    client = people["tiepnhan.pdp"][1]
    assert "gui-lai" not in client.get("/dong-bo/", PERIOD).content.decode()
    assert client.post(f"/dong-bo/gui-lai/{item.pk}/").status_code == 403
    assert people["giamsat"][1].get(f"/dong-bo/gui-lai/{item.pk}/").status_code == 405
    item.refresh_from_db()
    assert item.state == State.FAILED and not Retry.objects.exists()


def test_a_retried_version_reaches_the_portal(people, portal_standin, settings):  # noqa: F811
    settings.MOTCUA_NATIONAL_PORTAL_URL = portal_standin.url
    settings.MOTCUA_NATIONAL_PORTAL_TOKEN = portal_standin.token
    from motcua.outbox.worker import Worker

    Item.objects.filter(kind=portal.KIND, state=State.WAITING).delete()  # only the retried one is sent
    item = Item.objects.get(group="05710-251110-0001", state=State.FAILED)
    people["giamsat"][1].post(f"/dong-bo/gui-lai/{item.pk}/")
    Worker(kinds=[portal.KIND]).run(until_idle=True)
    item.refresh_from_db()
    assert item.state == State.ACKNOWLEDGED
    assert Dossier.objects.get(code="05710-251110-0001").synced_at is not None
    assert "05710-251110-0001" in portal_standin.state()["held"]


# -- the work queue's badge ---------------------------------------------------------------------------------


def _badges(html: str) -> set[str]:
    return set(re.findall(r'href="/ho-so/([^/]+)/">[^<]+</a> <span class="badge unsynced"', html))


def test_the_queue_marks_dossiers_the_portal_has_not_acknowledged(people):
    client = people["tiepnhan.pdp"][1]
    # 0001 is synced with nothing pending; 0002 is synced but a later version was refused; 0003 synced with
    # a newer version still waiting; 0004 never synced.
    now = timezone.now()
    Item.objects.create(kind=portal.KIND, key="05443-251110-0003:2", group="05443-251110-0003", created_at=now,
                        next_attempt_at=now + timedelta(minutes=1))
    Item.objects.filter(kind=portal.KIND, group="05443-251110-0001").update(state=State.ACKNOWLEDGED)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/hang-doi/", {"tab": "all"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _badges(html) == {"05443-251110-0002", "05443-251110-0003", "05443-251110-0004",
                             "05443-250901-0001"}
    assert "Chưa đồng bộ" in html
    outbox_queries = [q for q in queries.captured_queries if "outbox_item" in q["sql"]]
    assert len(outbox_queries) == 1  # one for the page, not one per row
