"""The control room's world: the back office's units and personas (tests/office/conftest.py), a few
dossiers of the last days written through the lifecycle, and targets running today: the province's
online share, the same for commune A with its own value, and an officer's target.

The dashboards read "now" (the local date today), so the dossiers and targets are placed around it.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from motcua.lib.workingtime import LOCAL_TZ
from motcua.targets.history import create_target
from motcua.targets.models import Scope, Target
from tests.office.conftest import (  # noqa: F401
    PASSWORD,
    client_of,
    media_root,
    password_hash,
    receive,
    world,
)
from tests.targets.conftest import make_dossier


def days_ago(n: int, hour: int = 9) -> datetime:
    return datetime.combine(timezone.localdate() - timedelta(days=n), time(hour), tzinfo=LOCAL_TZ)


@dataclass
class Room:
    world: object
    province_online: Target
    commune_online: Target
    officer_resolved: Target

    def __getattr__(self, name):
        return getattr(self.world, name)


@pytest.fixture
def room(world):  # noqa: F811
    """Commune A: 3 online and 3 in-person dossiers over the last days (2 digitised); commune B: 2 in
    person; the department's office: 1 online. Targets from 10 days ago to 20 days ahead."""
    w = world
    for n in range(1, 4):
        make_dossier(w, at=days_ago(n), online=True)
        make_dossier(w, at=days_ago(n, 10), digitized=n < 3)
    for n in (1, 2):
        make_dossier(w, at=days_ago(n), unit=w.commune_b)
    make_dossier(w, at=days_ago(2), online=True, unit=w.dkkd, procedure=w.business)
    today = timezone.localdate()
    period = {"start": today - timedelta(days=10), "end": today + timedelta(days=20),
              "programme": "Chiến dịch thử nghiệm", "document_number": "01/KH-UBND"}
    return Room(
        w,
        create_target(measure="online", scope=Scope.PROVINCE, value=Decimal(92), **period),
        create_target(measure="online", scope=Scope.UNIT, unit=w.commune_a, value=Decimal(60), **period),
        create_target(measure="officer_resolved", scope=Scope.OFFICER, officer=w.processor_a, value=Decimal(5),
                      **period),
    )
