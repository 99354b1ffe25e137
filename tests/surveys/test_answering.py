"""Answering: the link is one use and works only while the opening takes answers; anonymous answers keep
nothing that leads back to the person; a survey with answers is locked."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.utils import timezone

from motcua.surveys import actions, answering
from motcua.surveys.invitations import invite
from motcua.surveys.models import Invitation, NamedResponse, Response
from tests.surveys.conftest import AT, CITIZEN_ID, OTHER_ID, open_opening, returned

ANSWERS = {"hai_long": 5, "kenh": "Trực tuyến"}


def invited(world, anonymous=True, **kwargs):
    """An opening and its invitations with their tokens (read back from the messages sent)."""
    returned(world.birth, world.commune_a, CITIZEN_ID, email="an@example.vn")
    returned(world.birth, world.commune_a, OTHER_ID, email="binh@example.vn", name="Trần Thị Bình")
    opening = open_opening(world, anonymous=anonymous, **kwargs)
    invite(opening, "https://dvc.example", at=AT)
    from motcua.outbox.models import Item
    tokens = {}
    for item in Item.objects.filter(kind="notify.email", key__startswith=f"survey:{opening.pk}:"):
        token = next(w for w in item.payload["body"].split() if w.startswith("https://")).rstrip("/").rsplit("/")[-1]
        tokens[answering.by_token(token).id_number] = token
    return opening, tokens


def test_the_link_is_one_use(world):
    opening, tokens = invited(world)
    invitation = answering.by_token(tokens[CITIZEN_ID])
    assert answering.standing(invitation, AT) == answering.OPEN
    answering.answer(invitation, ANSWERS, AT)
    assert Invitation.objects.get(pk=invitation.pk).used_at == AT
    again = answering.by_token(tokens[CITIZEN_ID])
    assert answering.standing(again, AT) == answering.USED
    with pytest.raises(answering.AnswerRefused) as caught:
        answering.answer(again, ANSWERS, AT)
    assert caught.value.standing == answering.USED
    # a stale copy of the invitation (the second of two posts read before the first was written) is refused
    # by the compare-and-update, and writes nothing
    stale = Invitation.objects.get(pk=invitation.pk)
    stale.used_at = None
    with pytest.raises(answering.AnswerRefused):
        answering.answer(stale, ANSWERS, AT)
    assert Response.objects.count() == 1


def test_unknown_tokens_find_nothing(world):
    invited(world)
    assert answering.by_token("khong-co") is None
    assert answering.by_token("") is None
    assert answering.by_token("x" * 500) is None


def test_outside_the_openings_days_the_link_is_refused(world):
    opening, tokens = invited(world)
    invitation = answering.by_token(tokens[CITIZEN_ID])
    before = datetime.fromisoformat("2025-10-31T23:59:00+07:00")
    after = datetime.fromisoformat("2025-12-01T00:00:00+07:00")
    last_minute = datetime.fromisoformat("2025-11-30T23:59:00+07:00")
    assert answering.standing(invitation, before) == answering.NOT_YET
    assert answering.standing(invitation, after) == answering.CLOSED
    for at, standing in ((before, answering.NOT_YET), (after, answering.CLOSED)):
        with pytest.raises(answering.AnswerRefused) as caught:
            answering.answer(invitation, ANSWERS, at)
        assert caught.value.standing == standing
    assert not Response.objects.exists() and Invitation.objects.get(pk=invitation.pk).used_at is None
    answering.answer(invitation, ANSWERS, last_minute)
    assert Response.objects.get().answered_on == date(2025, 11, 30)


def test_an_anonymous_response_cannot_be_joined_back_to_the_person(world):
    opening, tokens = invited(world)
    first = answering.answer(answering.by_token(tokens[CITIZEN_ID]), {"hai_long": 4, "kenh": "Trực tiếp"}, AT)
    later = AT.replace(hour=16, minute=45)
    second = answering.answer(answering.by_token(tokens[OTHER_ID]), {"hai_long": 2, "kenh": "Trực tuyến"}, later)

    # The response table has exactly these columns: none is a link to an invitation, a citizen, a user, a
    # dossier, a token or an exact time.
    columns = {c.name for c in connection.introspection.get_table_description(
        connection.cursor(), Response._meta.db_table)}
    assert columns == {"id", "opening_id", "procedure_id", "unit_id", "answered_on", "answers"}
    relations = {f.related_model for f in Response._meta.concrete_fields if f.is_relation}
    assert relations == {type(opening), type(world.birth), type(world.commune_a)}

    invitations = list(Invitation.objects.filter(opening=opening))
    personal = set()
    for inv in invitations:
        personal |= {str(v) for v in (inv.pk, inv.id_number, inv.token_hash, inv.dossier_id, inv.used_at,
                                      inv.used_at.isoformat(), tokens[inv.id_number])}
    for response in Response.objects.filter(opening=opening):
        # its own id is random, nothing of an invitation (the answers are what the person chose to say)
        assert str(response.id) not in personal and str(response.id.int) not in personal
        # what it shares with invitations (opening, service, unit, the day of use) matches every person
        # invited alike: joined on them, each response finds both invitations
        matching = [inv for inv in invitations if (inv.opening_id, inv.procedure_id, inv.unit_id, inv.used_at.date())
                    == (response.opening_id, response.procedure_id, response.unit_id, response.answered_on)]
        assert len(matching) == len(invitations) == 2
    # Both responses share every column but the answers (and a random id): the day, not the minute, so
    # the 09:30 answer and the 16:45 one cannot be told apart by time, nor by the order of their ids.
    a, b = (Response.objects.filter(pk=r.pk).values("opening_id", "procedure_id", "unit_id", "answered_on").get()
            for r in (first, second))
    assert a == b
    assert first.pk.version == 4 and second.pk.version == 4
    assert not NamedResponse.objects.exists()
    assert all(i.used_at is not None for i in Invitation.objects.filter(opening=opening))


def test_a_named_survey_keeps_the_link(world):
    opening, tokens = invited(world, anonymous=False)
    invitation = answering.by_token(tokens[CITIZEN_ID])
    response = answering.answer(invitation, ANSWERS, AT)
    assert NamedResponse.objects.get(response=response).invitation == invitation


def test_a_survey_with_answers_is_locked_and_versioned(world):
    opening, tokens = invited(world)
    survey = opening.survey
    edited = actions.update_survey(survey, world.monitor, "Tên mới", "", survey.questions, timezone.now())
    assert edited.title == "Tên mới"
    answering.answer(answering.by_token(tokens[CITIZEN_ID]), ANSWERS, AT)
    assert actions.is_locked(survey)
    with pytest.raises(actions.SurveyLocked):
        actions.update_survey(survey, world.monitor, "Lại tên khác", "", [{"key": "a", "text": "A?",
                                                                          "type": "text"}], timezone.now())
    survey.refresh_from_db()
    assert survey.title == "Tên mới" and [q["key"] for q in survey.questions][0] == "hai_long"
    copy = actions.new_version(survey, world.monitor, timezone.now())
    assert (copy.version, copy.previous, copy.questions) == (2, survey, survey.questions)
    actions.update_survey(copy, world.monitor, "Phiên bản 2", "", [{"key": "a", "text": "A?", "type": "text"}],
                          timezone.now())
    assert [e.action for e in survey.events.order_by("id")] == ["create", "open", "invite", "update"]
    assert [e.action for e in copy.events.order_by("id")] == ["new_version", "update"]
    update = survey.events.get(action="update")
    assert update.data["old"]["title"] == "Đánh giá trải nghiệm 2025" and update.data["new"]["title"] == "Tên mới"


def test_open_invitations_of_a_signed_in_person(world):
    opening, tokens = invited(world)
    assert [i.opening for i in answering.open_invitations(CITIZEN_ID, AT)] == [opening]
    answering.answer(answering.by_token(tokens[CITIZEN_ID]), ANSWERS, AT)
    assert list(answering.open_invitations(CITIZEN_ID, AT)) == []
    assert len(answering.open_invitations(OTHER_ID, AT)) == 1
    assert list(answering.open_invitations(OTHER_ID, datetime.fromisoformat("2025-12-01T08:00:00+07:00"))) == []
