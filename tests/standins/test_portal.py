"""The national-portal stand-in over real HTTP: interop.md §1, and each way it can be told to fail."""

import json
import time

import httpx
import pytest

from motcua.standins.process import StandinError, StandinProcess

DROPPED = (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError)


def body(code="05443-251030-0001", version=1, **overrides):
    base = {
        "MaHoSo": code, "PhienBan": version, "MaTTHC": "1.001193", "MaDonVi": "05443",
        "MaDonViTiepNhan": "05443", "KenhThucHien": 2, "TrangThaiHoSo": 2,
        "NgayTiepNhan": "20251030081500", "NgayHenTra": "20251031081500", "NgayKetThucXuLy": None,
        "NgayTra": None, "LePhi": 0, "NgayThanhToanTrucTuyen": None, "MaKetQuaDienTu": None,
    }
    base.update(overrides)
    return base


def send(portal, payload, key=None, token="test-token", timeout=10.0, **headers):
    if key is None:
        key = f"{payload['MaHoSo']}:{payload['PhienBan']}"
    sent = {"Content-Type": "application/json", "Idempotency-Key": key, **headers}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{portal.url}/dong-bo-ho-so", content=json.dumps(payload), headers=sent, timeout=timeout)


def reconcile(portal, params, token="test-token"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{portal.url}/doi-soat", params=params, headers=headers, timeout=10.0)


# The contract ----------------------------------------------------------------------------------------------


def test_store_then_the_same_key_again_is_ok_and_stored_once(portal_standin):
    first = send(portal_standin, body())
    again = send(portal_standin, body())
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"KetQua": "OK", "MaHoSo": "05443-251030-0001", "PhienBan": 1}
    state = portal_standin.state()
    assert [entry["key"] for entry in state["stored"]] == ["05443-251030-0001:1"]
    assert state["stored"][0]["at"]
    assert state["held"]["05443-251030-0001"] == body()
    assert (state["requests"], state["duplicates"], state["rejected_older"]) == (2, 1, 0)


def test_a_newer_version_then_an_older_one_is_cu_with_the_current_version(portal_standin):
    assert send(portal_standin, body(version=1)).status_code == 200
    assert send(portal_standin, body(version=3, TrangThaiHoSo=4)).status_code == 200  # 2 coalesced away
    older = send(portal_standin, body(version=2, TrangThaiHoSo=4))
    assert older.status_code == 409
    assert older.json() == {"KetQua": "CU", "PhienBanHienTai": 3}
    state = portal_standin.state()
    assert state["held"]["05443-251030-0001"]["PhienBan"] == 3
    assert [entry["key"] for entry in state["stored"]] == ["05443-251030-0001:1", "05443-251030-0001:3"]
    assert state["rejected_older"] == 1
    # A version already stored is still answered OK, even though a newer one is held.
    assert send(portal_standin, body(version=1)).status_code == 200


@pytest.mark.parametrize(("changes", "field"), [
    ({"PhienBan": 0}, "PhienBan"),
    ({"PhienBan": "1"}, "PhienBan"),
    ({"PhienBan": True}, "PhienBan"),
    ({"KenhThucHien": 4}, "KenhThucHien"),
    ({"TrangThaiHoSo": 11}, "TrangThaiHoSo"),
    ({"TrangThaiHoSo": 0}, "TrangThaiHoSo"),
    ({"NgayTiepNhan": "2025-10-30T08:15:00"}, "NgayTiepNhan"),
    ({"NgayTiepNhan": None}, "NgayTiepNhan"),
    ({"NgayHenTra": None}, "NgayHenTra"),
    ({"NgayTra": "20251332081500"}, "NgayTra"),
    ({"NgayKetThucXuLy": 20251030150000}, "NgayKetThucXuLy"),
    ({"NgayThanhToanTrucTuyen": "202510300900"}, "NgayThanhToanTrucTuyen"),
    ({"LePhi": -1}, "LePhi"),
    ({"LePhi": 1.5}, "LePhi"),
    ({"LePhi": None}, "LePhi"),
    ({"MaTTHC": ""}, "MaTTHC"),
    ({"MaDonViTiepNhan": None}, "MaDonViTiepNhan"),
    ({"MaKetQuaDienTu": 7}, "MaKetQuaDienTu"),
    ({"Extra": 1}, "Extra"),
])
def test_a_wrong_field_is_400_naming_it_and_nothing_is_stored(portal_standin, changes, field):
    answer = send(portal_standin, body(**changes), key="05443-251030-0001:1")
    assert answer.status_code == 400
    assert answer.json()["KetQua"] == "LOI"
    assert answer.json()["MoTa"].startswith(f"{field}:")
    assert portal_standin.state()["stored"] == []


