"""Fixtures of the index pages: the small province in the database and the back office's personas."""

import pytest
from django.contrib.auth import get_user_model

from motcua.core.models import Membership, Role
from motcua.units.models import Unit

from .province import PROVINCE, WARD_A, import_province


@pytest.fixture
def province(db, tmp_path):
    """The province of `province.py`, imported into the database."""
    return import_province(tmp_path / "province")


def _person(username, role, unit_code):
    user = get_user_model().objects.create(username=username)
    user.set_unusable_password()
    user.save()
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    Membership.objects.create(user=user, unit=unit, role=role, full_name=username)
    return user


@pytest.fixture
def monitor(province):
    """The provincial monitor: sees every dossier."""
    return _person("giamsat.tinh", Role.PROVINCIAL_MONITOR, PROVINCE)


@pytest.fixture
def ward_officer(province):
    """A desk officer of phường Phan Đình Phùng: sees only that ward's dossiers."""
    return _person("tiepnhan.pdp", Role.DESK_OFFICER, WARD_A)


@pytest.fixture
def citizen(province):
    return _person("019090001234", Role.CITIZEN, None)


@pytest.fixture
def logged_in(client):
    """`logged_in(user)`: the test client, logged in as `user`."""
    def login(user):
        client.force_login(user)
        return client
    return login
