"""Defining and opening surveys: each change atomic, with its row in the surveys' audit trail.

`create_survey`, `update_survey` (refused once answered: `SurveyLocked`), `new_version` (a locked survey's
copy to edit), `open_survey`. The inputs are checked by `questionnaire.parse` and `check_opening`, which
return or raise the user's errors; the views only show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef

from motcua.surveys import questionnaire
from motcua.surveys.models import Opening, Response, Survey, SurveyEvent


class SurveyLocked(Exception):
    """The survey has answers: its questions can no longer change (make a new version)."""


def record(survey: Survey, action: str, actor, at: datetime, opening: Opening | None = None,
           data: dict | None = None, actor_label: str = "") -> SurveyEvent:
    """The audit row of a change; `actor_label` names a command that acted without a user."""
    return SurveyEvent.objects.create(survey=survey, opening=opening, actor=actor,
                                      actor_label=str(actor or actor_label), action=action, at=at,
                                      data=data or {})


def is_locked(survey: Survey) -> bool:
    return Response.objects.filter(opening__survey=survey).exists()


def create_survey(actor, title: str, intro: str, questions, at: datetime) -> Survey:
    """A new survey; `questions` is raw JSON data, checked here (QuestionnaireError)."""
    data = questionnaire.as_data(questionnaire.parse(questions))
    with transaction.atomic():
        survey = Survey.objects.create(title=title.strip(), intro=intro.strip(), questions=data, created_by=actor,
                                       created_at=at, updated_at=at)
        record(survey, "create", actor, at, data={"title": survey.title, "questions": len(data)})
    return survey


def update_survey(survey: Survey, actor, title: str, intro: str, questions, at: datetime) -> Survey:
    """Change the title, introduction and questions, unless an answer exists (SurveyLocked). The check and
    the write are one UPDATE, so an answer arriving meanwhile cannot be left reading other questions."""
    data = questionnaire.as_data(questionnaire.parse(questions))
    answered = Response.objects.filter(opening__survey=OuterRef("pk"))
    with transaction.atomic():
        changed = (Survey.objects.filter(pk=survey.pk).filter(~Exists(answered))
                   .update(title=title.strip(), intro=intro.strip(), questions=data, updated_at=at))
        if changed != 1:
            raise SurveyLocked("Phiếu khảo sát đã có người trả lời nên không sửa được; hãy tạo phiên bản mới.")
        record(survey, "update", actor, at, data={"old": {"title": survey.title, "questions": survey.questions},
                                                   "new": {"title": title.strip(), "questions": data}})
    survey.refresh_from_db()
    return survey


def new_version(survey: Survey, actor, at: datetime) -> Survey:
    """A copy of the survey to edit, version + 1, pointing at the one it replaces."""
    with transaction.atomic():
        copy = Survey.objects.create(title=survey.title, intro=survey.intro, questions=survey.questions,
                                     version=survey.version + 1, previous=survey, created_by=actor,
                                     created_at=at, updated_at=at)
        record(copy, "new_version", actor, at, data={"previous": survey.pk})
    return copy


@dataclass(frozen=True)
class OpeningInput:
    name: str
    procedures: list  # catalog.Procedure
    units: list  # units.Unit; empty: every unit
    opens_on: date | None
    closes_on: date | None
    returned_from: date | None
    returned_to: date | None
    anonymous: bool


def check_opening(values: OpeningInput) -> dict[str, str]:
    """The user's errors by field name (empty: the opening can be made)."""
    errors = {}
    if not values.name.strip():
        errors["name"] = "Vui lòng đặt tên cho đợt khảo sát."
    if not values.procedures:
        errors["procedures"] = "Vui lòng chọn ít nhất một dịch vụ công (thủ tục)."
    for name in ("opens_on", "closes_on", "returned_from", "returned_to"):
        if getattr(values, name) is None:
            errors[name] = "Vui lòng nhập ngày theo dạng ngày/tháng/năm."
    if "opens_on" not in errors and "closes_on" not in errors and values.closes_on < values.opens_on:
        errors["closes_on"] = "Ngày kết thúc không được trước ngày bắt đầu."
    if "returned_from" not in errors and "returned_to" not in errors and values.returned_to < values.returned_from:
        errors["returned_to"] = "Ngày cuối không được trước ngày đầu."
    return errors


def open_survey(survey: Survey, actor, values: OpeningInput, at: datetime) -> Opening:
    """An opening of `survey` (inputs already checked by `check_opening`)."""
    with transaction.atomic():
        opening = Opening.objects.create(
            survey=survey, name=values.name.strip(), opens_on=values.opens_on, closes_on=values.closes_on,
            returned_from=values.returned_from, returned_to=values.returned_to, anonymous=values.anonymous,
            created_by=actor, created_at=at)
        opening.procedures.set(values.procedures)
        opening.units.set(values.units)
        record(survey, "open", actor, at, opening=opening, data={
            "name": opening.name, "procedures": [p.code for p in values.procedures],
            "units": [u.code for u in values.units], "opens_on": values.opens_on.isoformat(),
            "closes_on": values.closes_on.isoformat(), "returned_from": values.returned_from.isoformat(),
            "returned_to": values.returned_to.isoformat(), "anonymous": values.anonymous})
    return opening
