"""The hash-chained audit log: actions and admin changes land in it; a changed or removed row is found."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from motcua.core import audit
from motcua.core.models import AuditEntry, AuditTail
from motcua.dossiers import lifecycle
from motcua.dossiers.models import DossierEvent
from tests.office.conftest import receive


def verify_exit(capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        call_command("audit", "verify")
        raise SystemExit(0)
    out = capsys.readouterr()
    return stopped.value.code, out.out + out.err


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_transition_appends_an_entry_in_its_transaction_sealed_onto_the_chain_after(world):
    dossier = receive(world)
    audit.seal()
    before = AuditTail.objects.get(pk=1).seq
    outcome = lifecycle.transition(dossier, allowed_actions(dossier)[0], actor=world.processor_a, note="xử lý")
    pending = AuditEntry.objects.get(seq__isnull=True)  # written with the event, no tail touched
    assert (pending.hash, AuditTail.objects.get(pk=1).seq) == (None, before)
    assert audit.seal() == 1 and audit.unsealed() == 0
    entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.pk == pending.pk
    assert entry.kind == "dossiers.DossierEvent"
    assert (entry.object_type, entry.object_id) == ("dossiers.Dossier", str(dossier.pk))
    assert entry.actor_id == world.processor_a.pk
    assert entry.data["id"] == outcome.event.pk and entry.data["note"] == "xử lý"
    previous = AuditEntry.objects.get(seq=entry.seq - 1)
    assert entry.prev_hash == previous.hash and entry.hash == audit.digest(entry)
    assert AuditTail.objects.get(pk=1).seq == entry.seq
    # Every event of the dossier is in the chain, one entry each.
    assert AuditEntry.objects.filter(kind="dossiers.DossierEvent", object_id=str(dossier.pk)).count() == \
        DossierEvent.objects.filter(dossier=dossier).count()


def allowed_actions(dossier):
    return lifecycle.allowed_actions(dossier.status)


def chain_of_three(world):
    """At least three linked entries: two receipts and one step."""
    first = receive(world)
    receive(world)
    lifecycle.transition(first, allowed_actions(first)[0], actor=world.processor_a)
    audit.seal()
    assert AuditEntry.objects.filter(seq__isnull=False).count() >= 3


def test_an_admin_change_is_chained(world):
    audit.seal()
    before = AuditTail.objects.get(pk=1).seq
    LogEntry.objects.log_actions(world.admin.pk, [world.commune_a], CHANGE, change_message="Đổi tên")
    audit.seal()
    entry = AuditEntry.objects.get(seq=before + 1)
    assert entry.kind == "admin.LogEntry"
    assert (entry.object_type, entry.object_id) == ("units.Unit", str(world.commune_a.pk))
    assert entry.actor_id == world.admin.pk and entry.summary.endswith(str(world.commune_a))
    assert ContentType.objects.get_for_model(world.commune_a).pk == entry.data["content_type_id"]


def test_verify_passes_on_an_intact_chain(world, capsys):
    chain_of_three(world)
    code, out = verify_exit(capsys)
    assert code == 0, out
    assert f"{AuditEntry.objects.count()} bản ghi" in out


def test_changing_a_row_through_sql_is_found(world, capsys):
    chain_of_three(world)
    victim = AuditEntry.objects.order_by("seq")[1]
    sql(f"UPDATE {AuditEntry._meta.db_table} SET summary = %s WHERE seq = %s", ["đã sửa", victim.seq])
    code, out = verify_exit(capsys)
    assert code == 1
    assert f"#{victim.seq}" in out and "đã bị sửa" in out


def test_changing_data_and_recomputing_the_hash_breaks_the_next_link(world):
    chain_of_three(world)
    victim = AuditEntry.objects.order_by("seq")[0]
    victim.data = {**victim.data, "note": "ghi đè"}
    victim.hash = audit.digest(victim)
    sql(f"UPDATE {AuditEntry._meta.db_table} SET data = %s, hash = %s WHERE seq = %s",
        [__import__("json").dumps(victim.data), victim.hash, victim.seq])
    checked, broken = audit.verify()
    assert (checked, broken.seq) == (1, victim.seq + 1)
    assert "prev_hash" in broken.reason


def test_deleting_a_row_is_found(world, capsys):
    chain_of_three(world)
    sql(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [2])
    code, out = verify_exit(capsys)
    assert code == 1
    assert "#2" in out and "đã bị xóa" in out


def test_deleting_the_newest_rows_is_found(world):
    chain_of_three(world)
    last = AuditTail.objects.get(pk=1).seq
    sql(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [last])
    checked, broken = audit.verify()
    assert checked == last - 1 and broken.seq == last
    assert "đuôi chuỗi" in broken.reason


def test_record_writes_in_the_callers_transaction(world):
    from django.db import transaction

    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.rollback", summary="không được giữ lại")
        raise RuntimeError
    assert AuditEntry.objects.count() == before
    assert audit.verify()[1] is None


def test_commit_seals_and_verify_seals_what_is_left(world, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        receive(world)
    assert audit.unsealed() == 0  # the commit's callback sealed it
    audit.record("test.pending", summary="chưa niêm phong")  # committed, its sealer never ran (a crash)
    audit.record("test.pending", summary="chưa niêm phong")
    assert audit.unsealed() == 2
    call_command("audit", "seal")  # by hand
    assert "Đã niêm phong 2 bản ghi; còn 0 bản ghi chưa niêm phong." in capsys.readouterr().out
    audit.record("test.pending", summary="chưa niêm phong")
    assert audit.unsealed() == 1
    code, out = verify_exit(capsys)
    assert code == 0, out
    assert audit.unsealed() == 0
    assert AuditEntry.objects.filter(kind="test.pending").latest("seq").seq == AuditTail.objects.get().seq


def test_entries_are_sealed_in_the_order_the_sealer_finds_them(world):
    first = audit.record("test.one")
    second = audit.record("test.two")
    assert audit.seal() >= 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.seq == first.seq + 1 and second.prev_hash == first.hash
    assert audit.verify()[1] is None
