"""The surveys' world: the back office's units, procedures and personas (tests/office/conftest.py), the
portal's citizens, and dossiers returned to their applicants through the lifecycle (the people a survey
invites). Answers are given on 10/11/2025, inside the opening's days."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from motcua.dossiers.constants import Channel
from motcua.dossiers.lifecycle import create_dossier, transition
from motcua.dossiers.models import Dossier
from motcua.surveys import actions, questionnaire
from tests.office.conftest import CITIZEN_ID, client_of, media_root, password_hash, world  # noqa: F401
from tests.portal.conftest import OTHER_ID, citizen_client, other_client, portal_world  # noqa: F401

AT = datetime.fromisoformat("2025-11-10T09:30:00+07:00")
_sequence = {"n": 0}


def returned(procedure, unit, id_number, *, name="Nguyễn Văn An", email="", phone="", returned_at=None):
    """A dossier received at `unit`'s desk, processed and returned on `returned_at` (all by the lifecycle)."""
    returned_at = returned_at or datetime.fromisoformat("2025-10-20T10:00:00+07:00")
    received = returned_at - timedelta(days=3)
    _sequence["n"] += 1
    dossier = Dossier(code=f"{unit.code}-{received:%y%m%d}-{_sequence['n']:04d}", procedure=procedure, unit=unit,
                      received_by=unit, channel=Channel.ONLINE, received_at=received,
                      due_at=received + timedelta(days=5), applicant_name=name, applicant_id_number=id_number,
                      applicant_email=email, applicant_phone=phone)
    create_dossier(dossier, "desk", at=received)
    transition(dossier, "start", at=received + timedelta(hours=1))
    transition(dossier, "resolve", at=returned_at - timedelta(hours=2))
    transition(dossier, "return_result", at=returned_at)
    return dossier


QUESTIONS = [
    {"key": "hai_long", "text": "Ông/Bà hài lòng ở mức nào?", "type": "scale", "required": True},
    {"key": "kenh", "text": "Ông/Bà nộp hồ sơ qua kênh nào?", "type": "single", "required": True,
     "choices": ["Trực tuyến", "Trực tiếp"]},
    {"key": "kho_khan", "text": "Khó khăn ở bước nào?", "type": "multiple",
     "choices": ["Đăng nhập", "Điền tờ khai", "Thanh toán"]},
    {"key": "gop_y", "text": "Góp ý", "type": "text", "max_length": 500},
]


def open_opening(w, survey=None, *, procedures=None, units=(), anonymous=True, opens_on=date(2025, 11, 1),
                 closes_on=date(2025, 11, 30)):
    """An opening by the provincial monitor of `w` (the world), of a new survey unless one is given."""
    survey = survey or actions.create_survey(w.monitor, "Đánh giá trải nghiệm 2025", "", QUESTIONS, timezone.now())
    values = actions.OpeningInput(name="Đợt tháng 11/2025", procedures=procedures or [w.birth],
                                  units=list(units), opens_on=opens_on, closes_on=closes_on,
                                  returned_from=date(2025, 10, 1), returned_to=date(2025, 10, 31),
                                  anonymous=anonymous)
    return actions.open_survey(survey, w.monitor, values, timezone.now())


@pytest.fixture
def parsed():
    return questionnaire.parse(QUESTIONS)
