"""The portal's world: the back office's units, procedures and personas (tests/office/conftest.py), the
application forms loaded from their data, and the citizen of the personas with his population data (as
the identity provider's sign-in leaves it: `motcua.citizens`)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from motcua.applications.definitions import load_forms
from motcua.citizens.models import Citizen
from motcua.core.models import Membership, Role
from tests.office.conftest import CITIZEN_ID, client_of, media_root, password_hash, world  # noqa: F401

OTHER_ID = "019190005678"


def make_citizen(user, id_number, full_name, commune_code="05443", **extra):
    values = {"birth_date": date(1990, 3, 14), "sex": "Nam", "household_code": "HK0544300012",
              "permanent_address": "Tổ 5, phường Phan Đình Phùng, tỉnh Thái Nguyên", "phone": "0912345678",
              "email": "an@example.vn", **extra}
    return Citizen.objects.create(user=user, subject=f"sub-{id_number}", id_number=id_number, full_name=full_name,
                                  commune_code=commune_code, **values)


@pytest.fixture
def portal_world(world):  # noqa: F811
    load_forms()
    world.people.citizen_account = make_citizen(world.citizen, CITIZEN_ID, "Nguyễn Văn An")
    other = get_user_model().objects.create(username=OTHER_ID)
    Membership.objects.create(user=other, role=Role.CITIZEN)
    world.people.other_citizen = other
    world.people.other_account = make_citizen(other, OTHER_ID, "Trần Thị Bình", commune_code="05710",
                                              phone="0987654321")
    return world


@pytest.fixture
def citizen_client(client_of, portal_world):  # noqa: F811
    return client_of(portal_world.citizen)


@pytest.fixture
def other_client(client_of, portal_world):  # noqa: F811
    return client_of(portal_world.other_citizen)
