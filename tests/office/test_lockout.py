"""Lockout per account and address (docs/decisions.md): growing waits, a lock for the failing address
only, the officer's own machine still logs in, a success forgets the failures, and an alarm when an account
fails from many addresses."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from motcua.office import security
from motcua.office.models import LoginThrottle
from tests.office.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OFFICE = "10.19.5.21"


def _login(client, username, password=PASSWORD):
    return client.post("/dang-nhap/", {"username": username, "password": password})


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_the_attackers_address_is_locked_and_the_officers_own_still_logs_in(world):
    attacker, officer = Client(REMOTE_ADDR=ATTACKER), Client(REMOTE_ADDR=OFFICE)
    start = timezone.now()
    for second in range(5):
        with time_machine.travel(start + timedelta(seconds=10 * second), tick=False):
            response = _login(attacker, "tiepnhan.pdp", "doan-mo")
    assert response.status_code == 403 and "tạm thời bị khóa" in response.content.decode()
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        # Even the right password is refused from the attacker's address ...
        assert _login(attacker, "tiepnhan.pdp").status_code == 403 and not _logged_in(attacker)
        # ... but the officer at her desk is not locked out.
        assert _login(officer, "tiepnhan.pdp").status_code == 302 and _logged_in(officer)
        # Her success does not unlock the attacker's address.
        assert security.locked_until("tiepnhan.pdp", ATTACKER) is not None
    with time_machine.travel(start + timedelta(seconds=40, minutes=15, microseconds=1), tick=False):
        assert _login(Client(REMOTE_ADDR=ATTACKER), "tiepnhan.pdp").status_code == 302


def test_waits_grow_with_each_failure_and_the_fifth_locks():
    assert [security.delay_after(n) for n in range(1, 6)] == [
        timedelta(0), timedelta(0), timedelta(seconds=1), timedelta(seconds=2), timedelta(minutes=15)]
    start = timezone.now()
    waits = []
    at = start
    for _ in range(5):
        locked = security.register_failure("chuyenvien.pdp", ATTACKER, at)
        until = security.locked_until("chuyenvien.pdp", ATTACKER, at)
        waits.append(timedelta(0) if until is None else until - at)
        at = (until or at) + timedelta(milliseconds=1)
    assert waits == [timedelta(0), timedelta(0), timedelta(seconds=1), timedelta(seconds=2), timedelta(minutes=15)]
    assert locked
    # Another address has no wait at all.
    assert security.locked_until("chuyenvien.pdp", OFFICE, at) is None


def test_an_attempt_during_the_wait_is_refused_unchecked_and_counts(world):
    client = Client(REMOTE_ADDR=ATTACKER)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            assert _login(client, "chuyenvien.pdp", "sai").status_code == 400
        # The third failure imposes a one-second wait: the right password is not even checked.
        hurried = _login(client, "chuyenvien.pdp")
        assert hurried.status_code == 400 and "chờ" in hurried.content.decode() and not _logged_in(client)
        assert LoginThrottle.objects.get(username="chuyenvien.pdp", source=ATTACKER).failures == 4
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        assert _login(client, "chuyenvien.pdp").status_code == 302 and _logged_in(client)


def test_a_success_forgets_the_failures_of_that_address(world):
    client = Client(REMOTE_ADDR=OFFICE)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            assert _login(client, "lanhdao.pdp", "sai").status_code == 400
        assert _login(client, "lanhdao.pdp").status_code == 302
        assert not LoginThrottle.objects.filter(username="lanhdao.pdp", source=OFFICE).exists()
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        # The count starts again: three more failures do not lock, and no wait after the first two.
        fresh = Client(REMOTE_ADDR=OFFICE)
        for _ in range(2):
            assert _login(fresh, "lanhdao.pdp", "sai").status_code == 400
        assert security.locked_until("lanhdao.pdp", OFFICE) is None


def test_failures_from_many_addresses_raise_an_alarm_without_locking_anyone(world, caplog):
    start = timezone.now()
    with time_machine.travel(start, tick=False), caplog.at_level(logging.WARNING, logger="motcua.security"):
        for n in range(security.ALARM_SOURCES - 1):
            assert _login(Client(REMOTE_ADDR=f"198.51.100.{n}"), "theodoi.pdp", "sai").status_code == 400
        assert not [r for r in caplog.records if r.name == "motcua.security"]
        assert _login(Client(REMOTE_ADDR="198.51.100.99"), "theodoi.pdp", "sai").status_code == 400
        alarms = [r.getMessage() for r in caplog.records if r.name == "motcua.security"]
        assert len(alarms) == 1 and "theodoi.pdp" in alarms[0] and str(security.ALARM_SOURCES) in alarms[0]
        # A second failure from an address already counted does not repeat the alarm.
        _login(Client(REMOTE_ADDR="198.51.100.99"), "theodoi.pdp", "sai")
        assert len([r for r in caplog.records if r.name == "motcua.security"]) == 1
        assert _login(Client(REMOTE_ADDR=OFFICE), "theodoi.pdp").status_code == 302
