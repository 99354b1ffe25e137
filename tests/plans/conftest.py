"""The plan's world: the back office's units and personas (tests/office/conftest.py) plus the departments the
plan of seed 003 names, the plan loaded from its data file, and e-mail addresses for the reminders."""

import pytest

from motcua.core.models import Membership, Role
from motcua.plans.seeding import load_plan
from motcua.units.models import Unit
from tests.office.conftest import _person, client_of, media_root, password_hash, world  # noqa: F401


@pytest.fixture
def plan_world(world, password_hash):  # noqa: F811
    province = world.province
    skhcn = Unit.objects.create(code="19.SKHCN", name="Sở Khoa học và Công nghệ tỉnh Thái Nguyên", kind="department",
                                parent=province, position=6)
    police = Unit.objects.create(code="19.CAT", name="Công an tỉnh Thái Nguyên", kind="department", parent=province,
                                 position=7)
    office = Unit.objects.create(code="19.VPUBND", name="Văn phòng Ủy ban nhân dân tỉnh Thái Nguyên", kind="department",
                                 parent=province, position=8)
    world.people.skhcn = skhcn
    world.people.police = police
    world.people.vpubnd = office
    world.people.skhcn_leader = _person("lanhdao.skhcn", Role.UNIT_LEADER, skhcn, "Hà Văn Khoa", password_hash,
                                        email="lanhdao.skhcn@thainguyen.gov.vn")
    world.people.skhcn_officer = _person("chuyenvien.skhcn", Role.PROCESSING_OFFICER, skhcn, "Lý Thị Công",
                                         password_hash, email="chuyenvien.skhcn@thainguyen.gov.vn")
    for user, email in ((world.leader_a, "lanhdao.pdp@thainguyen.gov.vn"),
                        (world.dept_leader, "lanhdao.stc@thainguyen.gov.vn"),
                        (world.processor_a, "chuyenvien.pdp@thainguyen.gov.vn")):
        user.email = email
        user.save(update_fields=["email"])
    # Commune B has a leader without an e-mail address: nobody to remind.
    world.people.leader_b = _person("lanhdao.ls", Role.UNIT_LEADER, world.commune_b, "Mai Văn Bình", password_hash)
    assert Membership.objects.filter(role=Role.UNIT_LEADER).count() == 4
    world.people.plan = load_plan().plan
    return world