def test_a_missing_field_wrong_key_or_non_json_is_400(portal_standin):
    incomplete = body()
    del incomplete["LePhi"]
    answer = send(portal_standin, incomplete)
    assert (answer.status_code, answer.json()["MoTa"].split(":")[0]) == (400, "LePhi")
    answer = send(portal_standin, body(version=2), key="05443-251030-0001:1")
    assert (answer.status_code, answer.json()["MoTa"].split(":")[0]) == (400, "Idempotency-Key")
    missing_key = httpx.post(f"{portal_standin.url}/dong-bo-ho-so", json=body(),
                             headers={"Authorization": "Bearer test-token"})
    assert (missing_key.status_code, missing_key.json()["MoTa"].split(":")[0]) == (400, "Idempotency-Key")
    garbage = httpx.post(f"{portal_standin.url}/dong-bo-ho-so", content=b"{not json",
                         headers=portal_standin.headers("05443-251030-0001:1"))
    assert (garbage.status_code, garbage.json()["MoTa"].split(":")[0]) == (400, "body")
    assert portal_standin.state()["stored"] == []


def test_valid_values_at_the_edges_are_accepted(portal_standin):
    full = body(version=7, KenhThucHien=3, TrangThaiHoSo=10, NgayKetThucXuLy="20251030150000",
                NgayTra="20251031090000", LePhi=100000, NgayThanhToanTrucTuyen="20251030090000",
                MaKetQuaDienTu="KQ-05443-0001")
    assert send(portal_standin, full).status_code == 200
    assert portal_standin.state()["held"]["05443-251030-0001"] == full


@pytest.mark.parametrize("token", [None, "wrong"])
def test_without_the_token_it_is_401(portal_standin, token):
    answer = send(portal_standin, body(), token=token)
    assert answer.status_code == 401
    assert answer.json()["KetQua"] == "LOI"
    assert reconcile(portal_standin, {"tu": "2025-10-01", "den": "2025-10-31"}, token=token).status_code == 401
    assert portal_standin.state()["stored"] == []


# Faults ------------------------------------------------------------------------------------------------------


def test_down_closes_the_connection_then_it_answers_again(portal_standin):
    portal_standin.faults([{"kind": "down", "times": 2}])
    assert portal_standin.state()["faults_pending"] == 2
    for _ in range(2):
        with pytest.raises(DROPPED):
            send(portal_standin, body())
    assert portal_standin.state()["stored"] == []
    assert send(portal_standin, body()).status_code == 200
    state = portal_standin.state()
    assert (state["requests"], state["faults_pending"], len(state["stored"])) == (3, 0, 1)


def test_status_fault_answers_it_with_retry_after_and_stores_nothing(portal_standin):
    portal_standin.faults([{"kind": "status", "status": 503, "retry_after": 2},
                           {"kind": "status", "status": 429, "retry_after": 1, "body": {"why": "busy"}},
                           {"kind": "status", "status": 500}])
    answer = send(portal_standin, body())
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "2")
    answer = send(portal_standin, body())
    assert (answer.status_code, answer.headers["Retry-After"], answer.json()) == (429, "1", {"why": "busy"})
    answer = send(portal_standin, body())
    assert answer.status_code == 500 and "Retry-After" not in answer.headers
    assert portal_standin.state()["stored"] == []
    assert send(portal_standin, body()).status_code == 200


def test_slow_answers_after_the_delay(portal_standin):
    portal_standin.faults([{"kind": "slow", "seconds": 0.6}])
    started = time.monotonic()
    answer = send(portal_standin, body())
    assert time.monotonic() - started >= 0.6
    assert answer.status_code == 200


def test_slow_past_the_client_timeout_is_still_applied_and_the_retry_is_ok(portal_standin):
    portal_standin.faults([{"kind": "slow", "seconds": 0.8}])
    with pytest.raises(httpx.ReadTimeout):
        send(portal_standin, body(), timeout=0.2)
    time.sleep(1.0)
    assert "05443-251030-0001" in portal_standin.state()["held"]
    assert send(portal_standin, body()).status_code == 200
    state = portal_standin.state()
    assert (len(state["stored"]), state["duplicates"]) == (1, 1)


