"""Files are written before the transaction that records them: a failed transaction leaves no row (and its
file is removed when the failure is seen), and a row always has its file, even when something fails after
the commit. `motcua files orphans|missing` checks both."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from motcua.core import storedfiles
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.lib.storedfiles import StoredFiles
from motcua.office import actions
from motcua.office.models import DossierResult
from tests.office.conftest import AT, receive

PDF_BYTES = b"%PDF-1.7\n% ket qua da ky so\n%%EOF\n"


def resolved(world) -> Dossier:
    dossier = receive(world)
    actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version)
    dossier = Dossier.objects.get(pk=dossier.pk)
    actions.do_resolve(dossier, actor=world.processor_a, result_text="Cấp Giấy khai sinh.", version=dossier.version)
    return Dossier.objects.get(pk=dossier.pk)


@pytest.mark.django_db
def test_signing_that_fails_after_the_file_was_written_leaves_no_row_and_no_file(world, media_root, monkeypatch):
    dossier = resolved(world)
    version, written = dossier.version, []
    real_save = default_storage.save

    def save(name, content, **kwargs):
        written.append(real_save(name, content, **kwargs))
        # The file comes first: the transaction has not moved the dossier yet.
        assert Dossier.objects.get(pk=dossier.pk).version == version
        return written[-1]

    def fail(*args, **kwargs):
        raise RuntimeError("the notice cannot be queued")

    monkeypatch.setattr(default_storage, "save", save)
    monkeypatch.setattr(actions, "notify_applicant", fail)
    with pytest.raises(RuntimeError):
        actions.do_approve_and_sign(dossier, actor=world.leader_a, version=dossier.version, signed_pdf=PDF_BYTES,
                                    signer_name="UBND", at=AT + timedelta(hours=5))
    assert len(written) == 1 and not default_storage.exists(written[0])
    assert not DossierResult.objects.filter(dossier=dossier).exists()
    assert storedfiles.missing() == [] and storedfiles.orphans() == []


@pytest.mark.django_db
def test_a_signed_result_row_names_a_file_that_is_there(world, media_root):
    dossier = resolved(world)
    result = actions.do_approve_and_sign(dossier, actor=world.leader_a, version=dossier.version,
                                         signed_pdf=PDF_BYTES, signer_name="UBND", at=AT + timedelta(hours=5))
    assert default_storage.open(result.file.name).read() == PDF_BYTES
    assert storedfiles.missing() == []


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_commit_keeps_the_committed_rows_file(world, media_root):
    dossier = receive(world)
    files = StoredFiles()
    name = files.save("components", "pdf", ContentFile(PDF_BYTES))

    def after_commit():
        raise RuntimeError("a callback fails after the commit")

    with pytest.raises(RuntimeError), files.recording():
        DossierComponent.objects.create(dossier=dossier, name="Tờ khai", digitized=True, file=name)
        transaction.on_commit(after_commit)
    assert DossierComponent.objects.filter(file=name).exists()
    assert default_storage.exists(name) and storedfiles.missing() == []


@pytest.mark.django_db
def test_orphans_are_listed_and_deleted_after_the_grace_period(world, media_root, capsys):
    files = StoredFiles()
    orphan = files.save("components", "pdf", ContentFile(PDF_BYTES))  # its transaction never ran
    assert storedfiles.orphans() == [orphan]
    call_command("files", "orphans", "--delete")  # younger than the 24 h grace period: kept
    assert default_storage.exists(orphan)
    call_command("files", "orphans", "--delete", "--older-than-hours", "0")
    assert not default_storage.exists(orphan)
    assert "Đã xóa 1 tệp mồ côi." in capsys.readouterr().out


@pytest.mark.django_db
def test_missing_files_fail_the_check(world, media_root):
    dossier = receive(world)
    DossierComponent.objects.create(dossier=dossier, name="Tờ khai", digitized=True, file="components/gone.pdf")
    with pytest.raises(SystemExit) as stopped:
        call_command("files", "missing")
    assert stopped.value.code == 1
