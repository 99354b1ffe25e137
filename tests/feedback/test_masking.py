"""Personal data hidden before an answer is published."""

import pytest

from motcua.feedback.masking import EMAIL_MASK, NUMBER_MASK, PHONE_MASK, initials, mask_personal_data


@pytest.mark.parametrize(("text", "expected"), [
    ("gọi 0912345678 giúp", f"gọi {PHONE_MASK} giúp"),
    ("gọi 0912 345 678.", f"gọi {PHONE_MASK}."),
    ("gọi +84 912.345.678", f"gọi {PHONE_MASK}"),
    ("CCCD 019090001234 cấp ngày", f"CCCD {NUMBER_MASK} cấp ngày"),
    ("CMND 012345678", f"CMND {NUMBER_MASK}"),
    ("MST 0101234567-001", f"MST {NUMBER_MASK}"),
    ("thư an.nguyen+pakn@example.com.vn nhé", f"thư {EMAIL_MASK} nhé"),
    ("ông Lê Văn Lãnh ký", "ông L.V.L. ký"),
    ("Chị Phạm Thị Xem đã hẹn", "Chị P.T.X. đã hẹn"),
    ("anh ấy nói", "anh ấy nói"),
])
def test_shapes_of_personal_data_are_masked(text, expected):
    assert mask_personal_data(text) == expected


def test_what_is_not_personal_stays():
    text = "Hồ sơ 05443-251030-0001 nộp ngày 30/10/2025, lệ phí 100.000 đồng, thủ tục 1.001193."
    assert mask_personal_data(text) == text


def test_named_people_are_reduced_to_initials_wherever_they_appear():
    text = "Tôi là Nguyễn Văn An. nguyễn văn an không được trả lời; cán bộ Trần Văn Xử hẹn lại."
    assert mask_personal_data(text, names=["Nguyễn Văn An", "Trần Văn Xử", ""]) == (
        "Tôi là N.V.A.. N.V.A. không được trả lời; cán bộ T.V.X. hẹn lại.")
    assert initials("Nguyễn  Văn An") == "N.V.A."
