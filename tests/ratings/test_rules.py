"""The rules of rating (motcua.ratings.rating): only a returned dossier, one rating, changeable within the
province's window, written with Dossier.rating and its event; indicator 4.3 of the unit follows at once."""

from datetime import date, timedelta

import pytest

from motcua.dossiers.models import DossierEvent
from motcua.indicators import service
from motcua.ratings.models import DossierRating
from motcua.ratings.rating import RatingError, rate, read_form, standing
from tests.ratings.conftest import AT, fresh, resolved, returned

pytestmark = pytest.mark.django_db
LATER = AT + timedelta(days=1)


def test_a_returned_dossier_is_rated_once_with_its_criteria_and_event(dossier, world):
    rating = rate(dossier, satisfied=False, criteria={"attitude": "unsatisfied", "time": "satisfied", "fees": ""},
                  comment="  Phải đi lại hai lần. ", channel="portal", actor=world.citizen, at=LATER)
    stored = fresh(dossier)
    assert stored.rating == "unsatisfied" and dossier.rating == "unsatisfied"
    assert stored.version == dossier.version
    assert rating.criteria == {"attitude": "unsatisfied", "time": "satisfied"}  # skipped: left out
    assert rating.comment == "Phải đi lại hai lần." and rating.channel == "portal" and rating.user == world.citizen
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    assert (event.action, event.actor, event.at) == ("rate", world.citizen, LATER)
    assert event.data["rating"] == "unsatisfied" and event.data["changed"] is False
    assert event.old_status == event.new_status == 10


def test_one_rating_per_dossier_a_second_answer_changes_it(dossier, world):
    rate(dossier, satisfied=False, channel="portal", actor=world.citizen, at=LATER)
    rate(fresh(dossier), satisfied=True, criteria={"time": "satisfied"}, channel="desk", actor=world.desk_a,
         at=LATER + timedelta(days=2))
    assert DossierRating.objects.filter(dossier=dossier).count() == 1
    rating = DossierRating.objects.get(dossier=dossier)
    assert rating.satisfied and rating.rated_at == LATER and rating.changed_at == LATER + timedelta(days=2)
    assert rating.changes == 1 and rating.channel == "desk"
    assert fresh(dossier).rating == "satisfied"
    events = list(DossierEvent.objects.filter(dossier=dossier, action="rate").order_by("id"))
    assert [e.data["rating"] for e in events] == ["unsatisfied", "satisfied"]
    assert events[1].actor is None and "tại Bộ phận Một cửa" in events[1].actor_label  # the citizen tapped


def test_a_change_after_the_window_is_refused_in_vietnamese(dossier, world, settings):
    settings.MOTCUA_RATING_CHANGE_DAYS = 7
    rate(dossier, satisfied=True, channel="portal", actor=world.citizen, at=LATER)
    rate(fresh(dossier), satisfied=False, channel="portal", actor=world.citizen, at=LATER + timedelta(days=7))
    before = fresh(dossier)
    with pytest.raises(RatingError, match="chỉ được thay đổi đánh giá trong 7 ngày"):
        rate(before, satisfied=True, channel="portal", actor=world.citizen,
             at=LATER + timedelta(days=7, seconds=1))
    after = fresh(dossier)
    assert (after.rating, after.version) == ("unsatisfied", before.version)
    assert not standing(after, at=LATER + timedelta(days=8)).open
    assert standing(after, at=LATER + timedelta(days=6)).open


def test_a_dossier_not_returned_cannot_be_rated(world):
    dossier = resolved(world)
    with pytest.raises(RatingError, match="đã trả kết quả"):
        rate(dossier, satisfied=True, channel="portal", actor=world.citizen, at=LATER)
    assert fresh(dossier).rating == "" and not DossierRating.objects.exists()
    assert not standing(dossier).open


def test_invalid_answers_are_refused(dossier, world):
    with pytest.raises(RatingError):
        rate(dossier, satisfied=True, criteria={"bribes": "satisfied"}, channel="portal", at=LATER)
    with pytest.raises(RatingError):
        rate(dossier, satisfied=True, criteria={"time": "very"}, channel="portal", at=LATER)
    with pytest.raises(RatingError):
        rate(dossier, satisfied=True, comment="x" * 2001, channel="portal", at=LATER)
    with pytest.raises(RatingError, match="Vui lòng chọn"):
        read_form({"comment": "không chọn"})
    assert read_form({"satisfied": "0", "c_visits": "unsatisfied"})["criteria"]["visits"] == "unsatisfied"
    assert not DossierRating.objects.exists()


def _indicator_43(at):
    index = service.index_json(date(2025, 11, 1), date(2025, 11, 30), unit_code="05443", now=at)
    item = next(i for i in index["units"][0]["indicators"] if i["id"] == "4.3")
    return item["numerator"], item["denominator"]


def test_indicator_4_3_of_the_unit_follows_a_rating_live_without_import(world):
    first, second = returned(world), returned(world, at=AT + timedelta(hours=2))
    now = AT + timedelta(days=2)
    assert _indicator_43(now) == (2, 2)
    rate(first, satisfied=False, comment="Chờ lâu.", channel="link", at=AT + timedelta(days=1))
    assert _indicator_43(now) == (1, 2)
    rate(second, satisfied=True, channel="desk", actor=world.desk_a, at=AT + timedelta(days=1))
    assert _indicator_43(now) == (1, 2)
    rate(fresh(first), satisfied=True, channel="portal", actor=world.citizen, at=AT + timedelta(days=1, hours=1))
    assert _indicator_43(now) == (2, 2)
    # The live engine and the reference engine read the same record.
    assert service.index_json(date(2025, 11, 1), date(2025, 11, 30), now=now) == service.index_json(
        date(2025, 11, 1), date(2025, 11, 30), now=now, from_scratch=True)
