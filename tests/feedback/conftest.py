"""Feedback's world: the back office's units and personas (tests/office/conftest.py), the portal's citizens
(tests/portal/conftest.py), and items received through the lifecycle."""

from datetime import datetime

import pytest

from motcua.feedback.constants import About, Channel
from motcua.office import feedback_actions as fa
from motcua.results import certificates
from tests.office.conftest import CITIZEN_ID, client_of, media_root, password_hash, world  # noqa: F401
from tests.portal.conftest import citizen_client, other_client, portal_world  # noqa: F401

# A Wednesday morning: deadlines below are easy to count by hand.
AT = datetime.fromisoformat("2025-11-05T09:00:00+07:00")


def file_item(world, *, unit=None, at=AT, user=None, name="Nguyễn Văn An", phone="0912345678",  # noqa: F811
              email="an@example.vn", about=About.PROCEDURE, channel=Channel.PORTAL, actor=None):
    return fa.do_file(fa.Submission(
        unit=unit or world.commune_a, about=about, subject="Thời gian giải quyết khai sinh",
        content="Tôi là Nguyễn Văn An, số điện thoại 0912345678, hồ sơ khai sinh bị chậm.",
        procedure=world.birth if about == About.PROCEDURE else None,
        officer="Trần Văn Xử" if about == About.CONDUCT else "", name=name, phone=phone, email=email, user=user),
        channel=channel, actor=actor, at=at)


@pytest.fixture
def item(world):  # noqa: F811
    return file_item(world)


@pytest.fixture
def pki(settings, tmp_path):
    """A demo PKI of this test only, demo signing on as in development."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MOTCUA_ALLOW_DEMO_SIGNING = True
    settings.MOTCUA_SIGNING = {}
    settings.MOTCUA_TRUST_ROOTS = []
    settings.MOTCUA_CRLS = []
    directory = certificates.default_pki_dir()
    return directory, certificates.ensure_demo_pki(directory)
