"""Delivery survives real crashes (issue 8 point 1): `motcua sync run` runs as its own process, against the
stand-in in its own process, on the test database (committed data: `transaction=True`), and is killed with
SIGKILL mid-request, stopped with SIGTERM or `--max-seconds`, has its database connections terminated
under it (PostgreSQL), or runs as four workers at once (PostgreSQL, `FOR UPDATE SKIP LOCKED`). Each time,
every dossier version ends up stored at the portal once, acknowledged, with `synced_at` set.

The stand-in runs without a state file (one fsync per request would make it the slowest part). The
workers get `MOTCUA_OUTBOX_LEASE_SECONDS=2`, so an item claimed by a killed worker is sent again two
seconds later (the production default is 120 s), and run with `--skip-checks` (Django's system checks
import every view and take about 3 s of a process's start here; one `status --json` runs with them).
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from motcua.dossiers.lifecycle import transition
from motcua.dossiers.models import Dossier
from motcua.dossiers.national import report_version
from motcua.interchange.importer import import_folder
from motcua.outbox.models import Item, State
from motcua.outbox.worker import Worker
from motcua.standins.process import StandinProcess
from motcua.sync.management.commands.sync import status_counts
from tests.conftest import DOSSIERS, dossier, write_folder

pytestmark = pytest.mark.django_db(transaction=True)
KIND = "portal.dossier"
ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: needs pg_terminate_backend / "
                                   "several workers (SQLite runs one worker)")


@pytest.fixture
def portal(settings):
    """The stand-in in its own process, without a state file; the settings point at it."""
    with StandinProcess(token="test-token") as standin:
        settings.MOTCUA_NATIONAL_PORTAL_URL = standin.url
        settings.MOTCUA_NATIONAL_PORTAL_TOKEN = standin.token
        settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT = 5
        yield standin


# -- running `motcua sync` as a process -----------------------------------------------------------------------


def database_url() -> str:
    """The test database, as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(portal, lease: int = 2, **overrides) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="motcua.settings", MOTCUA_VAR_DIR=str(settings.VAR_DIR),
        MOTCUA_NATIONAL_PORTAL_URL=portal.url, MOTCUA_NATIONAL_PORTAL_TOKEN=portal.token,
        MOTCUA_NATIONAL_PORTAL_TIMEOUT="10", MOTCUA_OUTBOX_LEASE_SECONDS=str(lease), PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env.update(overrides)
    return env


class SyncProcess:
    """`python -m motcua.cli sync ARGS` in the background, its output in a log file."""

    def __init__(self, tmp_path: Path, env: dict, *args: str, name: str = "worker"):
        self.log = tmp_path / f"{name}.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(command(*args), cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=subprocess.STDOUT)

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"`sync` did not end within {timeout} s:\n{self.output()}") from None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop_if_running(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def command(*args: str, checks: bool = False) -> list[str]:
    return [sys.executable, "-m", "motcua.cli", "sync", *([] if checks else ["--skip-checks"]), *args]


def sync(env: dict, *args: str, timeout: float = 60, checks: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args, checks=checks), cwd=ROOT, env=env, timeout=timeout, capture_output=True,
                          text=True)


@pytest.fixture
def workers():
    """Every worker a test starts is killed at the end, whatever happened (the database is then flushed)."""
    started: list[SyncProcess] = []
    yield started
    for worker in started:
        worker.stop_if_running()


def start(workers, tmp_path, env, *args, name="worker") -> SyncProcess:
    worker = SyncProcess(tmp_path, env, *args, name=name)
    workers.append(worker)
    return worker


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"waited {timeout} s for {what}")


# -- the record ------------------------------------------------------------------------------------------------


def import_unsynced(tmp_path, records) -> list[Dossier]:
    """Import `records` never synced (`synced_at: null`): each dossier's version 1 waits (backfill)."""
    import_folder(write_folder(tmp_path / "in", dossiers=[{**d, "synced_at": None} for d in records]))
    assert status_counts() == {"waiting": len(records), "failed": 0, "acknowledged": 0}
    return list(Dossier.objects.order_by("code"))


@pytest.fixture
def unsynced(tmp_path):
    return import_unsynced(tmp_path, DOSSIERS)


def generated(count: int) -> list[dict]:
    return [dossier(f"05443-251030-{n:04d}") for n in range(1, count + 1)]


def expected_keys() -> set[str]:
    """The key of each dossier's current version: what the portal must hold in the end."""
    return {f"{code}:{version + 1}" for code, version in Dossier.objects.values_list("code", "version")}


def assert_everything_delivered_once(portal, dossiers: int):
    state = portal.state()
    keys = [entry["key"] for entry in state["stored"]]
    assert len(keys) == len(set(keys)), "a version was stored twice"
    assert expected_keys() <= set(keys)
    assert {code: held["PhienBan"] for code, held in state["held"].items()} == {
        code: version + 1 for code, version in Dossier.objects.values_list("code", "version")}
    assert state["rejected_older"] == 0 and state["duplicates_differing"] == 0
    assert status_counts() == {"waiting": 0, "failed": 0, "acknowledged": Item.objects.filter(kind=KIND).count()}
    assert not Item.objects.filter(kind=KIND, acknowledged_at__isnull=True).exists()
    assert Dossier.objects.filter(synced_at__isnull=False).count() == dossiers
    return state


