"""Who is invited (the applicants of the opening's services returned in its window, with an address), one
invitation per person, through the outbox; running again sends nothing twice."""

from datetime import datetime

import pytest
from django.core.management import call_command

from motcua.outbox.models import Item
from motcua.surveys.invitations import InviteRefused, hash_token, invite
from motcua.surveys.models import Invitation
from tests.surveys.conftest import AT, CITIZEN_ID, OTHER_ID, open_opening, returned

SITE = "https://dichvucong.thainguyen.example"


def local(text):
    return datetime.fromisoformat(text + "+07:00")


@pytest.fixture
def people(world):
    w = world
    return {
        "an_a": returned(w.birth, w.commune_a, CITIZEN_ID, email="an@example.vn", phone="0912345678",
                         returned_at=local("2025-10-20T10:00:00")),
        # the same person again, later, at another unit: his invitation is about this one
        "an_b": returned(w.birth, w.commune_b, CITIZEN_ID, email="an@example.vn", phone="0912345678",
                         returned_at=local("2025-10-25T10:00:00")),
        "binh": returned(w.birth, w.commune_b, OTHER_ID, name="Trần Thị Bình", phone="0987654321",
                         returned_at=local("2025-10-31T23:00:00")),  # last evening of the window
        "no_address": returned(w.birth, w.commune_a, "019190000003", returned_at=local("2025-10-21T10:00:00")),
        "other_service": returned(w.copy, w.commune_a, "019190000004", email="c@example.vn",
                                  returned_at=local("2025-10-21T10:00:00")),
        "too_early": returned(w.birth, w.commune_a, "019190000005", email="d@example.vn",
                              returned_at=local("2025-09-30T23:30:00")),
        "too_late": returned(w.birth, w.commune_a, "019190000006", email="e@example.vn",
                             returned_at=local("2025-11-01T00:30:00")),
    }


def survey_items():
    return Item.objects.filter(kind__in=("notify.email", "notify.sms"), key__startswith="survey:").order_by("key")


def test_one_invitation_per_person_who_used_the_service_in_the_window(world, people):
    opening = open_opening(world)
    run = invite(opening, SITE, actor=world.monitor, at=AT)
    assert (run.invited, run.already, run.messages) == (2, 0, 3)
    invitations = {i.id_number: i for i in Invitation.objects.filter(opening=opening)}
    assert set(invitations) == {CITIZEN_ID, OTHER_ID}
    an = invitations[CITIZEN_ID]
    assert (an.unit, an.procedure, an.dossier, an.channels) == (world.commune_b, world.birth, people["an_b"],
                                                                "email,sms")
    assert invitations[OTHER_ID].channels == "sms"

    items = list(survey_items())
    assert [(i.kind, i.payload["to"]) for i in items] == [
        ("notify.email", "an@example.vn"), ("notify.sms", "0912345678"), ("notify.sms", "0987654321")]
    email = items[0].payload
    assert email["subject"] == "Mời Ông/Bà đánh giá dịch vụ công: Thủ tục đăng ký khai sinh"
    assert "Kính gửi Nguyễn Văn An," in email["body"] and "đến hết ngày 30/11/2025" in email["body"]
    # the link's token is the one whose hash the invitation keeps (the token itself is not stored there)
    link = next(line for line in email["body"].splitlines() if line.startswith(SITE))
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert link == f"{SITE}/dich-vu-cong/khao-sat/tra-loi/{token}/"
    assert an.token_hash == hash_token(token) and token not in an.token_hash
    assert link in items[1].payload["text"] and len(items[1].payload["text"]) <= 320
    assert opening.events.get(action="invite").data == {"invited": 2, "messages": 3}


def test_running_again_sends_nothing_twice(world, people):
    opening = open_opening(world)
    invite(opening, SITE, at=AT)
    before = list(survey_items().values_list("id", "payload"))
    hashes = set(Invitation.objects.values_list("token_hash", flat=True))
    run = invite(opening, SITE, at=AT)
    assert (run.invited, run.already, run.messages) == (0, 2, 0)
    assert list(survey_items().values_list("id", "payload")) == before
    assert set(Invitation.objects.values_list("token_hash", flat=True)) == hashes
    # someone whose dossier is returned later (still in the window) is invited by the next run, alone
    returned(world.birth, world.commune_c, "019190000009", email="moi@example.vn",
             returned_at=local("2025-10-30T10:00:00"))
    run = invite(opening, SITE, at=AT)
    assert (run.invited, run.already, run.messages) == (1, 2, 1)
    assert survey_items().count() == len(before) + 1


def test_the_units_of_the_opening_narrow_the_invited(world, people):
    opening = open_opening(world, units=[world.commune_a])
    invite(opening, SITE, at=AT)
    invitation = Invitation.objects.get(opening=opening)
    assert (invitation.id_number, invitation.unit, invitation.dossier) == (CITIZEN_ID, world.commune_a,
                                                                           people["an_a"])


def test_each_opening_invites_its_own(world, people):
    first, second = open_opening(world), open_opening(world)
    invite(first, SITE, at=AT)
    assert invite(second, SITE, at=AT).invited == 2
    assert Invitation.objects.filter(id_number=CITIZEN_ID).count() == 2


def test_a_closed_opening_invites_nobody(world, people):
    opening = open_opening(world)
    with pytest.raises(InviteRefused):
        invite(opening, SITE, at=local("2025-12-01T00:10:00"))
    assert not Invitation.objects.exists() and not survey_items().exists()


def test_the_command_invites_once(world, people, capsys):
    import time_machine
    opening = open_opening(world)
    with time_machine.travel(AT, tick=False):
        call_command("surveys", "invite", str(opening.pk), "--site-url", SITE, "--json")
        assert capsys.readouterr().out.strip() == '{"invited": 2, "already": 0, "messages": 3}'
        call_command("surveys", "invite", str(opening.pk), "--site-url", SITE)
        assert "Đã mời 0 người (0 thư, tin nhắn vào hàng đợi gửi); 2 người đã được mời" in capsys.readouterr().out
    assert survey_items().count() == 3
    assert opening.events.get(action="invite").actor_label == "motcua surveys invite"
    from django.core.management.base import CommandError
    with pytest.raises(CommandError) as caught:
        call_command("surveys", "invite", "9999")
    assert caught.value.returncode == 2
