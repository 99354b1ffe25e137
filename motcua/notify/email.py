"""Delivering notification e-mails over SMTP (outbox kind "notify.email").

Django's mail API with the SMTP backend (`EMAIL_*` settings, from `MOTCUA_SMTP_*`). What the server says
decides what the worker does: a 5xx (the mailbox does not exist, the content is refused) is permanent,
the item is listed as failed with the server's words; a 4xx, a refused or dropped connection or a timeout
is transient, retried with backoff; wrong credentials stop the run and mark nothing.

SMTP has no idempotency key: the Message-ID is derived from the outbox key, so the rare copy sent twice
(the server took the message but the answer was lost) carries the same Message-ID as the first.
"""

from __future__ import annotations

import hashlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from motcua.notify.notices import KINDS
from motcua.outbox.delivery import Acknowledged, Refused, Transient, Unauthorised

KIND = KINDS["email"]


def configured() -> bool:
    return bool(settings.EMAIL_HOST)


def message_id(key: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@motcua.notify>"


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _by_code(code: int, reason: str):
    """5xx: permanent; anything else (4xx, or no code at all): try again later."""
    return Refused(reason) if 500 <= code < 600 else Transient(reason)


def _close_quietly(connection) -> None:
    # The message is already sent (or the error already known): a failed QUIT changes neither.
    try:
        connection.close()
    except Exception:
        pass


class EmailHandler:
    coalesce = False

    def deliver(self, item):
        payload = item.payload
        message = EmailMessage(subject=payload["subject"], body=payload["body"],
                               from_email=settings.DEFAULT_FROM_EMAIL, to=[payload["to"]],
                               headers={"Message-ID": message_id(item.key), "Auto-Submitted": "auto-generated"})
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
            connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = next(iter(exc.recipients.values()), (0, b""))
            return _by_code(code, f"SMTP {code}: {payload['to']}: {_text(answer)}")
        except smtplib.SMTPAuthenticationError as exc:
            return Unauthorised(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}")
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, HELO refused…
            return _by_code(exc.smtp_code, f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}")
        except OSError as exc:  # dropped or refused connection, timeout, other SMTP errors
            return Transient(f"{type(exc).__name__}: {exc}")
        except ValueError as exc:  # an address or header that cannot be written: no retry will help
            return Refused(f"{type(exc).__name__}: {exc}")
        finally:
            _close_quietly(connection)
        return Acknowledged(note=f"SMTP: {payload['to']}")


HANDLER = EmailHandler()
