"""Encrypted backups: a small world backed up, the database emptied, restored, and everything found again."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from motcua.core import audit
from motcua.core.backup import CHUNK, MAGIC, non_empty_models
from motcua.core.models import AuditEntry
from motcua.dossiers import lifecycle
from motcua.dossiers.models import DossierComponent
from motcua.feedback import lifecycle as feedback_lifecycle
from motcua.feedback.constants import Channel
from motcua.feedback.models import Feedback
from motcua.payments.models import Callback, Method, Payment, PaymentOrder, Purpose, Verdict
from tests.office.conftest import AT, receive

KEY = "khoa-sao-luu-rat-dai-va-bi-mat-2025"
COUNTED = ("dossiers.Dossier", "dossiers.DossierEvent", "dossiers.DossierComponent", "feedback.Feedback",
           "feedback.FeedbackEvent", "payments.Payment", "payments.PaymentOrder", "payments.Callback",
           "core.AuditEntry", "core.Membership", "auth.User", "units.Unit", "catalog.Procedure",
           "admin.LogEntry")


@pytest.fixture
def small_world(world, media_root):
    first = receive(world)
    second = receive(world, procedure=world.business, unit=world.dkkd, id_number="019090005678")
    lifecycle.transition(first, lifecycle.allowed_actions(first.status)[0], actor=world.processor_a, note="bước 1")
    feedback_lifecycle.receive(Feedback(unit=world.commune_a, channel=Channel.PORTAL, content="Phản ánh thử"),
                               actor=world.citizen, at=AT)
    payment = Payment.objects.create(dossier=second, amount_vnd=100000, method=Method.values[0], paid_at=AT,
                                     reference="GD-1")
    order = PaymentOrder.objects.create(code="DH-0001", dossier=second, purpose=Purpose.values[0],
                                        amount_vnd=100000, description="Lệ phí", state="paid", created_at=AT,
                                        expires_at=AT + timedelta(hours=1), payment=payment)
    Callback.objects.create(received_at=AT, params={"order": "DH-0001"}, order_code="DH-0001", order=order,
                            verdict=Verdict.values[0])
    # A file name with Vietnamese letters, in a sub-folder, with bytes that are not text.
    extra = Path(media_root) / "khac" / "giấy tờ.bin"
    extra.parent.mkdir(parents=True)
    extra.write_bytes(bytes(range(256)) * 10)
    return world


def empty_the_database():
    """`flush` inside the test's transaction; PostgreSQL first checks the deferred foreign keys, since it
    cannot TRUNCATE a table with checks pending."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def snapshot(media_root):
    counts = {label: apps.get_model(label)._base_manager.count() for label in COUNTED}
    files = {p.relative_to(media_root).as_posix(): p.read_bytes()
             for p in Path(media_root).rglob("*") if p.is_file()}
    return counts, files


def test_back_up_empty_the_database_restore_and_find_everything(small_world, media_root, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_BACKUP_KEY", KEY)
    audit.seal()  # what a commit would have done (the test's transaction never commits)
    counts, files = snapshot(media_root)
    assert all(counts[label] > 0 for label in COUNTED if label != "admin.LogEntry"), counts
    assert DossierComponent.objects.exclude(file="").count() >= 2 and len(files) >= 3
    chain = list(AuditEntry.objects.order_by("seq").values_list("seq", "hash"))

    archive = tmp_path / "motcua.bak"
    call_command("backup", str(archive))
    blob = archive.read_bytes()
    assert blob.startswith(MAGIC)
    # Encrypted: neither a file's bytes nor a name from the record can be read in it.
    assert "Phản ánh thử".encode() not in blob and b"DH-0001" not in blob and bytes(range(256)) not in blob

    empty_the_database()
    for path in Path(media_root).rglob("*"):
        if path.is_file():
            path.unlink()
    assert non_empty_models() == []

    call_command("restore", str(archive))
    assert snapshot(media_root) == (counts, files)
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", "hash")) == chain
    assert audit.verify()[1] is None
    # The restored database goes on: the next action links to the restored chain.
    dossier = receive(small_world)
    assert audit.seal() == 1
    assert dossier.pk and audit.verify() == (len(chain) + 1, None)


def test_restore_refuses_a_database_that_is_not_empty(small_world, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_BACKUP_KEY", KEY)
    archive = tmp_path / "motcua.bak"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="không trống"):
        call_command("restore", str(archive))


def test_a_wrong_key_or_a_changed_byte_fails_clearly_and_restores_nothing(small_world, media_root, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("MOTCUA_BACKUP_KEY", KEY)
    archive = tmp_path / "motcua.bak"
    call_command("backup", str(archive))
    empty_the_database()

    monkeypatch.setenv("MOTCUA_BACKUP_KEY", "khoa-sai")
    with pytest.raises(CommandError, match="Khóa sao lưu không đúng"):
        call_command("restore", str(archive))
    monkeypatch.setenv("MOTCUA_BACKUP_KEY", KEY)
    changed = bytearray(archive.read_bytes())
    changed[-10] ^= 1
    archive.write_bytes(bytes(changed))
    with pytest.raises(CommandError, match="bị sửa"):
        call_command("restore", str(archive))
    archive.write_bytes(bytes(changed[:-10]))
    with pytest.raises(CommandError, match="cắt cụt|bị sửa"):
        call_command("restore", str(archive))
    assert non_empty_models() == []


def test_no_key_no_backup(db, tmp_path, monkeypatch):
    monkeypatch.delenv("MOTCUA_BACKUP_KEY", raising=False)
    with pytest.raises(CommandError, match="MOTCUA_BACKUP_KEY"):
        call_command("backup", str(tmp_path / "x.bak"))
    assert not (tmp_path / "x.bak").exists()


def test_an_archive_larger_than_one_chunk_round_trips(db, tmp_path, settings, monkeypatch):
    from motcua.core.backup import EncryptingWriter, decrypt_chunks

    payload = bytes(range(251)) * (CHUNK // 100)
    path = tmp_path / "big.bin"
    with open(path, "wb") as raw, EncryptingWriter(raw, KEY) as writer:
        writer.write(payload[:1000])
        writer.write(payload[1000:])
    with open(path, "rb") as source:
        assert b"".join(decrypt_chunks(source, KEY)) == payload
