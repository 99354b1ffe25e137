"""`datastore_standin`: a personal-data-store stand-in (motcua.standins.datastore) as its own process, and
the back office's world (personas, units, procedures) for signing results."""

import pytest

from motcua.standins.process import StandinProcess
from tests.office.conftest import client_of, media_root, password_hash, world  # noqa: F401


@pytest.fixture
def datastore_standin(tmp_path):
    """A started stand-in with token "test-token" and a state file in tmp_path (so kill()+restart() keep
    what it stored); stopped at teardown."""
    standin = StandinProcess(module="motcua.standins.datastore", token="test-token",
                             state_file=tmp_path / "datastore-standin.json")
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()


@pytest.fixture
def store_settings(settings, datastore_standin):
    """The data store's settings pointing at the stand-in."""
    settings.MOTCUA_DATA_STORE_URL = datastore_standin.url
    settings.MOTCUA_DATA_STORE_TOKEN = datastore_standin.token
    settings.MOTCUA_DATA_STORE_TIMEOUT = 5
    return settings
