"""A dossier received at a desk reaches the national portal with no one touching it: the receipt writes
version 1 to the outbox, each action the next version, and the worker delivers the newest."""

import pytest
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.office import actions
from motcua.outbox.models import Item, State
from motcua.outbox.worker import Worker
from tests.office.conftest import dossier, media_root, password_hash, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_a_received_dossier_is_acknowledged_with_its_latest_version(portal, dossier, world):  # noqa: F811
    assert Item.objects.get(kind="portal.dossier", group=dossier.code).key == f"{dossier.code}:1"
    actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version)
    Worker(kinds=["portal.dossier"]).run(until_idle=True)
    held = portal.state()["held"][dossier.code]
    stored = Dossier.objects.get(pk=dossier.pk)
    assert held["PhienBan"] == stored.version + 1 == 2
    assert held["TrangThaiHoSo"] == stored.status and held["MaDonVi"] == world.commune_a.code
    assert stored.synced_at is not None and stored.synced_at <= timezone.now()
    assert set(Item.objects.filter(kind="portal.dossier", group=dossier.code).values_list("state", flat=True)) == {State.ACKNOWLEDGED}
