"""`motcua notify run`: exit 0 when everything is delivered or listed, 2 when nowhere to send, 3 when work
remains."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from motcua.dossiers.models import Dossier
from motcua.notify.notices import notify_applicant
from motcua.outbox.models import Item, State
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db


def waiting_sms(world, phone="0912345678"):
    dossier = receive(world)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_phone=phone, applicant_email="")
    Item.objects.filter(kind__startswith="notify.", group=dossier.code).delete()
    dossier = Dossier.objects.select_related("procedure", "unit", "received_by").get(pk=dossier.pk)
    with transaction.atomic():
        notify_applicant(dossier, "receipt", at=AT)


def test_nowhere_to_send_is_a_configuration_error(world, settings):
    settings.EMAIL_HOST, settings.MOTCUA_SMS_URL = "", ""
    with pytest.raises(CommandError) as error:
        call_command("notify", "run", "--until-idle")
    assert error.value.returncode == 2


def test_until_idle_delivers_and_lists(world, sms_standin, settings, capsys):
    settings.EMAIL_HOST = ""  # e-mail not configured: e-mails would wait, SMS go
    waiting_sms(world)
    waiting_sms(world, phone="02083856789")
    call_command("notify", "run", "--until-idle")
    assert sorted(Item.objects.filter(kind="notify.sms").values_list("state", flat=True)) == [State.ACKNOWLEDGED, State.FAILED]
    assert len(sms_standin.state()["messages"]) == 1
    call_command("notify", "status", "--json")
    assert '"notify.sms": {"waiting": 0, "failed": 1, "acknowledged": 1}' in capsys.readouterr().out


def test_max_seconds_with_work_left_exits_3(world, sms_standin, settings):
    settings.EMAIL_HOST = ""
    waiting_sms(world)
    sms_standin.down()  # until cleared
    with pytest.raises(CommandError) as error:
        call_command("notify", "run", "--max-seconds", "1")
    assert error.value.returncode == 3
    assert Item.objects.get(kind="notify.sms").state == State.WAITING
