"""Counting the portal's page views: what is counted, under which procedure, once per visitor and day, and
that nothing identifying a browser is written."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from motcua.applications.models import Draft
from motcua.usage import collect
from motcua.usage.models import DailySalt, DailyUsage, DayVisitor, PageKind, SubmitAttempt
from tests.usage.conftest import CHROME, FIREFOX, browser

MORNING = datetime.fromisoformat("2025-11-05T09:00:00+07:00")


def totals(**filters):
    rows = DailyUsage.objects.filter(**filters)
    return {name: sum(getattr(r, name) for r in rows) for name in ("views", "entries", "new_visitors",
                                                                   "procedure_visitors")}


@pytest.fixture
def at_morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def test_a_procedure_page_view_is_counted_under_its_procedure(portal_world, at_morning):
    response = browser().get(reverse("portal:procedure", args=[portal_world.birth.code]))
    assert response.status_code == 200
    row = DailyUsage.objects.get()
    assert (row.day.isoformat(), row.kind, row.procedure_key, row.unit_key) == (
        "2025-11-05", PageKind.PROCEDURE, portal_world.birth.pk, 0)
    assert (row.views, row.entries, row.new_visitors, row.procedure_visitors) == (1, 1, 1, 1)


def test_what_is_not_a_counted_page_view(portal_world, client_of, at_morning):
    officer = client_of(portal_world.monitor)
    officer.defaults.update(HTTP_USER_AGENT=FIREFOX)
    assert officer.get(reverse("office:queue")).status_code == 200  # not the portal
    visitor = browser()
    assert visitor.get("/dich-vu-cong/thu-tuc/khong-co/").status_code == 404
    assert visitor.post(reverse("portal:catalog")).status_code in (200, 405)  # a POST
    assert visitor.get(reverse("portal:catalog"), HTTP_SEC_PURPOSE="prefetch").status_code == 200
    for robot in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", "python-requests/2.32", ""):
        assert browser(robot).get(reverse("portal:catalog")).status_code == 200
    assert DailyUsage.objects.count() == 0 and DayVisitor.objects.count() == 0


def test_a_visitor_is_counted_once_a_day_and_two_visitors_twice(portal_world, at_morning):
    one = browser(FIREFOX, "203.0.113.7")
    for _ in range(3):
        one.get(reverse("portal:catalog"))
    one.get(reverse("portal:procedure", args=[portal_world.birth.code]))
    one.get(reverse("portal:procedure", args=[portal_world.birth.code]))
    assert totals() == {"views": 5, "entries": 1, "new_visitors": 1, "procedure_visitors": 1}
    # Same address, another browser (a family's shared connection): another visitor.
    browser(CHROME, "203.0.113.7").get(reverse("portal:procedure", args=[portal_world.birth.code]))
    assert totals() == {"views": 6, "entries": 2, "new_visitors": 2, "procedure_visitors": 2}
    assert totals(kind=PageKind.PROCEDURE)["views"] == 3


def test_a_new_visit_after_half_an_hour_without_a_page_and_a_new_visitor_the_next_day(portal_world, at_morning):
    one = browser()
    one.get(reverse("portal:catalog"))
    at_morning.shift(timedelta(minutes=29))
    one.get(reverse("portal:catalog"))
    at_morning.shift(timedelta(minutes=29))
    one.get(reverse("portal:catalog"))  # 58 minutes after the first, but never 30 idle: one visit
    at_morning.shift(timedelta(minutes=31))
    one.get(reverse("portal:catalog"))
    assert totals() == {"views": 4, "entries": 2, "new_visitors": 1, "procedure_visitors": 0}
    at_morning.shift(timedelta(days=1))
    one.get(reverse("portal:catalog"))
    assert totals(day=MORNING.date() + timedelta(days=1)) == {"views": 1, "entries": 1, "new_visitors": 1,
                                                              "procedure_visitors": 0}
    assert DailySalt.objects.count() == 2  # a salt per day: the next day's hash cannot be linked to the first


def test_the_form_and_the_dossier_pages_are_counted_under_the_draft_procedure_and_unit(citizen_client,
                                                                                       portal_world, at_morning):
    citizen_client.defaults.update(HTTP_USER_AGENT=FIREFOX)
    citizen_client.get(reverse("portal:apply", args=[portal_world.birth.code]))  # a redirect: not a page
    draft = Draft.objects.get()
    assert citizen_client.get(reverse("portal:draft", args=[draft.pk])).status_code == 200
    row = DailyUsage.objects.get()
    assert (row.kind, row.procedure_key, row.unit_key) == (PageKind.FORM, portal_world.birth.pk,
                                                           portal_world.commune_a.pk)
    response = citizen_client.post(reverse("portal:draft", args=[draft.pk]), {"action": "submit"})
    assert response.status_code == 400
    assert SubmitAttempt.objects.filter(draft=draft).exists()


def test_nothing_identifying_the_browser_or_the_person_is_stored(citizen_client, portal_world, at_morning):
    address, agent = "198.51.100.23", CHROME + " motcua-test-marker"
    citizen_client.defaults.update(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    citizen_client.get(reverse("portal:catalog"))
    citizen_client.get(reverse("portal:procedure", args=[portal_world.birth.code]))
    citizen_client.get(reverse("portal:apply", args=[portal_world.birth.code]))
    citizen_client.post(reverse("portal:draft", args=[Draft.objects.get().pk]), {"action": "submit"})
    user = portal_world.citizen
    forbidden = {address, agent, "motcua-test-marker", "198.51.100", user.username, "Nguyễn Văn An"}
    models = (DailySalt, DayVisitor, DailyUsage, SubmitAttempt)
    assert all(m.objects.exists() for m in models)
    for model in models:
        columns = [f.column for f in model._meta.concrete_fields]
        assert not {"ip", "user_agent", "user_id", "address", "owner_id"} & set(columns)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            for record in cursor.fetchall():
                for value in record:
                    assert not any(word in str(value) for word in forbidden), (model.__name__, value)
    # SubmitAttempt holds the draft's id (the application's own record, deleted with it), not who owns it.
    assert {f.column for f in SubmitAttempt._meta.concrete_fields} == {"draft_id", "first_at"}


def test_a_failing_count_never_breaks_the_page(portal_world, at_morning, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database full")
    monkeypatch.setattr(collect, "record_view", broken)
    response = browser().get(reverse("portal:catalog"))
    assert response.status_code == 200 and "không được đếm" not in response.content.decode()
    assert "was not counted" in caplog.text


def test_behind_a_proxy_the_configured_header_gives_the_address(portal_world, at_morning, settings):
    settings.MOTCUA_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = "10.0.0.1"
    browser(address=proxy).get(reverse("portal:catalog"), HTTP_X_FORWARDED_FOR="203.0.113.1")
    browser(address=proxy).get(reverse("portal:catalog"), HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert totals()["new_visitors"] == 2
