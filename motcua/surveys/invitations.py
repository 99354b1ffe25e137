"""Inviting the people who used the surveyed services, through the outbox.

Who: the applicants of the opening's procedures (and units, when it names some) whose dossier was returned
in its window, with an e-mail or a phone; one invitation per person (identity number or tax code) per
opening, about the last such dossier. Each invitation carries a random one-use token; only its SHA-256 is
stored, the link itself goes into the messages. The messages are outbox items of the notification
kinds ("notify.email", "notify.sms", delivered by `motcua notify run` with the applicant notifications'
handlers), rendered now from `templates/notify/survey_invitation.*.txt` by the notifications' renderers.

`invite` is idempotent: a person already invited to the opening is skipped (and the outbox keeps one item
per key), so running it twice, or two runs at once, sends nothing twice. Each person is one transaction:
a run stopped half-way is finished by the next.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.lib.vnformat import padded_date
from motcua.lib.workingtime import LOCAL_TZ
from motcua.notify.notices import EMAIL, KINDS, SMS, render_email, render_sms
from motcua.outbox.queue import enqueue
from motcua.surveys.actions import record
from motcua.surveys.models import Invitation, Opening

EVENT = "survey_invitation"


class InviteRefused(Exception):
    """The opening no longer takes answers: inviting now would send links that cannot be used."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def local_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def eligible(opening: Opening):
    """The last dossier in the window of each person with an address: yields (id number, dossier values)."""
    dossiers = Dossier.objects.filter(
        procedure__in=opening.procedures.all(),
        returned_at__gte=local_start(opening.returned_from),
        returned_at__lt=local_start(opening.returned_to + timedelta(days=1)),
    ).exclude(applicant_id_number="").filter(~Q(applicant_email="") | ~Q(applicant_phone=""))
    if opening.units.exists():
        dossiers = dossiers.filter(unit__in=opening.units.all())
    rows = dossiers.order_by("applicant_id_number", "-returned_at", "-id").values(
        "id", "code", "procedure_id", "procedure__name", "unit_id", "unit__name", "applicant_id_number",
        "applicant_name", "applicant_email", "applicant_phone")
    last = None
    for row in rows.iterator(chunk_size=2000):
        if row["applicant_id_number"] != last:
            last = row["applicant_id_number"]
            yield last, row


@dataclass
class InviteRun:
    invited: int = 0
    already: int = 0
    messages: int = 0


def _messages(opening: Opening, invitation: Invitation, row: dict, link: str, at: datetime) -> int:
    values = {"applicant": row["applicant_name"] or "Ông/Bà", "procedure": row["procedure__name"],
              "unit": row["unit__name"], "survey": opening.survey.title, "opening": opening.name,
              "link": link, "closes_on": padded_date(opening.closes_on), "code": row["code"]}
    addresses = {EMAIL: (row["applicant_email"] or "").strip(), SMS: (row["applicant_phone"] or "").strip()}
    sent = 0
    for channel, address in addresses.items():
        if not address:
            continue
        content = render_email(EVENT, values) if channel == EMAIL else render_sms(EVENT, values)
        payload = {"event": EVENT, "channel": channel, "to": address, "opening": opening.pk, **content}
        if enqueue(KINDS[channel], f"survey:{opening.pk}:{invitation.pk}:{channel}", payload,
                   group=f"survey-{opening.pk}", at=at) is not None:
            sent += 1
    return sent


def invite(opening: Opening, site_url: str, actor=None, at: datetime | None = None,
           actor_label: str = "") -> InviteRun:
    """Invite everyone eligible not invited yet. `site_url` is the public address the links start with
    (https://dichvucong.thainguyen.gov.vn). InviteRefused when the opening has closed."""
    at = at or timezone.now()
    if at.astimezone(LOCAL_TZ).date() > opening.closes_on:
        raise InviteRefused("Đợt khảo sát đã kết thúc, không gửi lời mời được nữa.")
    run = InviteRun()
    invited = set(opening.invitations.values_list("id_number", flat=True))
    base = site_url.rstrip("/")
    for id_number, row in eligible(opening):
        if id_number in invited:
            run.already += 1
            continue
        token = new_token()
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    opening=opening, id_number=id_number, procedure_id=row["procedure_id"], unit_id=row["unit_id"],
                    dossier_id=row["id"], token_hash=hash_token(token), created_at=at,
                    channels=",".join(c for c, a in ((EMAIL, row["applicant_email"]), (SMS, row["applicant_phone"]))
                                      if (a or "").strip()))
                link = base + reverse("portal:survey_token", args=[token])
                run.messages += _messages(opening, invitation, row, link, at)
        except IntegrityError:  # another run invited this person a moment ago
            run.already += 1
            continue
        run.invited += 1
    if run.invited:
        record(opening.survey, "invite", actor, at, opening=opening,
               data={"invited": run.invited, "messages": run.messages}, actor_label=actor_label)
    return run
