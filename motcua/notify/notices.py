"""What the applicant is told, and putting it in the outbox with the change that made it true.

`notify_applicant(dossier, event, context, at)` renders the event's Vietnamese texts (templates under
`templates/notify/`) and enqueues one outbox item per channel the dossier has an address for: kind
"notify.email" to `applicant_email`, kind "notify.sms" to `applicant_phone`. It is called inside the
transaction of the change (the office's `do_*` actions), so a rolled-back change tells nobody and a
committed one is never forgotten. The text is rendered now, not at delivery: a message retried for an
hour still says what was true when it was written.

The key `{code}:{event}:{version}:{channel}` makes a retried action (a form posted twice, a request run
again) notify once: the outbox keeps one item per (kind, key).
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.lib.vnformat import local_day, long_moment, money
from motcua.outbox.models import Item
from motcua.outbox.queue import enqueue

RECEIPT, SUPPLEMENT, FEES, RESULT, APOLOGY = "receipt", "supplement", "fees", "result", "apology"
RATING = "rating"
SUPPLEMENT_EXPIRED = "supplement_expired"
EVENTS = {
    RECEIPT: _("Tiếp nhận hồ sơ"),
    SUPPLEMENT: _("Yêu cầu bổ sung hồ sơ"),
    FEES: _("Yêu cầu thực hiện nghĩa vụ tài chính"),
    RESULT: _("Kết quả đã có"),
    APOLOGY: _("Thư xin lỗi và hẹn lại"),
    RATING: _("Mời đánh giá mức độ hài lòng"),
    SUPPLEMENT_EXPIRED: _("Dừng giải quyết do quá hạn bổ sung"),
}
# What each event needs from its caller besides the dossier (the rest is read from the dossier).
REQUIRED_CONTEXT = {SUPPLEMENT: ("reason",), FEES: ("amount_vnd",), APOLOGY: ("new_due", "reason"),
                    RATING: ("link", "link_days"), SUPPLEMENT_EXPIRED: ("requested_at",)}

EMAIL, SMS = "email", "sms"
KINDS = {EMAIL: "notify.email", SMS: "notify.sms"}
CHANNELS = {EMAIL: _("Thư điện tử"), SMS: _("Tin nhắn SMS")}
CHANNEL_OF_KIND = {kind: channel for channel, kind in KINDS.items()}

# One SMS text, at most: the provider splits longer texts into parts, and the citizen reads a phone screen.
SMS_MAX_CHARS = 320
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


def notification_key(dossier: Dossier, event: str, channel: str) -> str:
    return f"{dossier.code}:{event}:{dossier.version}:{channel}"


def recipients(dossier: Dossier) -> dict[str, str]:
    """channel -> address, for the channels this dossier has one for."""
    found = {EMAIL: (dossier.applicant_email or "").strip(), SMS: (dossier.applicant_phone or "").strip()}
    return {channel: address for channel, address in found.items() if address}


def _values(dossier: Dossier, event: str, context: dict, at: datetime) -> dict:
    """The templates' variables, every date and amount already written the Vietnamese way."""
    missing = [name for name in REQUIRED_CONTEXT.get(event, ()) if context.get(name) in (None, "")]
    if missing:
        raise ValueError(f"notify_applicant({event!r}) needs {', '.join(missing)} in its context")
    values = {
        "event": event,
        "code": dossier.code,
        "applicant": dossier.applicant_name or "Ông/Bà",
        "procedure": dossier.procedure.name,
        "unit": dossier.unit.name,
        "desk": dossier.received_by.name if dossier.received_by_id else dossier.unit.name,
        "received_at": long_moment(dossier.received_at),
        "due_at": long_moment(dossier.due_at),
        "due_day": local_day(dossier.due_at) if dossier.due_at else "—",
        "at": long_moment(at),
        "day": local_day(at),
        "reason": (context.get("reason") or "").strip(),
        "note": (context.get("note") or "").strip(),
        "result_code": context.get("result_code") or dossier.e_result_code or "",
        # The rating invitation's one-use link (motcua.ratings.links) and how many days it works.
        "link": context.get("link") or "",
        "link_days": context.get("link_days") or "",
    }
    if "amount_vnd" in context:
        values["amount"] = money(int(context["amount_vnd"]))
    if context.get("requested_at") is not None:  # the supplement request that went unanswered
        values["requested_at"] = long_moment(context["requested_at"])
        values["requested_day"] = local_day(context["requested_at"])
    if context.get("new_due") is not None:
        values["new_due"] = long_moment(context["new_due"])
        values["new_due_day"] = local_day(context["new_due"])
    return values


def _render(name: str, values: dict) -> str:
    # Plain text: nothing is HTML-escaped (a name with an apostrophe stays as written).
    return get_template(name).template.render(Context(values, autoescape=False))


def render_email(event: str, values: dict) -> dict:
    subject = _SPACES.sub(" ", _render(f"notify/{event}.subject.txt", values)).strip()
    body = _render(f"notify/{event}.body.txt", values)
    body = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in body.strip().splitlines())) + "\n"
    return {"subject": subject, "body": body}


def render_sms(event: str, values: dict) -> dict:
    text = _SPACES.sub(" ", _render(f"notify/{event}.sms.txt", values)).strip()
    if len(text) > SMS_MAX_CHARS:  # a long reason: the full text is in the e-mail and at the desk
        text = text[:SMS_MAX_CHARS - 1].rstrip() + "…"
    return {"text": text}


RENDERERS = {EMAIL: render_email, SMS: render_sms}


def notify_applicant(dossier: Dossier, event: str, context: dict | None = None,
                     at: datetime | None = None) -> list[Item]:
    """Enqueue the notification of `event` about `dossier` on every channel it has an address for, inside
    the caller's transaction. `context` holds what the event needs (REQUIRED_CONTEXT): the supplement's
    `reason`, the fee's `amount_vnd`, the apology's `new_due` and `reason`. Returns the new items (none
    for a channel already notified of this event at this version, or without an address)."""
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify_applicant must be called inside the transaction of the change it reports")
    at = at or timezone.now()
    addresses = recipients(dossier)
    if not addresses:
        return []
    values = _values(dossier, event, context or {}, at)
    created = []
    for channel, address in addresses.items():
        payload = {"dossier": dossier.code, "event": event, "channel": channel, "to": address,
                   **RENDERERS[channel](event, values)}
        item = enqueue(KINDS[channel], notification_key(dossier, event, channel), payload, group=dossier.code,
                       at=at)
        if item is not None:
            created.append(item)
    return created