# -- the tests ------------------------------------------------------------------------------------------------


def test_a_worker_killed_mid_request_loses_nothing_and_the_portal_stores_it_once(portal, unsynced, tmp_path,
                                                                                   workers):
    portal.faults([{"kind": "slow", "seconds": 3}])  # the first request takes 3 s to answer
    worker = start(workers, tmp_path, worker_env(portal), "run", name="killed")  # as a service
    wait_for(lambda: portal.state()["requests"] >= 1, 30, "the worker's first request")
    worker.process.send_signal(signal.SIGKILL)
    assert worker.wait(5) == -signal.SIGKILL

    # Killed mid-request: nothing recorded, the claimed items are only leased.
    assert status_counts() == {"waiting": len(unsynced), "failed": 0, "acknowledged": 0}
    assert Item.objects.filter(kind=KIND, leased_until__isnull=False).exists()
    # The stand-in still finishes the request it was in and stores that version.
    stored = wait_for(lambda: portal.state()["stored"], 10, "the stand-in to store the killed request")
    killed_key = stored[0]["key"]
    assert Item.objects.get(kind=KIND, key=killed_key).state == State.WAITING

    again = sync(worker_env(portal), "run", "--until-idle")
    assert again.returncode == 0, again.stderr
    state = assert_everything_delivered_once(portal, len(unsynced))
    # The killed request's version was sent again with its key: answered 200, not stored a second time.
    assert state["duplicates"] == 1
    assert len(state["stored"]) == len(unsynced) and [e["key"] for e in state["stored"]][0] == killed_key
    assert Item.objects.get(kind=KIND, key=killed_key).attempts == 0  # a lost answer is not a failure


def test_sigterm_finishes_the_request_in_flight_then_exits(portal, unsynced, tmp_path, workers):
    portal.faults([{"kind": "slow", "seconds": 2}])
    worker = start(workers, tmp_path, worker_env(portal), "run", name="terminated")
    wait_for(lambda: portal.state()["requests"] >= 1, 30, "the worker's first request")
    stopped = time.monotonic()
    worker.process.send_signal(signal.SIGTERM)
    code = worker.wait(15)
    assert time.monotonic() - stopped < 8, worker.output()
    # The request in flight was answered and recorded; the rest was released, and work remains: exit 3.
    assert code == 3, worker.output()
    state = portal.state()
    assert state["requests"] == 1 and len(state["stored"]) == 1
    assert Item.objects.get(kind=KIND, key=state["stored"][0]["key"]).state == State.ACKNOWLEDGED
    assert status_counts() == {"waiting": len(unsynced) - 1, "failed": 0, "acknowledged": 1}
    assert not Item.objects.filter(kind=KIND, state=State.WAITING, leased_until__isnull=False).exists()

    again = sync(worker_env(portal), "run", "--until-idle")
    assert again.returncode == 0, again.stderr
    assert assert_everything_delivered_once(portal, len(unsynced))["duplicates"] == 0  # nothing sent twice


def test_a_worker_stopped_with_work_left_exits_3_and_the_next_one_delivers_everything(portal, unsynced):
    env = worker_env(portal)
    without_portal = sync(worker_env(portal, MOTCUA_NATIONAL_PORTAL_URL=""), "run", "--until-idle")
    assert without_portal.returncode == 2 and "MOTCUA_NATIONAL_PORTAL_URL" in without_portal.stderr
    assert not Item.objects.filter(kind=KIND, attempts__gt=0).exists()  # nothing was tried

    portal.down()  # every request refused until cleared
    first = sync(env, "run", "--max-seconds", "1")
    assert first.returncode == 3, first.stderr
    status = sync(env, "status", "--json", checks=True)  # as an operator runs it
    assert status.returncode == 0
    assert json.loads(status.stdout) == {"waiting": len(unsynced), "failed": 0, "acknowledged": 0}
    tried = Item.objects.filter(kind=KIND)
    assert all(item.attempts >= 1 and item.leased_until is None and item.last_error for item in tried)

    portal.clear()
    second = sync(env, "run", "--until-idle")
    assert second.returncode == 0, second.stderr
    status = json.loads(sync(env, "status", "--json").stdout)
    assert status == {"waiting": 0, "failed": 0, "acknowledged": len(unsynced)}
    assert assert_everything_delivered_once(portal, len(unsynced))["duplicates"] == 0


class Clock:
    """Simulated time for a worker run in this process; counts the sleeps."""

    def __init__(self):
        self.now = timezone.now()
        self.sleeps: list[float] = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


