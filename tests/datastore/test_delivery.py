"""A signed result's copy goes to its holder's personal data store through the outbox, and
`result_to_data_store` follows the store's acknowledgment, not the signing (interop.md §3)."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from motcua.changes.models import DossierStamp
from motcua.changes.tracking import watermark
from motcua.datastore import store
from motcua.dossiers.models import Dossier
from motcua.office import actions
from motcua.outbox.models import Item, State
from motcua.outbox.worker import UnauthorisedError, Worker
from tests.office.conftest import AT, CITIZEN_ID, receive

pytestmark = pytest.mark.django_db


class Clock:
    """Simulated time: the worker's sleeps pass at once."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += timedelta(seconds=seconds)


def signed_pdf(code: str) -> bytes:
    return f"%PDF-1.7\n% ket qua {code}, da ky so\n%%EOF\n".encode()


def sign(world, id_number=CITIZEN_ID):
    """A birth registration received, processed and signed by commune A's leader."""
    dossier = receive(world, id_number=id_number)
    actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version)
    dossier = Dossier.objects.get(pk=dossier.pk)
    actions.do_resolve(dossier, actor=world.processor_a, result_text="Cấp Giấy khai sinh.", version=dossier.version)
    dossier = Dossier.objects.get(pk=dossier.pk)
    result = actions.do_approve_and_sign(dossier, actor=world.leader_a, version=dossier.version,
                                         signed_pdf=signed_pdf(dossier.code), signer_name=world.commune_a.name,
                                         at=AT + timedelta(hours=5))
    return Dossier.objects.get(pk=dossier.pk), result


def worker(clock=None):
    clock = clock or Clock()
    return Worker(kinds=[store.KIND], clock=clock, sleep=clock.sleep)


def test_signing_queues_the_copy_and_the_flag_waits_for_the_store(world):
    dossier, result = sign(world)
    item = Item.objects.get(kind=store.KIND)
    assert (item.key, item.group, item.state) == (result.code, dossier.code, State.WAITING)
    assert item.payload == {
        "result_code": result.code, "dossier_code": dossier.code, "procedure": "1.001193", "id_number": CITIZEN_ID,
        "issued_at": result.issued_at.isoformat(), "sha256": result.sha256, "file_name": result.file.name}
    assert not dossier.result_to_data_store
    assert dossier.e_result_code == result.code  # the result itself is issued at once


def test_without_an_identity_number_nothing_is_queued(world):
    dossier, _result = sign(world, id_number="")
    assert not Item.objects.filter(kind=store.KIND).exists()
    assert not dossier.result_to_data_store


def test_the_worker_delivers_the_signed_file_and_the_flag_follows(world, store_settings, datastore_standin):
    dossier, result = sign(world)
    before = watermark().seq
    outcome = worker().run(until_idle=True)
    assert (outcome.sent, outcome.acknowledged) == (1, 1)
    item = Item.objects.get(kind=store.KIND)
    assert item.state == State.ACKNOWLEDGED and item.acknowledged_at is not None
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.result_to_data_store
    # The live index hears of it in the same transaction.
    assert DossierStamp.objects.get(dossier_id=dossier.pk).seq > before

    held = datastore_standin.state()["results"][result.code]
    with default_storage.open(result.file.name, "rb") as handle:
        signed = handle.read()
    assert held["sha256_of_file"] == held["SHA256"] == result.sha256 == hashlib.sha256(signed).hexdigest()
    assert (held["MaHoSo"], held["MaTTHC"], held["SoDinhDanh"]) == (dossier.code, "1.001193", CITIZEN_ID)
    assert held["NgayCap"] == "20251105140000"  # 09:00 + 5 h, local time
    assert [r["MaKetQua"] for r in store.stored_results(CITIZEN_ID)] == [result.code]


def test_stored_then_500_is_retried_and_stored_once(world, store_settings, datastore_standin):
    _dossier, result = sign(world)
    datastore_standin.faults([{"kind": "store_then_error", "status": 500}])
    clock = Clock()
    first = worker(clock).run_once()
    assert (first.transient, Item.objects.get(kind=store.KIND).state) == (1, State.WAITING)
    worker(clock).run(until_idle=True)
    assert Item.objects.get(kind=store.KIND).state == State.ACKNOWLEDGED
    state = datastore_standin.state()
    assert [entry["key"] for entry in state["stored"]] == [result.code]
    assert (state["requests"], state["duplicates"], state["duplicates_differing"]) == (2, 1, 0)


