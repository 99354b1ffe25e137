"""Delivering notification SMS through the provider (outbox kind "notify.sms").

`POST {MOTCUA_SMS_URL}` with `Authorization: Bearer {MOTCUA_SMS_TOKEN}` and the JSON body
`{"to": phone, "text": text, "id": outbox key}`; the provider keeps one message per `id`, so a retry after
a lost answer sends nothing twice. Answers: 2xx sent; 400 or 422 the number (or the text) is refused for
good: listed with the provider's reason; 401, 403 our credentials are wrong: the run stops and nothing is
marked; 429, 5xx, a timeout or a refused connection: retried with backoff, honouring `Retry-After`.
"""

from __future__ import annotations

from django.conf import settings

from motcua.notify.notices import KINDS
from motcua.outbox import http
from motcua.outbox.delivery import Transient

KIND = KINDS["sms"]


def configured() -> bool:
    return bool(settings.MOTCUA_SMS_URL)


class SmsHandler:
    coalesce = False

    def deliver(self, item):
        if not configured():
            return Transient("MOTCUA_SMS_URL chưa được cấu hình")
        payload = item.payload
        body = {"to": payload["to"], "text": payload["text"], "id": item.key}
        return http.post(settings.MOTCUA_SMS_URL, json=body,
                         headers={"Authorization": f"Bearer {settings.MOTCUA_SMS_TOKEN}"},
                         timeout=settings.MOTCUA_SMS_TIMEOUT, note=f"SMS: {payload['to']}",
                         refused=(400, 422), reason_keys=("error", "message"))


HANDLER = SmsHandler()
