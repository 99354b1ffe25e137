"""`portal_standin`: a national-portal stand-in (motcua.standins.portal) running as its own process.

Tests elsewhere can use it by importing it into their module or conftest:
`from tests.standins.conftest import portal_standin  # noqa: F401`.
"""

import pytest

from motcua.standins.process import StandinProcess


@pytest.fixture
def portal_standin(tmp_path):
    """A started stand-in with token "test-token" and a state file in tmp_path (so kill()+restart() keep
    what it stored); stopped at teardown."""
    standin = StandinProcess(token="test-token", state_file=tmp_path / "portal-standin.json")
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()