def test_a_refusal_is_listed_with_its_reason_and_the_flag_stays_false(world, store_settings, datastore_standin,
                                                                      capsys):
    dossier, result = sign(world)
    # The store refuses the content (here a procedure code it cannot take).
    item = Item.objects.get(kind=store.KIND)
    item.payload = {**item.payload, "procedure": " "}
    item.save(update_fields=["payload"])
    outcome = worker().run(until_idle=True)
    assert (outcome.sent, outcome.refused) == (1, 1)
    item.refresh_from_db()
    assert item.state == State.FAILED and item.last_error.startswith("HTTP 400: MaTTHC:")
    assert not Dossier.objects.get(pk=dossier.pk).result_to_data_store
    assert datastore_standin.state()["stored"] == []
    call_command("datastore", "status", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert (listed["waiting"], listed["failed"], listed["acknowledged"]) == (0, 1, 0)
    assert listed["failures"] == [{"MaKetQua": result.code, "MaHoSo": dossier.code, "reason": item.last_error,
                                   "attempts": 1}]


def test_a_changed_file_is_never_sent(world, store_settings, datastore_standin):
    _dossier, result = sign(world)
    with default_storage.open(result.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7\n% not what was signed\n%%EOF\n")
    worker().run(until_idle=True)
    item = Item.objects.get(kind=store.KIND)
    assert item.state == State.FAILED and "SHA-256" in item.last_error
    assert datastore_standin.state()["requests"] == 0


def test_an_outage_of_an_hour_then_recovery(world, store_settings, datastore_standin):
    dossier, result = sign(world)
    datastore_standin.down()  # every request is closed without an answer until cleared
    clock = Clock()
    started = clock.now
    outcome = worker(clock).run(until_idle=True, max_seconds=3600)
    item = Item.objects.get(kind=store.KIND)
    assert outcome.stopped_early and item.state == State.WAITING and not item.leased_until
    assert clock.now - started >= timedelta(hours=1)
    # Backoff is capped at a minute between tries: about one a minute once it has grown.
    assert 55 <= item.attempts <= 125 and outcome.acknowledged == 0
    assert not Dossier.objects.get(pk=dossier.pk).result_to_data_store
    datastore_standin.clear()
    worker(clock).run(until_idle=True)
    assert Item.objects.get(kind=store.KIND).state == State.ACKNOWLEDGED
    assert Dossier.objects.get(pk=dossier.pk).result_to_data_store
    assert [entry["key"] for entry in datastore_standin.state()["stored"]] == [result.code]


def test_a_429_is_retried_after_the_time_asked(world, store_settings, datastore_standin):
    sign(world)
    datastore_standin.faults([{"kind": "status", "status": 429, "retry_after": 30}])
    clock = Clock()
    started = clock.now
    worker(clock).run_once()
    item = Item.objects.get(kind=store.KIND)
    assert item.attempts == 1 and item.next_attempt_at >= started + timedelta(seconds=30)
    worker(clock).run(until_idle=True)
    assert Item.objects.get(kind=store.KIND).state == State.ACKNOWLEDGED


def test_wrong_credentials_stop_the_run_and_mark_nothing(world, store_settings, datastore_standin):
    store_settings.MOTCUA_DATA_STORE_TOKEN = "wrong"
    sign(world)
    with pytest.raises(UnauthorisedError):
        worker().run(until_idle=True)
    item = Item.objects.get(kind=store.KIND)
    assert (item.state, item.attempts) == (State.WAITING, 0)
    with pytest.raises(CommandError) as refused:
        call_command("datastore", "run", "--until-idle")
    assert refused.value.returncode == 2


def test_the_command_delivers_and_says_when_work_remains(world, store_settings, datastore_standin, settings):
    dossier, _result = sign(world)
    datastore_standin.down()
    with pytest.raises(CommandError) as remains:
        call_command("datastore", "run", "--max-seconds", "0.5")
    assert remains.value.returncode == 3
    datastore_standin.clear()
    Item.objects.filter(kind=store.KIND).update(next_attempt_at=timezone.now())
    call_command("datastore", "run", "--until-idle")
    assert Dossier.objects.get(pk=dossier.pk).result_to_data_store
    settings.MOTCUA_DATA_STORE_URL = ""
    with pytest.raises(CommandError) as unset:
        call_command("datastore", "run", "--until-idle")
    assert unset.value.returncode == 2