def test_store_then_error_is_500_but_held_and_the_retry_is_ok_without_storing_twice(portal_standin):
    portal_standin.faults([{"kind": "store_then_error"}])
    assert send(portal_standin, body()).status_code == 500
    state = portal_standin.state()
    assert state["held"]["05443-251030-0001"]["PhienBan"] == 1
    retry = send(portal_standin, body())
    assert retry.status_code == 200
    assert retry.json() == {"KetQua": "OK", "MaHoSo": "05443-251030-0001", "PhienBan": 1}
    state = portal_standin.state()
    assert (len(state["stored"]), state["duplicates"]) == (1, 1)


def test_store_then_close_drops_the_answer_but_keeps_the_store(portal_standin):
    portal_standin.faults([{"kind": "store_then_error", "close": True}])
    with pytest.raises(DROPPED):
        send(portal_standin, body())
    assert len(portal_standin.state()["stored"]) == 1
    assert send(portal_standin, body()).status_code == 200
    assert len(portal_standin.state()["stored"]) == 1


def test_twice_is_delivered_twice_and_stored_once(portal_standin):
    portal_standin.faults([{"kind": "twice"}])
    answer = send(portal_standin, body())
    assert answer.status_code == 200
    assert answer.json()["KetQua"] == "OK"
    state = portal_standin.state()
    assert (len(state["stored"]), state["requests"], state["duplicates"]) == (1, 2, 1)


def test_unauthorised_fault_is_401_even_with_the_right_token(portal_standin):
    portal_standin.faults([{"kind": "unauthorised"}])
    assert send(portal_standin, body()).status_code == 401
    assert send(portal_standin, body()).status_code == 200


def test_faults_are_consumed_in_order_and_only_on_their_path(portal_standin):
    portal_standin.faults([{"kind": "status", "status": 503, "path": "/doi-soat"},
                           {"kind": "status", "status": 502},
                           {"kind": "down"}])
    assert send(portal_standin, body()).status_code == 502
    assert reconcile(portal_standin, {"tu": "2025-10-30", "den": "2025-10-30"}).status_code == 503
    with pytest.raises(DROPPED):
        send(portal_standin, body())
    assert reconcile(portal_standin, {"tu": "2025-10-30", "den": "2025-10-30"}).json() == {"HoSo": []}
    assert send(portal_standin, body()).status_code == 200
    assert portal_standin.state()["faults_pending"] == 0


def test_a_down_window_refuses_everything_until_it_ends_or_is_cleared(portal_standin):
    portal_standin.down(0.5)
    with pytest.raises(DROPPED):
        send(portal_standin, body())
    with pytest.raises(DROPPED):
        reconcile(portal_standin, {"tu": "2025-10-30", "den": "2025-10-30"})
    time.sleep(0.6)
    assert send(portal_standin, body()).status_code == 200

    portal_standin.down()
    portal_standin.faults([{"kind": "status", "status": 503}])
    with pytest.raises(DROPPED):
        send(portal_standin, body(version=2))
    assert portal_standin.state()["down_for"] == "until clear"
    portal_standin.clear()
    state = portal_standin.state()
    assert (state["faults_pending"], state["down_for"]) == (0, None)
    assert send(portal_standin, body(version=2)).status_code == 200


def test_a_bad_fault_is_refused_by_the_control_path(portal_standin):
    with pytest.raises(StandinError, match="kind"):
        portal_standin.faults([{"kind": "explode"}])
    with pytest.raises(StandinError, match="status"):
        portal_standin.faults([{"kind": "status"}])
    with pytest.raises(StandinError, match="seconds"):
        portal_standin.faults([{"kind": "slow"}])
    for rate in (0, 1.5, "0.2", True):
        with pytest.raises(StandinError, match="rate"):
            portal_standin.faults([{"kind": "status", "status": 503, "rate": rate}])
    for times in (0, -2):
        with pytest.raises(StandinError, match="times"):
            portal_standin.faults([{"kind": "down", "times": times}])
    assert portal_standin.state()["faults_pending"] == 0


def test_an_indefinite_fault_with_a_rate_fails_that_share_of_requests_until_cleared(portal_standin):
    portal_standin.faults([{"kind": "status", "status": 503, "rate": 0.2, "times": -1}])
    assert portal_standin.state()["faults_pending"] == -1
    codes = [send(portal_standin, body(version=n)).status_code for n in range(1, 301)]
    failed = codes.count(503)
    assert set(codes) == {200, 503} and 30 <= failed <= 95  # 60 expected; far outside is a bug
    state = portal_standin.state()
    assert len(state["stored"]) == 300 - failed and state["faults_pending"] == -1  # still queued
    portal_standin.clear()
    assert [send(portal_standin, body(version=400 + n)).status_code for n in range(20)] == [200] * 20


