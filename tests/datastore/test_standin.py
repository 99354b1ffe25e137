"""The personal-data-store stand-in over real HTTP: docs/interop-datastore.md, and its ways to fail."""

import base64
import hashlib
import json

import httpx
import pytest

DROPPED = (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError)
PDF = b"%PDF-1.4\n% ket qua KQ-05443-251105-0001\n%%EOF\n"
HOLDER = "019090001234"


def body(code="KQ-05443-251105-0001", pdf=PDF, **overrides):
    base = {"MaKetQua": code, "MaHoSo": code.removeprefix("KQ-"), "MaTTHC": "1.001193", "SoDinhDanh": HOLDER,
            "NgayCap": "20251105150000", "SHA256": hashlib.sha256(pdf).hexdigest(),
            "TepPDF": base64.b64encode(pdf).decode("ascii")}
    base.update(overrides)
    return base


def send(store, payload, key=None, token="test-token", timeout=10.0):
    headers = {"Content-Type": "application/json",
               "Idempotency-Key": payload.get("MaKetQua", "") if key is None else key}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{store.url}/ket-qua", content=json.dumps(payload), headers=headers, timeout=timeout)


def listing(store, id_number=HOLDER, token="test-token"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{store.url}/ket-qua", params={"SoDinhDanh": id_number}, headers=headers, timeout=10.0)


def test_a_result_is_stored_once_and_listed_for_its_holder(datastore_standin):
    first, again = send(datastore_standin, body()), send(datastore_standin, body())
    assert first.status_code == again.status_code == 200
    assert first.json() == {"KetQua": "OK", "MaKetQua": "KQ-05443-251105-0001"}
    state = datastore_standin.state()
    assert [entry["key"] for entry in state["stored"]] == ["KQ-05443-251105-0001"]
    held = state["results"]["KQ-05443-251105-0001"]
    assert held["sha256_of_file"] == held["SHA256"] == hashlib.sha256(PDF).hexdigest()
    assert (state["requests"], state["duplicates"]) == (2, 1)

    answer = listing(datastore_standin)
    assert answer.status_code == 200
    assert answer.json() == {"SoDinhDanh": HOLDER, "KetQua": [
        {key: value for key, value in body().items() if key != "TepPDF"}]}
    assert listing(datastore_standin, "019090009999").json()["KetQua"] == []
    one = httpx.get(f"{datastore_standin.url}/ket-qua/KQ-05443-251105-0001",
                    headers={"Authorization": "Bearer test-token"}, timeout=10.0)
    assert one.status_code == 200 and base64.b64decode(one.json()["TepPDF"]) == PDF
    missing = httpx.get(f"{datastore_standin.url}/ket-qua/KQ-none", headers={"Authorization": "Bearer test-token"},
                        timeout=10.0)
    assert missing.status_code == 404


@pytest.mark.parametrize(("changes", "field"), [
    ({"SoDinhDanh": "19090001234"}, "SoDinhDanh"),
    ({"SoDinhDanh": 19090001234}, "SoDinhDanh"),
    ({"NgayCap": "2025-11-05T15:00:00"}, "NgayCap"),
    ({"MaTTHC": ""}, "MaTTHC"),
    ({"SHA256": "0" * 64}, "SHA256"),
    ({"SHA256": "ABC"}, "SHA256"),
    ({"TepPDF": "không phải base64"}, "TepPDF"),
    ({"TepPDF": base64.b64encode(b"PK\x03\x04 zip").decode()}, "TepPDF"),
    ({"Extra": 1}, "Extra"),
])
def test_a_wrong_field_is_400_naming_it_and_nothing_is_stored(datastore_standin, changes, field):
    answer = send(datastore_standin, body(**changes), key="KQ-05443-251105-0001")
    assert answer.status_code == 400
    assert answer.json()["KetQua"] == "LOI" and answer.json()["MoTa"].startswith(f"{field}:")
    assert datastore_standin.state()["stored"] == []


def test_the_idempotency_key_must_be_the_result_code_and_the_token_right(datastore_standin):
    wrong_key = send(datastore_standin, body(), key="KQ-other")
    assert (wrong_key.status_code, wrong_key.json()["MoTa"].split(":")[0]) == (400, "Idempotency-Key")
    assert send(datastore_standin, body(), token=None).status_code == 401
    assert send(datastore_standin, body(), token="wrong").status_code == 401
    assert listing(datastore_standin, token="wrong").status_code == 401
    assert listing(datastore_standin, "12").status_code == 400
    assert datastore_standin.state()["stored"] == []


def test_faults_as_the_portal_stand_in(datastore_standin):
    datastore_standin.faults([{"kind": "down"}, {"kind": "status", "status": 503, "retry_after": 2},
                              {"kind": "store_then_error"}, {"kind": "twice"}])
    with pytest.raises(DROPPED):
        send(datastore_standin, body())
    busy = send(datastore_standin, body())
    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "2")
    assert datastore_standin.state()["stored"] == []
    assert send(datastore_standin, body()).status_code == 500  # stored, then the answer is an error
    assert send(datastore_standin, body()).status_code == 200  # the retry (delivered twice): stored once
    state = datastore_standin.state()
    assert len(state["stored"]) == 1 and state["duplicates"] == 2 and state["duplicates_differing"] == 0


def test_a_fault_for_the_listing_leaves_the_store_alone(datastore_standin):
    datastore_standin.faults([{"kind": "status", "status": 500, "method": "GET"}])
    assert send(datastore_standin, body()).status_code == 200
    assert listing(datastore_standin).status_code == 500
    assert listing(datastore_standin).status_code == 200


def test_a_bad_fault_is_refused(datastore_standin):
    for bad in ({"kind": "melt"}, {"kind": "down", "path": "/dong-bo-ho-so"}, {"kind": "down", "method": "PUT"}):
        with pytest.raises(Exception, match="400"):
            datastore_standin.faults(bad)


def test_kill_and_restart_keeps_what_was_stored(datastore_standin):
    assert send(datastore_standin, body()).status_code == 200
    datastore_standin.kill()
    datastore_standin.start()
    assert list(datastore_standin.state()["results"]) == ["KQ-05443-251105-0001"]
    datastore_standin.reset()
    assert datastore_standin.state()["results"] == {}
