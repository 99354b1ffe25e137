"""Delivering notification SMS through the provider (outbox kind "notify.sms").

`POST {MOTCUA_SMS_URL}` with `Authorization: Bearer {MOTCUA_SMS_TOKEN}` and the JSON body
`{"to": phone, "text": text, "id": outbox key}`; the provider keeps one message per `id`, so a retry after
a lost answer sends nothing twice. Answers: 2xx sent; 400 or 422 the number (or the text) is refused for
good: listed with the provider's reason; 401, 403 our credentials are wrong: the run stops and nothing is
marked; 429, 5xx, a timeout or a refused connection: retried with backoff, honouring `Retry-After`.
"""

from __future__ import annotations

import httpx
from django.conf import settings

from motcua.notify.notices import KINDS
from motcua.outbox.delivery import Acknowledged, Refused, Transient, Unauthorised

KIND = KINDS["sms"]


def configured() -> bool:
    return bool(settings.MOTCUA_SMS_URL)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    described = (body.get("error") or body.get("message")) if isinstance(body, dict) else None
    return f"HTTP {response.status_code}: {described}" if described else f"HTTP {response.status_code}"


class SmsHandler:
    coalesce = False

    def deliver(self, item):
        if not configured():
            return Transient("MOTCUA_SMS_URL chưa được cấu hình")
        payload = item.payload
        body = {"to": payload["to"], "text": payload["text"], "id": item.key}
        try:
            response = httpx.post(settings.MOTCUA_SMS_URL, json=body,
                                  headers={"Authorization": f"Bearer {settings.MOTCUA_SMS_TOKEN}"},
                                  timeout=settings.MOTCUA_SMS_TIMEOUT)
        except httpx.HTTPError as exc:  # refused connection, reset, timeout: transient
            return Transient(f"{type(exc).__name__}: {exc}")
        status = response.status_code
        if 200 <= status < 300:
            return Acknowledged(note=f"SMS: {payload['to']}")
        if status in (400, 422):
            return Refused(_reason(response))
        if status in (401, 403):
            return Unauthorised(_reason(response))
        return Transient(_reason(response), retry_after=_retry_after(response))


HANDLER = SmsHandler()
