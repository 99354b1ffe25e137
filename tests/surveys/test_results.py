"""Results per opening, service and unit: counts, response rates, distributions, averages, texts; the
same numbers in the XLSX export."""

from datetime import datetime
from fractions import Fraction
from io import BytesIO

import pytest
from openpyxl import load_workbook

from motcua.lib.vnformat import number, percent
from motcua.surveys import answering
from motcua.surveys.invitations import invite
from motcua.surveys.models import Invitation
from motcua.surveys.results import BY_PROCEDURE, BY_UNIT, WHOLE, results
from motcua.surveys.xlsx import workbook
from tests.surveys.conftest import AT, open_opening, returned

PEOPLE = [  # id number, procedure, unit, answers (None: did not answer)
    ("019190000001", "birth", "commune_a", {"hai_long": 5, "kenh": "Trực tuyến", "kho_khan": ["Đăng nhập"],
                                            "gop_y": "Nhanh, gọn"}),
    ("019190000002", "birth", "commune_a", {"hai_long": 4, "kenh": "Trực tuyến",
                                            "kho_khan": ["Đăng nhập", "Thanh toán"]}),
    ("019190000003", "birth", "commune_b", {"hai_long": 4, "kenh": "Trực tiếp"}),
    ("019190000004", "copy", "commune_a", None),
    ("019190000005", "copy", "commune_b", {"hai_long": 2, "kenh": "Trực tiếp", "gop_y": "Chờ lâu"}),
]


@pytest.fixture
def answered(world):
    for id_number, procedure, unit, _ in PEOPLE:
        returned(getattr(world, procedure), getattr(world, unit), id_number, email=f"{id_number}@example.vn",
                 returned_at=datetime.fromisoformat("2025-10-15T10:00:00+07:00"))
    opening = open_opening(world, procedures=[world.birth, world.copy])
    invite(opening, "https://dvc.example", at=AT)
    for id_number, _, _, answers in PEOPLE:
        if answers is not None:
            answering.answer(Invitation.objects.get(opening=opening, id_number=id_number), answers, AT)
    return opening


def test_the_whole_opening(answered):
    [group] = results(answered, WHOLE)
    assert (group.invited, group.answered, group.rate) == (5, 4, Fraction(4, 5))
    scale = group.question("hai_long")
    assert scale.average == Fraction(15, 4) and number(scale.average, 2) == "3,75"
    assert [(o.value, o.count) for o in scale.options] == [("1", 0), ("2", 1), ("3", 0), ("4", 2), ("5", 1)]
    channel = group.question("kenh")
    assert [(o.label, o.count, percent(o.share)) for o in channel.options] == [
        ("Trực tuyến", 2, "50,00%"), ("Trực tiếp", 2, "50,00%")]
    # a multiple choice's shares are of those who answered it (2), so they add up past 100%
    difficulties = group.question("kho_khan")
    assert difficulties.answered == 2
    assert [(o.label, o.count, percent(o.share)) for o in difficulties.options] == [
        ("Đăng nhập", 2, "100,00%"), ("Điền tờ khai", 0, "0,00%"), ("Thanh toán", 1, "50,00%")]
    assert sorted(group.question("gop_y").texts) == ["Chờ lâu", "Nhanh, gọn"]


def test_per_service_and_per_unit(answered, world):
    by_service = {g.key: g for g in results(answered, BY_PROCEDURE)}
    birth, copy = by_service[world.birth.code], by_service[world.copy.code]
    assert (birth.label, birth.invited, birth.answered, birth.rate) == (world.birth.name, 3, 3, 1)
    assert number(birth.question("hai_long").average, 2) == "4,33"
    assert (copy.invited, copy.answered, percent(copy.rate)) == (2, 1, "50,00%")
    assert copy.question("gop_y").texts == ["Chờ lâu"]

    by_unit = {g.key: g for g in results(answered, BY_UNIT)}
    a, b = by_unit[world.commune_a.code], by_unit[world.commune_b.code]
    assert (a.invited, a.answered, percent(a.rate)) == (3, 2, "66,67%")
    assert number(a.question("hai_long").average, 2) == "4,50"
    assert (b.invited, b.answered, number(b.question("hai_long").average, 2)) == (2, 2, "3,00")


def test_a_service_nobody_was_invited_about_is_listed_with_zeros(world):
    opening = open_opening(world, procedures=[world.birth, world.business])
    groups = results(opening, BY_PROCEDURE)
    assert [(g.key, g.invited, g.answered, g.rate) for g in groups] == [
        (world.business.code, 0, 0, None), (world.birth.code, 0, 0, None)]


def test_the_xlsx_opens_and_its_numbers_match(answered, world):
    book = load_workbook(BytesIO(workbook(answered)))
    assert book.sheetnames == ["Tổng hợp", "Phân bố", "Ý kiến"]
    summary = book["Tổng hợp"]
    header = [c.value for c in summary[2]]
    assert header[:6] == ["Cách nhóm", "Mã", "Tên", "Số người được mời", "Số phiếu trả lời", "Tỷ lệ trả lời"]
    assert header[6] == "Điểm trung bình: Ông/Bà hài lòng ở mức nào?"
    rows = {(r[0], r[1]): r for r in summary.iter_rows(min_row=3, values_only=True)}
    assert rows[("Toàn bộ đợt khảo sát", None)][3:7] == (5, 4, 0.8, 3.75)
    assert rows[("Theo dịch vụ công", world.birth.code)][3:7] == (3, 3, 1.0, pytest.approx(13 / 3))
    assert rows[("Theo đơn vị", world.commune_a.code)][3:7] == (3, 2, pytest.approx(2 / 3), 4.5)
    assert summary.cell(row=3, column=6).number_format == "0.00%"

    spread = [r for r in book["Phân bố"].iter_rows(min_row=2, values_only=True)]
    difficulties = {r[6]: r[7:] for r in spread if r[0] == "Toàn bộ đợt khảo sát" and r[3] == "kho_khan"}
    assert difficulties == {"Đăng nhập": (2, 2, 1.0), "Điền tờ khai": (0, 2, 0.0), "Thanh toán": (1, 2, 0.5)}
    scale = [r[7] for r in spread if r[0] == "Theo đơn vị" and r[1] == world.commune_b.code and r[3] == "hai_long"]
    assert scale == [0, 1, 0, 1, 0]

    texts = [r for r in book["Ý kiến"].iter_rows(min_row=2, values_only=True)]
    assert sorted((r[0], r[2], r[3], r[4]) for r in texts) == [
        ("gop_y", world.copy.name, world.commune_b.name, "Chờ lâu"),
        ("gop_y", world.birth.name, world.commune_a.name, "Nhanh, gọn")]
