"""Supplements that never end (issue 12 point 5): an unanswered supplement request ends the dossier at the end
of its supplement period, through the state machine, with a notice to the applicant; `motcua supplements
expire` runs it daily; the back office lists the dossiers approaching it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from motcua.dossiers.constants import Ending, Status
from motcua.dossiers.models import Dossier, DossierEvent, Handover
from motcua.office import actions, supplements
from motcua.office.clock import clock_of
from motcua.outbox.models import Item
from motcua.units.calendars import CalendarBook
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db
REQUESTED = AT + timedelta(hours=1)  # Wednesday 05/11/2025 10:00, Vietnam time
MINUTE = timedelta(minutes=1)


def waiting_dossier(world, procedure=None, at=REQUESTED, email="an.nguyen@example.vn"):
    """A dossier of commune A whose processing officer asked for a supplement at `at`."""
    dossier = receive(world, procedure=procedure, at=at - timedelta(hours=1))
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email=email)
    dossier.refresh_from_db()
    actions.do_request_supplement(dossier, actor=world.processor_a, reason="Nộp bản chính Giấy chứng sinh.",
                                  version=dossier.version, at=at)
    return Dossier.objects.get(pk=dossier.pk)


def notices(dossier):
    return {i.kind: i.payload for i in Item.objects.filter(kind__startswith="notify.", group=dossier.code,
                                                           payload__event="supplement_expired")}


def test_nothing_ends_one_minute_before_the_period_and_the_dossier_ends_at_its_expiry_after(world):
    dossier = waiting_dossier(world)
    expires = REQUESTED + timedelta(days=30)  # the province's default: 30 calendar days
    assert supplements.expire_due(expires - MINUTE).expired == []
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and not dossier.ended
    assert notices(dossier) == {}

    run = supplements.expire_due(expires + MINUTE)
    assert [item.code for item in run.expired] == [dossier.code] and run.skipped == []
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED and dossier.ended == Ending.STOPPED.value
    assert dossier.ended_at == expires  # the end is the expiry, not the moment the command ran
    event = DossierEvent.objects.get(dossier=dossier, action="stop")
    assert event.actor is None and event.actor_label == supplements.ACTOR_LABEL and event.at == expires
    assert (event.old_status, event.new_status) == (Status.SUPPLEMENT_REQUESTED, Status.STOPPED)
    assert event.data == {"cause": "supplement_expired", "requested_at": REQUESTED.isoformat(), "days": 30}
    assert not Handover.objects.filter(dossier=dossier, released_at__isnull=True).exists()
    said = notices(dossier)
    assert set(said) == {"notify.email", "notify.sms"}
    email = said["notify.email"]
    assert email["to"] == "an.nguyen@example.vn"
    assert email["subject"] == f"Hồ sơ {dossier.code}: dừng giải quyết do quá hạn bổ sung"
    assert "Ngày 05/11/2025, UBND phường Phan Đình Phùng đã đề nghị" in email["body"]
    assert "Đến 10 giờ 00 phút, ngày 05/12/2025, đã hết thời hạn bổ sung" in email["body"]
    assert dossier.code in said["notify.sms"]["text"] and "05/11/2025" in said["notify.sms"]["text"]


def test_the_dossier_page_shows_who_ended_it_and_why(world, client_of):
    dossier = waiting_dossier(world)
    supplements.expire_due(REQUESTED + timedelta(days=31))
    page = client_of(world.desk_a).get(f"/ho-so/{dossier.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert supplements.ACTOR_LABEL in html and "quá thời hạn bổ sung hồ sơ mà người nộp chưa bổ sung" in html


def test_the_expiry_instant_itself_ends_it(world):
    dossier = waiting_dossier(world)
    assert [i.code for i in supplements.expire_due(REQUESTED + timedelta(days=30)).expired] == [dossier.code]


def test_the_index_still_judges_it_at_the_request_on_time(world):
    """The request stays open: lateness judges the dossier at the request's time before and after it ends."""
    dossier = waiting_dossier(world)
    calendar = CalendarBook().for_unit(world.commune_a.code)
    later = REQUESTED + timedelta(days=400)
    before = clock_of(dossier, calendar, later, pauses=dossier.pauses.all())
    supplements.expire_due(REQUESTED + timedelta(days=31))
    dossier.refresh_from_db()
    after = clock_of(dossier, calendar, later, pauses=dossier.pauses.all())
    assert not before.late and not after.late
    assert before.effective_due == after.effective_due and before.remaining == after.remaining
    assert before.urgency == "paused" and after.urgency == "done"
    assert dossier.pauses.get().completed_at is None


def test_a_procedure_sets_its_own_period_and_the_province_its_default(world, settings):
    world.birth.supplement_days = 5
    world.birth.save()
    birth = waiting_dossier(world)
    copy = waiting_dossier(world, procedure=world.copy)
    assert [i.code for i in supplements.expire_due(REQUESTED + timedelta(days=5) - MINUTE).expired] == []
    assert [i.code for i in supplements.expire_due(REQUESTED + timedelta(days=5)).expired] == [birth.code]
    copy.refresh_from_db()
    assert copy.status == Status.SUPPLEMENT_REQUESTED
    settings.MOTCUA_SUPPLEMENT_DAYS = 10
    assert [i.code for i in supplements.expire_due(REQUESTED + timedelta(days=10) - MINUTE).expired] == []
    assert [i.code for i in supplements.expire_due(REQUESTED + timedelta(days=10)).expired] == [copy.code]
    assert DossierEvent.objects.get(dossier=copy, action="stop").data["days"] == 10


