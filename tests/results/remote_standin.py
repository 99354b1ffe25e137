"""The remote-signing stand-in (motcua.standins.remotesign) as its own process, once per test session, with
the leader enrolled: his key made at the service, his certificate issued by the back office's demo PKI.
Each test gets it running, reset (no transactions, counters at zero, no faults) and with a phone that does
not answer by itself (`remote_standin`); `phone()` says how the phone answers."""

from pathlib import Path

import httpx
import pytest

from motcua.results import remote
from motcua.standins.process import StandinProcess

LEADER = "Bùi Văn Tài"
USER_ID = "079080001234"  # the leader's account at the provider (his identity number, as SmartCA uses)
TOKEN = "remote-test-token"
EXPIRES_IN = 1.5  # seconds the service keeps an unanswered request


def pki_dir() -> Path:
    """The back office's demo PKI (VAR_DIR/pki), so that its trust roots cover the leader's certificate."""
    from motcua.office import pdfs

    return Path(pdfs.pki_dir())


@pytest.fixture(scope="session")
def _remote_process(tmp_path_factory):
    standin = StandinProcess(module="motcua.standins.remotesign", token=TOKEN,
                             state_file=tmp_path_factory.mktemp("remotesign") / "state.json",
                             extra_args=("--expires-in", str(EXPIRES_IN)))
    standin.start()
    try:
        remote.enrol_demo_signer(standin.url, USER_ID, LEADER, pki_dir(), unit_name="Sở Tài chính")
        yield standin
    finally:
        standin.stop()


@pytest.fixture
def remote_standin(_remote_process):
    _remote_process.start()  # a test may have stopped it; the state file keeps the enrolled leader
    _remote_process.clear()
    _remote_process.reset()
    phone(_remote_process, "none")
    return _remote_process


def phone(standin, answer: str, delay: float = 0.1) -> None:
    """How the leader's phone answers the next requests, `delay` seconds after each arrives."""
    response = httpx.post(f"{standin.url}/_standin/signers/{USER_ID}/phone", json={"answer": answer, "delay": delay})
    assert response.status_code == 200
