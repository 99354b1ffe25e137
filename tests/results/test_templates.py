"""Result templates as data (motcua/results/templates.py): checked on load with errors naming the field, filled
with Vietnamese formats, and the shipped templates read only answers their procedure's form asks. No database."""

import datetime as dt
import json
from pathlib import Path

import pytest

from motcua.applications import formdef
from motcua.applications.definitions import FORMS_FILE
from motcua.lib.vnformat import date_in_words, number_in_words
from motcua.results import templates
from motcua.results.templates import MISSING, TemplateError, fill, parse

SHIPPED = json.loads((Path(templates.__file__).parent / "data" / "result_templates.json").read_text(encoding="utf-8"))

MINIMAL = {"title": "TRÍCH LỤC", "lines": [{"label": "Họ, chữ đệm, tên", "value": "{answers.child_name|upper}"}]}


def test_years_and_dates_in_words_say_the_hundreds():
    assert number_in_words(2026) == "hai nghìn không trăm hai mươi sáu"
    assert number_in_words(2005) == "hai nghìn không trăm lẻ năm"
    assert number_in_words(1985) == "một nghìn chín trăm tám mươi lăm"
    assert number_in_words(2000) == "hai nghìn"
    assert date_in_words(dt.date(2026, 4, 15)) == "ngày mười lăm, tháng tư, năm hai nghìn không trăm hai mươi sáu"
    assert date_in_words(dt.date(2025, 11, 1)) == "ngày một, tháng mười một, năm hai nghìn không trăm hai mươi lăm"


@pytest.mark.parametrize(("change", "where"), [
    ({"title": ""}, "title"),
    ({"lines": []}, "lines"),
    ({"lines": [{"label": "", "value": "{dossier.code}"}]}, "lines[0][0].label"),
    ({"lines": [{"label": "Số", "value": "{dossier.kode}"}]}, "lines[0][0].value"),
    ({"lines": [[{"label": "Số", "value": "{dossier.code}"}, {"label": "Ngày", "value": "{result.date|dmy}"}]]},
     "lines[0][1].value"),
    ({"lines": [{"label": "Số", "value": "{dossier.code", "default": ""}]}, "lines[0][0].value"),
    ({"lines": [{"label": "Số", "value": "{dossier.code}", "colour": "red"}]}, "lines[0][0].colour"),
    ({"paragraphs": ["Cấp cho {answers.Child}"]}, "paragraphs[0]"),
    ({"paragraphs": "một chuỗi"}, "paragraphs"),
    ({"signer": "Chủ tịch"}, "signer"),
])
def test_a_broken_template_is_refused_naming_the_field(change, where):
    with pytest.raises(TemplateError) as error:
        parse({**MINIMAL, **change})
    assert str(error.value).startswith(f"{where}:"), str(error.value)


def test_answers_are_checked_against_the_form_when_it_is_known():
    parse(MINIMAL, {"child_name"})
    with pytest.raises(TemplateError, match=r"^lines\[0\]\[0\]\.value: biểu mẫu của thủ tục không có "
                                            r"trường “child_name”"):
        parse(MINIMAL, {"applicant_name"})


def test_filling_formats_values_and_marks_what_the_dossier_does_not_say():
    template = parse({
        "title": "TRÍCH LỤC KHAI SINH", "number": "{result.number}/TLKS",
        "lines": [{"label": "Họ, chữ đệm, tên", "value": "{answers.child_name|upper}"},
                  [{"label": "Ngày sinh", "value": "{answers.child_birth_date|date}"},
                   {"label": "Bằng chữ", "value": "{answers.child_birth_date|date_words}"}],
                  [{"label": "Quốc tịch", "value": "{answers.child_nationality}", "default": "Việt Nam"},
                   {"label": "Quê quán", "value": "{answers.child_hometown}"}],
                  {"label": "Vốn", "value": "{answers.capital_vnd|money}"}],
        "paragraphs": ["{result.date|long_date}", "Dòng 1\nDòng 2"],
    })
    filled = fill(template, {"answers.child_name": "Nguyễn Minh Khôi", "answers.child_birth_date": "01/11/2025",
                             "answers.capital_vnd": "150000000", "result.number": "7",
                             "result.date": dt.date(2026, 1, 5)})
    assert filled.issuer == MISSING  # the default issuer is {unit.name}, not given here
    assert filled.number == "7/TLKS"
    assert filled.lines == [
        [("Họ, chữ đệm, tên", "NGUYỄN MINH KHÔI")],
        [("Ngày sinh", "01/11/2025"),
         ("Bằng chữ", "ngày một, tháng mười một, năm hai nghìn không trăm hai mươi lăm")],
        [("Quốc tịch", "Việt Nam"), ("Quê quán", MISSING)],
        [("Vốn", "150.000.000 đồng")],
    ]
    assert filled.paragraphs == ["Ngày 05 tháng 01 năm 2026", "Dòng 1", "Dòng 2"]


def _form_fields() -> dict[str, set[str]]:
    forms = json.loads(FORMS_FILE.read_text(encoding="utf-8"))
    return {entry["procedure"]: {f.name for f in formdef.parse(entry).fields} for entry in forms}


def test_the_shipped_templates_read_only_what_their_forms_ask():
    fields = _form_fields()
    codes = [entry["procedure"] for entry in SHIPPED]
    assert {"1.001193", "1.000656", "1.004873", "1.001612", "2.000815"} <= set(codes)
    assert len(codes) == len(set(codes))
    for entry in SHIPPED:
        template = parse(entry, fields.get(entry["procedure"]))
        assert template.answer_names() <= fields[entry["procedure"]]


def test_the_birth_extract_has_the_lines_of_the_real_one():
    birth = parse(next(e for e in SHIPPED if e["procedure"] == "1.001193"))
    labels = [f.label for line in birth.lines for f in line]
    for label in ("Họ, chữ đệm, tên", "Ngày, tháng, năm sinh", "Ghi bằng chữ", "Giới tính", "Dân tộc", "Quốc tịch",
                  "Nơi sinh", "Quê quán", "Số định danh cá nhân", "Họ, chữ đệm, tên người mẹ",
                  "Họ, chữ đệm, tên người cha", "Năm sinh", "Nơi cư trú", "Nơi đăng ký khai sinh", "Số", "Quyển số"):
        assert label in labels, label
    assert birth.title.startswith("TRÍCH LỤC KHAI SINH") and birth.signer_title == "Người ký trích lục"
