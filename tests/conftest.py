"""Shared fixtures: a tiny but complete exchange-format folder, written the way another tool would."""

import json
from pathlib import Path

import pytest

UNITS_CSV = """code,name,kind,parent_code,e_certified_copy
19,UBND tỉnh Thái Nguyên,province,,0
19.STC,Sở Tài chính,department,19,0
19.STC.DKKD,"Phòng Đăng ký kinh doanh, Sở Tài chính",office,19.STC,0
05443,UBND phường Phan Đình Phùng,commune,19,1
05710,UBND phường Linh Sơn,commune,19,0
"""

PROCEDURES_CSV = """code,name,field,level,time_limit,time_unit,fee_vnd,written_result,online_level,full_online_eligible,for_citizens,decision_date,legal_effective_date,published_at,parts_complete,fee_integrated
2.000046,"Đăng ký thành lập hộ kinh doanh",Đăng ký kinh doanh,province,3,working_days,100000,1,full,1,1,2025-06-20,2025-07-01,2025-06-24,1,1
1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,commune,1,working_days,0,1,full,1,1,2025-06-25,2025-07-01,,1,0
2.000815,Chứng thực bản sao từ bản chính,Chứng thực,commune,0.5,working_days,2000,1,partial,0,1,2025-06-25,2025-07-01,2025-07-10,0,1
"""

AUTHORITY_CSV = """unit_code,procedure_code
19.STC.DKKD,2.000046
05443,1.001193
05443,2.000815
05710,1.001193
05710,2.000815
"""


def dossier(code, **overrides):
    base = {
        "code": code, "procedure": "1.001193", "unit": "05443", "received_by": "05443",
        "channel": "online", "full_online": True, "received_at": "2025-10-30T08:15:00+07:00",
        "due_at": "2025-10-31T08:15:00+07:00", "supplements": [], "fee_waits": [],
        "resolved_at": None, "returned_at": None, "ended": None, "ended_at": None,
        "synced_at": "2025-10-30T08:20:00+07:00", "fee_vnd": 0, "paid_online_at": None, "digitized": True,
        "e_result": None, "reused_data": False, "from_data_store": False, "result_to_data_store": False,
        "citizen_data": True, "rating": None, "complaint": False,
    }
    base.update(overrides)
    return base


DOSSIERS = [
    dossier("05443-251030-0001", resolved_at="2025-10-30T15:00:00+07:00", returned_at="2025-10-31T09:00:00+07:00",
            e_result={"code": "KQ-05443-0001", "issued_at": "2025-10-30T15:00:00+07:00"}, rating="satisfied"),
    dossier("05443-251030-0002", due_at=None, channel="in_person", full_online=False,
            supplements=[{"requested_at": "2025-10-30T10:00:00+07:00", "completed_at": "2025-11-03T09:00:00+07:00"}]),
    dossier("19.STC.DKKD-251103-0001", procedure="2.000046", unit="19.STC.DKKD", received_by="05710",
            received_at="2025-11-03T01:30:00Z", due_at="2025-11-06T08:30:00+07:00", fee_vnd=100000,
            paid_online_at="2025-11-03T09:00:00+07:00",
            fee_waits=[{"requested_at": "2025-11-04T09:00:00+07:00", "completed_at": None}]),
    dossier("05710-251104-0001", unit="05710", received_by="05710", procedure="2.000815", channel="in_person",
            full_online=False, ended="refused", ended_at="2025-11-04T08:05:00+07:00",
            received_at="2025-11-04T08:00:00+07:00", due_at="2025-11-04T12:00:00+07:00", synced_at=None,
            fee_vnd=2000, digitized=False),
]

FEEDBACK = [
    {"code": "PAKN-2025-00001", "unit": "05443", "received_at": "2025-11-01T10:00:00+07:00",
     "refused_at": None, "answered_at": "2025-11-10T16:00:00+07:00", "published_at": "2025-11-11T08:00:00+07:00",
     "rating": "satisfied", "raised_again": False},
]


def write_folder(folder: Path, dossiers=None, feedback=None, units=UNITS_CSV, procedures=PROCEDURES_CSV,
                 authority=AUTHORITY_CSV) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "units.csv").write_text(units, encoding="utf-8")
    (folder / "procedures.csv").write_text(procedures, encoding="utf-8")
    (folder / "authority.csv").write_text(authority, encoding="utf-8")
    with (folder / "dossiers.jsonl").open("w", encoding="utf-8") as handle:
        for obj in DOSSIERS if dossiers is None else dossiers:
            handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
    with (folder / "feedback.jsonl").open("w", encoding="utf-8") as handle:
        for obj in FEEDBACK if feedback is None else feedback:
            handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return folder


@pytest.fixture
def small_folder(tmp_path):
    return write_folder(tmp_path / "in")


@pytest.fixture(autouse=True)
def _fresh_live_index():
    """Each test starts with an empty live index: test databases roll back, and a process-wide cache
    must never carry one test's record into the next."""
    from motcua.indicators import live
    from motcua.pages import figures

    live.reset()
    figures.reset()
    yield
    live.reset()
    figures.reset()
