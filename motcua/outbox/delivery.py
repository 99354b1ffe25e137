"""What a delivery handler answers, and how long the worker waits before trying again.

A handler is a plain function `deliver(item) -> Outcome` named in `settings.MOTCUA_OUTBOX_HANDLERS` by
kind, so that the outbox (low in the layers) never imports the apps that know the other systems.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_BACKOFF = timedelta(seconds=60)  # interop.md: capped at 60 s between tries
FIRST_BACKOFF = timedelta(seconds=1)


@dataclass(frozen=True)
class Acknowledged:
    """The other side holds it (stored now, already stored, or holds something newer)."""

    at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class Refused:
    """A permanent refusal of this content: listed with its reason, sent again only when retried."""

    reason: str


@dataclass(frozen=True)
class Transient:
    """Try again later: 429, 5xx, a timeout, a refused connection."""

    reason: str
    retry_after: float | None = None  # seconds the other side asked for


@dataclass(frozen=True)
class Unauthorised:
    """Credentials wrong: stop the run, mark nothing failed."""

    reason: str


Outcome = Acknowledged | Refused | Transient | Unauthorised


def backoff(attempts: int, retry_after: float | None = None, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter after `attempts` failed tries, honouring `Retry-After`,
    never more than a minute between tries."""
    rng = rng or random
    ceiling = min(MAX_BACKOFF, FIRST_BACKOFF * (2 ** min(max(attempts - 1, 0), 16)))
    wait = timedelta(seconds=rng.uniform(0.5, 1.0) * ceiling.total_seconds())
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return min(wait, MAX_BACKOFF)
