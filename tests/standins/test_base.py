"""What every stand-in shares (motcua.standins.base): the state file, the fault queue, the capped body."""

import json
import re
import socket

import pytest

from motcua.standins import base
from motcua.standins.process import StandinProcess


class Notes(base.StandinState):
    COUNTERS = ("requests", "notes")

    def _empty(self) -> None:
        self.notes: list[str] = []

    def _data(self) -> dict:
        return {"notes": self.notes}

    def _restore(self, data: dict) -> None:
        self.notes = data.get("notes", [])

    def note(self, text: str) -> None:
        with self.lock:
            self.notes.append(text)
            self.counters["notes"] += 1
            self.save()


def test_the_state_file_keeps_what_the_protocol_keeps_and_the_counters_not_the_faults(tmp_path):
    path = tmp_path / "deep" / "notes.json"
    state = Notes(path)
    state.note("một")
    state.count()
    state.add_faults([{"kind": "down", "times": 1, "path": "*"}])
    assert json.loads(path.read_text(encoding="utf-8")) == {"notes": ["một"], "counters": {"requests": 1, "notes": 1}}
    again = Notes(path)
    assert (again.notes, again.counters, again.faults) == (["một"], {"requests": 1, "notes": 1}, [])
    again.reset()
    assert (Notes(path).notes, Notes(path).counters) == ([], {"requests": 0, "notes": 0})
    assert [p.name for p in path.parent.iterdir()] == ["notes.json"]  # no temporary file left behind


def test_faults_are_taken_in_order_by_path_and_exact_skips_the_star():
    state = Notes()
    state.add_faults([{"kind": "status", "status": 503, "times": 2, "path": "/a"},
                      {"kind": "slow", "seconds": 0, "times": -1, "path": "*"},
                      {"kind": "wrong", "times": 1, "path": "signature"}])
    assert state.snapshot()["faults_pending"] == -1
    assert [state.take_fault("/a")["kind"] for _ in range(3)] == ["status", "status", "slow"]
    assert state.take_fault("/b")["kind"] == "slow"
    assert state.take_fault("signature")["kind"] == "slow"  # "*" strikes any path...
    assert state._take_fault("signature", exact=True)["kind"] == "wrong"  # ...but not an exact one
    assert state._take_fault("signature", exact=True) is None
    state.clear()
    assert state.take_fault("/a") is None and state.snapshot()["faults"] == []


@pytest.mark.parametrize(("payload", "why"), [
    ({"kind": "status"}, "faults[0].status"),
    ({"kind": "slow"}, "faults[0].seconds"),
    ({"kind": "down", "times": 0}, "faults[0].times"),
    ({"kind": "down", "times": True}, "faults[0].times"),
    ({"kind": "down", "rate": 1.5}, "faults[0].rate"),
    ({"kind": "down", "path": "/x"}, "faults[0].path"),
    ([{"kind": "down"}, "down"], "faults[1]"),
])
def test_a_fault_is_checked_the_same_way_on_every_stand_in(payload, why):
    def check(payload):
        return [base.check_path(w, base.check_fault(w, f, ("down", "status", "slow")), ("/a",), "/a") or f
                for w, f in base.fault_items(payload)]

    assert check({"kind": "down"}) == [{"kind": "down", "times": 1, "path": "/a"}]
    assert base.check_fault("f", {"kind": "down", "times": -1}, ("down",))["times"] == -1  # until cleared...
    with pytest.raises(base.Invalid, match=r"^f\.times: phải là số nguyên ≥ 1$"):  # ...unless not allowed (sms)
        base.check_fault("f", {"kind": "down", "times": -1}, ("down",), forever=False)
    with pytest.raises(base.Invalid, match="^" + re.escape(why)):
        check(payload)


def test_a_body_beyond_the_cap_is_413_without_reading_it_and_the_stand_in_goes_on():
    with StandinProcess(module="motcua.standins.sms", token="t") as sms:
        host, port = sms.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as conn:
            conn.sendall(f"POST /sms HTTP/1.1\r\nHost: x\r\nContent-Length: {base.MAX_BODY + 1}\r\n\r\n".encode())
            received = b""
            while chunk := conn.recv(4096):  # the stand-in closes the connection after answering
                received += chunk
        answer = received.decode("utf-8")
        assert answer.startswith("HTTP/1.1 413") and "tối đa" in answer
        assert sms.state()["requests"] == 0
