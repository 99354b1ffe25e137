"""Answering a survey: finding the invitation behind a link, and keeping one answer per invitation.

The link's token is one use: the invitation's `used_at` is set by a compare-and-update in the same
transaction as the response, so two posts of the same form (or two tabs) give one response. It works only
while the opening takes answers (its days, in Vietnam's time). An anonymous opening's response is written
without anything that leads back to the invitation (models.py); only `used_at` says that he answered.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from motcua.lib.workingtime import LOCAL_TZ
from motcua.surveys import questionnaire
from motcua.surveys.invitations import hash_token
from motcua.surveys.models import Invitation, NamedResponse, Response

OPEN, USED, NOT_YET, CLOSED = "open", "used", "not_yet", "closed"
REFUSALS = {
    USED: "Phiếu khảo sát này đã được trả lời. Mỗi lời mời chỉ dùng được một lần. Xin cảm ơn Ông/Bà.",
    NOT_YET: "Đợt khảo sát chưa bắt đầu nhận trả lời.",
    CLOSED: "Đợt khảo sát đã kết thúc, không nhận thêm trả lời. Xin cảm ơn Ông/Bà.",
}


class AnswerRefused(Exception):
    def __init__(self, standing: str):
        super().__init__(REFUSALS[standing])
        self.standing = standing


def by_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (Invitation.objects.select_related("opening__survey", "procedure", "unit")
            .filter(token_hash=hash_token(token)).first())


def open_invitations(id_number: str, at: datetime | None = None):
    """The signed-in person's invitations he can still answer, newest opening first."""
    today = (at or timezone.now()).astimezone(LOCAL_TZ).date()
    return (Invitation.objects.select_related("opening__survey", "procedure", "unit")
            .filter(id_number=id_number, used_at__isnull=True, opening__opens_on__lte=today,
                    opening__closes_on__gte=today).order_by("-opening__opens_on", "-id"))


def standing(invitation: Invitation, at: datetime | None = None) -> str:
    today = (at or timezone.now()).astimezone(LOCAL_TZ).date()
    if invitation.used_at is not None:
        return USED
    if today < invitation.opening.opens_on:
        return NOT_YET
    if today > invitation.opening.closes_on:
        return CLOSED
    return OPEN


def questions_of(invitation: Invitation) -> tuple[questionnaire.Question, ...]:
    return questionnaire.parse(invitation.opening.survey.questions)


def answer(invitation: Invitation, values: dict, at: datetime | None = None) -> Response:
    """Store the answers (already checked by `questionnaire.clean_answers`) and use the invitation up, or
    AnswerRefused (answered already, not open) and store nothing."""
    at = at or timezone.now()
    state = standing(invitation, at)
    if state != OPEN:
        raise AnswerRefused(state)
    opening = invitation.opening
    with transaction.atomic():
        if Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=at) != 1:
            raise AnswerRefused(USED)
        response = Response.objects.create(opening=opening, procedure_id=invitation.procedure_id,
                                           unit_id=invitation.unit_id,
                                           answered_on=at.astimezone(LOCAL_TZ).date(), answers=values)
        if not opening.anonymous:
            NamedResponse.objects.create(response=response, invitation=invitation)
    invitation.used_at = at
    return response
