"""Counting a page view of the citizen portal: cheap, portable (the same SQL on SQLite and PostgreSQL), and
keeping nothing that identifies a person after the day.

A view adds 1 to its daily row with one UPSERT (INSERT … ON CONFLICT DO UPDATE SET views = views + 1).
The browser is recognised within the day by `visitor_hash`: HMAC-SHA256 of its address and user agent
under the day's salt, truncated to 128 bits. The salt is drawn at the day's first view and deleted, with
the day's set of hashes, when the day is aggregated (`aggregate.close_day`); the address and user agent
themselves are never written anywhere.

What is not counted (docs/usage.md): anything but a GET answered 200 with an HTML page, requests that say
they are prefetches or previews, and user agents that say they are robots or scripts (`ROBOT`), or send
no user agent at all.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from motcua.usage.models import DailySalt, DailyUsage, DayVisitor, SubmitAttempt

# Self-declared robots and scripts: crawlers say "bot", "crawl", "spider" or "slurp"; link previews and
# HTTP libraries name themselves. A browser driven by a test (HeadlessChrome) is a browser and is counted.
ROBOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|preview|curl/|wget/|python-requests|python-urllib|"
    r"python-httpx|aiohttp|go-http-client|java/|okhttp|libwww|scrapy|httpclient|uptime|monitoring|lighthouse",
    re.IGNORECASE)
PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


def is_robot(user_agent: str) -> bool:
    return not user_agent.strip() or ROBOT.search(user_agent) is not None


def is_prefetch(meta) -> bool:
    return any(any(word in meta.get(header, "").lower() for word in ("prefetch", "preview", "prerender"))
               for header in PREFETCH_HEADERS)


def visitor_hash(salt: str, address: str, user_agent: str) -> str:
    return hmac.new(bytes.fromhex(salt), f"{address}\n{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]


def salt_for(day: date) -> str:
    """The day's salt, drawn by whichever process sees the day's first view (the others read that one)."""
    salt = DailySalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if salt is None:
        DailySalt.objects.bulk_create([DailySalt(day=day, salt=secrets.token_hex(32))], ignore_conflicts=True)
        salt = DailySalt.objects.values_list("salt", flat=True).get(day=day)
    return salt


@dataclass(frozen=True)
class View:
    kind: str
    procedure_key: int = 0
    unit_key: int = 0


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _add_to_set(cursor, day: date, visitor: str, scope: int, now: datetime) -> bool:
    """True if the hash was not yet in the day's set for this scope (it is now)."""
    cursor.execute(
        f"INSERT INTO {_q(DayVisitor._meta.db_table)} (day, visitor, scope, last_seen) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (day, visitor, scope) DO NOTHING", [day, visitor, scope, now])
    return cursor.rowcount == 1


def _new_visit(cursor, day: date, visitor: str, now: datetime) -> bool:
    """A known visitor back after the inactivity gap starts a new visit; either way he is seen now."""
    table = _q(DayVisitor._meta.db_table)
    gap = timedelta(minutes=settings.MOTCUA_USAGE_VISIT_GAP_MINUTES)
    cursor.execute(f"UPDATE {table} SET last_seen = %s WHERE day = %s AND visitor = %s AND scope = 0 "
                   f"AND last_seen < %s", [now, day, visitor, now - gap])
    if cursor.rowcount == 1:
        return True
    cursor.execute(f"UPDATE {table} SET last_seen = %s WHERE day = %s AND visitor = %s AND scope = 0",
                   [now, day, visitor])
    return False


def record_view(view: View, address: str, user_agent: str, now: datetime | None = None) -> None:
    """Count one page view, its visitor and visit, in the day's aggregate row."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    visitor = visitor_hash(salt_for(day), address, user_agent)
    with transaction.atomic(), connection.cursor() as cursor:
        new_visitor = _add_to_set(cursor, day, visitor, 0, now)
        entry = new_visitor or _new_visit(cursor, day, visitor, now)
        procedure_visitor = bool(view.procedure_key) and _add_to_set(cursor, day, visitor, view.procedure_key, now)
        cursor.execute(
            f"INSERT INTO {_q(DailyUsage._meta.db_table)} AS u (day, kind, procedure_key, unit_key, views, entries, "
            f"new_visitors, procedure_visitors) VALUES (%s, %s, %s, %s, 1, %s, %s, %s) "
            f"ON CONFLICT (day, kind, procedure_key, unit_key) DO UPDATE SET views = u.views + 1, "
            f"entries = u.entries + excluded.entries, new_visitors = u.new_visitors + excluded.new_visitors, "
            f"procedure_visitors = u.procedure_visitors + excluded.procedure_visitors",
            [day, view.kind, view.procedure_key, view.unit_key, int(entry), int(new_visitor),
             int(procedure_visitor)])


def note_submit_attempt(draft_id: int, now: datetime | None = None) -> None:
    """The applicant tried to submit the draft and was shown errors (the funnel's furthest step)."""
    SubmitAttempt.objects.bulk_create([SubmitAttempt(draft_id=draft_id, first_at=now or timezone.now())],
                                      ignore_conflicts=True)
