"""The public index API is rate-limited per client address (MOTCUA_API_RATE): a Vietnamese 429 in JSON with
Retry-After; other addresses are served."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from motcua.interchange.importer import import_folder

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2025-10-01", "to": "2025-10-31"}
# Fixed one-minute windows in django-ratelimit: the clock is frozen inside one.
AT = datetime(2025, 11, 5, 2, 0, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def imported(small_folder):
    import_folder(small_folder)


def _address():
    # A fresh address per test: counts live in the process-wide cache.
    # (IPv4: django-ratelimit counts a whole IPv6 /64 as one address.)
    return "198.18.{}.{}".format(*uuid.uuid4().bytes[:2])


def test_beyond_the_rate_an_address_gets_a_vietnamese_429_with_retry_after(settings):
    settings.MOTCUA_API_RATE = "3/m"
    client, other = Client(REMOTE_ADDR=_address()), Client(REMOTE_ADDR=_address())
    with time_machine.travel(AT, tick=False):
        # Both endpoints share the address's budget.
        assert client.get("/api/v1/index", PERIOD).status_code == 200
        assert client.get("/api/v1/index/extras", PERIOD).status_code == 200
        assert client.get("/api/v1/index", PERIOD).status_code == 200
        refused = client.get("/api/v1/index/extras", PERIOD)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/json"
        # Seconds to the end of the address's window (django-ratelimit staggers windows per address).
        wait = int(refused["Retry-After"])
        assert 1 <= wait <= 60
        message = refused.json()["error"]["message"]
        assert "Quá nhiều yêu cầu" in message and "3 yêu cầu mỗi phút" in message and f"{wait} giây" in message
        assert "Quá nhiều" in refused.content.decode("utf-8")  # UTF-8, not \u escapes
        assert client.get("/api/v1/index", PERIOD).status_code == 429
        # Someone else is still served.
        assert other.get("/api/v1/index", PERIOD).status_code == 200
    with time_machine.travel(AT + timedelta(minutes=1), tick=False):
        assert client.get("/api/v1/index", PERIOD).status_code == 200


def test_an_empty_rate_means_no_limit(settings):
    settings.MOTCUA_API_RATE = ""
    client = Client(REMOTE_ADDR=_address())
    with time_machine.travel(AT, tick=False):
        assert all(client.get("/api/v1/index/extras", PERIOD).status_code == 200 for _ in range(5))


def test_a_request_without_a_client_address_is_limited_not_a_server_error(client, settings):
    """Behind a unix socket without the proxy's header REMOTE_ADDR is empty: such requests share one bucket
    (motcua/lib/clientaddress.py) instead of failing with a 500."""
    settings.MOTCUA_API_RATE = "2/m"
    answers = [client.get("/api/v1/index?from=2025-11-01&to=2025-11-07", REMOTE_ADDR="").status_code
               for _ in range(3)]
    assert 500 not in answers and answers[-1] == 429
