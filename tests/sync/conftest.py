"""`portal`: the national-portal stand-in, running as its own process, with the portal settings pointing at
it (the stand-in itself is tests/standins/conftest.py's `portal_standin`)."""

import pytest

from tests.standins.conftest import portal_standin  # noqa: F401


@pytest.fixture
def portal(portal_standin, settings):  # noqa: F811
    settings.MOTCUA_NATIONAL_PORTAL_URL = portal_standin.url
    settings.MOTCUA_NATIONAL_PORTAL_TOKEN = portal_standin.token
    settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT = 5
    return portal_standin