def test_running_again_ends_nothing_more_and_tells_nobody_twice(world):
    dossier = waiting_dossier(world)
    at = REQUESTED + timedelta(days=31)
    assert len(supplements.expire_due(at).expired) == 1
    version = Dossier.objects.get(pk=dossier.pk).version
    run = supplements.expire_due(at + timedelta(days=1))
    assert run.expired == [] and run.skipped == []
    assert Dossier.objects.get(pk=dossier.pk).version == version
    assert DossierEvent.objects.filter(dossier=dossier, action="stop").count() == 1
    assert Item.objects.filter(group=dossier.code, payload__event="supplement_expired").count() == 2


def test_a_dry_run_says_which_and_changes_nothing(world):
    dossier = waiting_dossier(world)
    run = supplements.expire_due(REQUESTED + timedelta(days=31), dry_run=True)
    assert [i.code for i in run.expired] == [dossier.code]
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.status, after.version) == (dossier.status, dossier.version)
    assert notices(dossier) == {} and not DossierEvent.objects.filter(dossier=dossier, action="stop").exists()


def test_a_supplement_completed_in_time_is_never_ended(world):
    dossier = waiting_dossier(world)
    actions.do_complete_supplement(dossier, actor=world.desk_a, version=dossier.version,
                                   at=REQUESTED + timedelta(days=29))
    assert supplements.expire_due(REQUESTED + timedelta(days=60)).expired == []
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING


def test_a_dossier_changed_after_it_was_read_is_left_for_the_next_run(world):
    dossier = waiting_dossier(world)
    [item] = supplements.waiting()
    actions.do_complete_supplement(dossier, actor=world.desk_a, version=dossier.version,
                                   at=REQUESTED + timedelta(days=31))
    with pytest.raises(supplements.TransitionError):
        supplements.expire(item)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and not dossier.ended
    assert notices(dossier) == {}


def test_the_command(world):
    dossier = waiting_dossier(world)
    out = StringIO()
    call_command("supplements", "expire", "--now", "2025-12-05T10:01:00+07:00", "--dry-run", stdout=out)
    assert f"Sẽ dừng {dossier.code}: yêu cầu bổ sung 05/11/2025 10:00, hết hạn 05/12/2025 10:00" in out.getvalue()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_REQUESTED
    out = StringIO()
    call_command("supplements", "expire", "--now", "2025-12-05T09:59:00+07:00", stdout=out)
    assert "Đã dừng 0 hồ sơ" in out.getvalue()
    out = StringIO()
    call_command("supplements", "expire", "--now", "2025-12-05T10:01:00+07:00", stdout=out)
    assert "Đã dừng 1 hồ sơ" in out.getvalue()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.STOPPED
    with pytest.raises(CommandError, match="múi giờ"):
        call_command("supplements", "expire", "--now", "2025-12-05T10:01:00")


def test_the_list_page_shows_the_units_waiting_dossiers_with_calendar_days_left(world, client_of):
    now = timezone.now()
    dossier = waiting_dossier(world, at=now - timedelta(days=2))
    expires = supplements.display(now - timedelta(days=2) + timedelta(days=30))
    for user in (world.desk_a, world.processor_a, world.leader_a, world.monitor, world.admin):
        response = client_of(user).get("/ho-so-cho-bo-sung/")
        assert response.status_code == 200, user
        html = response.content.decode()
        assert f'data-code="{dossier.code}"' in html and "Thủ tục đăng ký khai sinh" in html
        assert "Nguyễn Văn An" in html and expires in html
        assert supplements.display(now - timedelta(days=2)) in html
        days = supplements.days_left(now + timedelta(days=28), now)
        assert f"{days} ngày" in html and "ngày lịch, không phải ngày làm việc" in html
    other = client_of(world.desk_b).get("/ho-so-cho-bo-sung/")
    assert other.status_code == 200 and dossier.code not in other.content.decode()
    assert client_of(world.viewer_a).get("/ho-so-cho-bo-sung/").status_code == 403
    assert client_of(world.citizen).get("/ho-so-cho-bo-sung/").status_code == 403
    assert Client().get("/ho-so-cho-bo-sung/").status_code == 302
    queue = client_of(world.desk_a).get("/hang-doi/").content.decode()
    assert 'href="/ho-so-cho-bo-sung/"' in queue


def test_the_list_marks_expired_and_soon(world, client_of):
    now = timezone.now()
    old = waiting_dossier(world, at=now - timedelta(days=40))
    soon = waiting_dossier(world, at=now - timedelta(days=27))
    html = client_of(world.desk_a).get("/ho-so-cho-bo-sung/").content.decode()
    assert f'data-code="{old.code}" data-state="expired"' in html and "Đã hết hạn, chờ dừng giải quyết" in html
    assert f'data-code="{soon.code}" data-state="soon"' in html
    assert html.index(old.code) < html.index(soon.code)  # soonest expiry first
