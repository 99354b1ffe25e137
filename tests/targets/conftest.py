"""Targets' world: the back office's units, procedures and personas (tests/office/conftest.py) and
dossiers written through the lifecycle with the facts a test needs, so numbers can be computed by hand.

November 2025 has no Vietnamese public holiday: Monday 3, 10, 17 and 24 November start working weeks.
"""

from datetime import datetime, timedelta

from motcua.dossiers.constants import Channel
from motcua.dossiers.lifecycle import create_dossier
from motcua.dossiers.models import Dossier
from motcua.lib.workingtime import LOCAL_TZ
from tests.office.conftest import (  # noqa: F401
    AT,
    client_of,
    media_root,
    password_hash,
    receive,
    world,
)

_serial = iter(range(5000, 10_000))  # above the codes the desk issues in a test


def local(day: int, hour: int = 8, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=LOCAL_TZ)


def make_dossier(w, *, at, online=False, unit=None, procedure=None, synced=True, digitized=False,
                 due_days=5, origin=None, actor=None, **facts) -> Dossier:
    """A dossier created through the lifecycle with the given facts (synced a minute after receipt)."""
    unit = unit or w.commune_a
    procedure = procedure or w.birth
    n = next(_serial)
    dossier = Dossier(
        code=f"{unit.code}-{at:%y%m%d}-{n:04d}", procedure=procedure, unit=unit, received_by=unit,
        channel=Channel.ONLINE if online else Channel.IN_PERSON, full_online=online, received_at=at,
        due_at=at + timedelta(days=due_days), due_given=True, synced_at=at + timedelta(minutes=1) if synced else None,
        digitized=digitized, holder=unit, **facts)
    return create_dossier(dossier, origin or ("online" if online else "desk"), actor=actor, at=at).dossier
