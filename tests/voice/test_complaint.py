"""A feedback item about a dossier is a complaint about it (rules.md "Satisfaction"): filing one sets the
dossier's `complaint` fact through the dossier lifecycle (event, version), so indicator 4.3 of the unit
drops at once, without a rating and without import."""

from datetime import date, timedelta

import pytest

from motcua.dossiers.models import Dossier
from motcua.feedback.constants import About, Channel
from motcua.feedback.models import Feedback
from motcua.indicators import service
from motcua.office import feedback_actions as fa
from tests.office.conftest import AT
from tests.ratings.conftest import returned

pytestmark = pytest.mark.django_db
NOW = AT + timedelta(days=2)


def _indicator_43():
    index = service.index_json(date(2025, 11, 1), date(2025, 11, 30), unit_code="05443", now=NOW)
    found = next(i for i in index["units"][0]["indicators"] if i["id"] == "4.3")
    return found["numerator"], found["denominator"]


def _about(world, dossier, about=About.DOSSIER, at=AT + timedelta(days=1)):
    return fa.do_file(fa.Submission(
        unit=dossier.unit, about=about, subject="Chậm trả kết quả", content="Phải đi lại hai lần.",
        procedure=dossier.procedure if about == About.PROCEDURE else None,
        dossier=dossier if about == About.DOSSIER else None, name="Nguyễn Văn An", phone="0912345678",
        user=world.citizen), channel=Channel.PORTAL, at=at)


def test_a_complaint_about_a_dossier_counts_against_4_3_at_once(world):
    first, second = returned(world), returned(world, at=AT + timedelta(hours=2))
    assert _indicator_43() == (2, 2)
    version = Dossier.objects.get(pk=first.pk).version
    item = _about(world, first)
    stored = Dossier.objects.get(pk=first.pk)
    assert stored.complaint and stored.version == version + 1 and stored.rating == ""
    event = stored.events.get(action="complaint")
    assert (event.note, event.data, event.actor) == (item.code, {"feedback": item.code}, world.citizen)
    assert _indicator_43() == (1, 2)
    # A second complaint about the same dossier changes nothing more; one about a procedure flags no dossier.
    _about(world, first, at=AT + timedelta(days=1, hours=1))
    _about(world, second, about=About.PROCEDURE)
    assert Dossier.objects.get(pk=first.pk).version == version + 1
    assert not Dossier.objects.get(pk=second.pk).complaint
    assert Feedback.objects.count() == 3 and _indicator_43() == (1, 2)
    # The live engine and the reference engine read the same record.
    assert service.index_json(date(2025, 11, 1), date(2025, 11, 30), now=NOW) == service.index_json(
        date(2025, 11, 1), date(2025, 11, 30), now=NOW, from_scratch=True)