def test_a_worker_finding_a_killed_workers_items_under_lease_waits_for_the_lease_without_spinning(portal,
                                                                                                   unsynced):
    """After a crash the items stay leased (120 s by default): the next worker looks again every second
    until the lease runs out, then sends them; it neither sends them early nor queries in a tight loop."""
    clock = Clock()
    started = clock()
    first = unsynced[0]
    Dossier.objects.filter(pk=first.pk).update(version=first.version + 1)  # a newer version, not leased,
    report_version(first.code, first.version + 1, clock())  # waits behind the leased one
    Item.objects.filter(kind=KIND, key__endswith=":1").update(leased_until=clock() + timedelta(seconds=120))
    result = Worker(kinds=[KIND], clock=clock, sleep=clock.sleep).run(until_idle=True)
    assert result.acknowledged == len(unsynced)
    state = portal.state()
    assert state["requests"] == len(unsynced) and len(state["stored"]) == len(unsynced)
    assert clock() - started >= timedelta(seconds=120)  # sent once the lease ran out, not before
    assert 100 <= len(clock.sleeps) <= 125  # it looked once a second, not every 10 ms
    assert sum(1 for seconds in clock.sleeps if seconds < 0.5) <= 2
    assert status_counts() == {"waiting": 0, "failed": 0, "acknowledged": len(unsynced) + 1}


def terminate_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return sum(1 for (done,) in cursor.fetchall() if done)


@postgres_only
def test_the_worker_survives_its_database_connections_being_terminated(portal, tmp_path, workers):
    count = 40
    import_unsynced(tmp_path, generated(count))
    portal.faults([{"kind": "slow", "seconds": 0.1, "times": count}])  # about 4 s of delivery
    worker = start(workers, tmp_path, worker_env(portal), "run", name="db-restart")
    terminated = 0
    for stored in (5, 20):
        wait_for(lambda n=stored: len(portal.state()["stored"]) >= n, 30, f"{stored} versions stored")
        terminated += terminate_other_connections()
    assert terminated >= 2  # the worker's connection, twice
    wait_for(lambda: status_counts()["waiting"] == 0, 40, "everything acknowledged")
    stopped = time.monotonic()
    worker.process.send_signal(signal.SIGTERM)
    assert worker.wait(10) == 0, worker.output()
    assert time.monotonic() - stopped < 5
    assert "database unavailable" in worker.output()
    assert_everything_delivered_once(portal, count)


@postgres_only
def test_four_workers_deliver_each_version_once_through_transient_failures(portal, tmp_path, workers):
    count = 200
    dossiers = import_unsynced(tmp_path, generated(count))
    for d in dossiers[:50]:  # a second version waits before anything was sent (coalesced with the first)
        transition(d, "assign")
    # One request in five answers 503 (no Retry-After), for the first 200 requests.
    portal.faults([{"kind": "status", "status": 503}, {"kind": "slow", "seconds": 0, "times": 4}] * 40)
    # A long lease: this test is about claiming (SKIP LOCKED), not about taking over a dead worker's items.
    env = worker_env(portal, lease=60)
    running = [start(workers, tmp_path, env, "run", "--until-idle", name=f"worker-{n}") for n in range(4)]

    # While they deliver, more versions: of dossiers already stored and of dossiers not yet sent.
    wait_for(lambda: len(portal.state()["stored"]) >= 20, 60, "the first 20 versions stored")
    stored = {e["MaHoSo"] for e in portal.state()["stored"]}
    after_stored = [d for d in dossiers[50:] if d.code in stored][:20]
    later = after_stored + [d for d in dossiers[50:] if d.code not in stored][:20]
    for d in later:
        transition(Dossier.objects.get(pk=d.pk), "assign")
    assert all(worker.process.poll() is None for worker in running), "a worker went idle before the changes"

    # Until idle: each returns as soon as nothing waits, also when another worker delivered the last item.
    wait_for(lambda: status_counts()["waiting"] == 0, 90, "everything acknowledged", interval=0.2)
    codes = [worker.wait(10) for worker in running]
    assert codes == [0, 0, 0, 0], [worker.output() for worker in running]
    state = assert_everything_delivered_once(portal, count)
    # Each request stored a new version or met one of the 40 faults: no item was claimed by two workers.
    # (The one way to send a version twice here: a change committed between the worker choosing the
    # newest waiting item and reading the dossier makes it send the newer version early, and that
    # version's own item later; the portal answers it 200 without storing it again.)
    assert state["faults_pending"] == 0 and state["duplicates"] <= len(later)
    assert state["requests"] == len(state["stored"]) + 40 + state["duplicates"]
    # Per dossier, the versions were stored in increasing order.
    stored_versions: dict[str, list[int]] = {}
    for entry in state["stored"]:
        stored_versions.setdefault(entry["MaHoSo"], []).append(entry["PhienBan"])
    assert all(versions == sorted(set(versions)) for versions in stored_versions.values())
    assert after_stored and all(stored_versions[d.code] == [1, 2] for d in after_stored)  # stored, changed, again
    # The work was shared: every request was sent by one of the workers.
    sent = [int(re.search(r"Đã gửi (\d+)", worker.output()).group(1)) for worker in running]
    assert sum(sent) == state["requests"] and sum(1 for n in sent if n) >= 2, sent