def test_a_request_a_rate_fault_spares_goes_on_to_the_next_fault_and_only_strikes_use_it_up(portal_standin):
    portal_standin.faults([{"kind": "status", "status": 500, "rate": 1.0, "times": 2},
                           {"kind": "status", "status": 503, "rate": 1e-9, "times": -1},
                           {"kind": "status", "status": 502}])
    codes = [send(portal_standin, body(version=n)).status_code for n in range(1, 6)]
    assert codes == [500, 500, 502, 200, 200]  # the nearly-never fault spares them all
    assert portal_standin.state()["faults_pending"] == -1


# Reconciliation, restart, reset ------------------------------------------------------------------------------


def test_reconciliation_lists_held_dossiers_by_receipt_date(portal_standin):
    send(portal_standin, body("A-251029-0001", NgayTiepNhan="20251029235959"))
    send(portal_standin, body("A-251030-0001", NgayTiepNhan="20251030000000"))
    send(portal_standin, body("A-251030-0001", version=2, NgayTiepNhan="20251030000000", TrangThaiHoSo=4))
    send(portal_standin, body("A-251031-0001", NgayTiepNhan="20251031170000"))
    send(portal_standin, body("A-251101-0001", NgayTiepNhan="20251101000000"))
    answer = reconcile(portal_standin, {"tu": "2025-10-30", "den": "2025-10-31"})
    assert answer.status_code == 200
    assert answer.json() == {"HoSo": [
        {"MaHoSo": "A-251030-0001", "PhienBan": 2, "TrangThaiHoSo": 4},
        {"MaHoSo": "A-251031-0001", "PhienBan": 1, "TrangThaiHoSo": 2},
    ]}
    one_day = reconcile(portal_standin, {"tu": "2025-10-29", "den": "2025-10-29"}).json()["HoSo"]
    assert [d["MaHoSo"] for d in one_day] == ["A-251029-0001"]


@pytest.mark.parametrize("params", [
    {"tu": "2025-10-30"}, {"tu": "30/10/2025", "den": "2025-10-31"}, {"tu": "2025-02-30", "den": "2025-03-01"},
    {"tu": "2025-11-01", "den": "2025-10-31"},
])
def test_reconciliation_refuses_bad_dates(portal_standin, params):
    answer = reconcile(portal_standin, params)
    assert answer.status_code == 400
    assert answer.json()["KetQua"] == "LOI"


def test_kill_and_restart_with_a_state_file_keeps_what_was_held(portal_standin):
    send(portal_standin, body(version=1))
    send(portal_standin, body(version=2, TrangThaiHoSo=4))
    url, pid = portal_standin.url, portal_standin.pid
    portal_standin.kill()
    assert not portal_standin.running
    with pytest.raises(DROPPED):
        send(portal_standin, body(version=3))
    portal_standin.restart()
    assert (portal_standin.url, portal_standin.running) == (url, True)
    assert portal_standin.pid != pid
    state = portal_standin.state()
    assert state["held"]["05443-251030-0001"]["PhienBan"] == 2
    assert [entry["key"] for entry in state["stored"]] == ["05443-251030-0001:1", "05443-251030-0001:2"]
    assert send(portal_standin, body(version=2, TrangThaiHoSo=4)).status_code == 200
    assert send(portal_standin, body(version=1)).status_code == 200
    assert len(portal_standin.state()["stored"]) == 2
    assert send(portal_standin, body(version=3)).status_code == 200
    saved = json.loads(portal_standin.state_file.read_text(encoding="utf-8"))
    assert saved["held"]["05443-251030-0001"]["PhienBan"] == 3


def test_without_a_state_file_a_restart_forgets(tmp_path):
    with StandinProcess(token="t") as standin:
        send(standin, body(), token="t")
        standin.restart()
        assert standin.state()["held"] == {}


def test_reset_empties_everything(portal_standin):
    send(portal_standin, body())
    portal_standin.faults([{"kind": "down", "times": 3}])
    portal_standin.reset()
    state = portal_standin.state()
    assert state["held"] == {} and state["stored"] == []
    assert (state["requests"], state["duplicates"], state["faults_pending"]) == (0, 0, 0)
    assert send(portal_standin, body()).status_code == 200


def test_a_process_that_never_says_it_listens_is_an_error():
    with pytest.raises(StandinError, match="did not start"):
        StandinProcess(module="json.tool", startup_timeout=3).start()
