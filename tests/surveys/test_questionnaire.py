"""The questionnaire as data: every error names its question; answers checked against the questions."""

import pytest

from motcua.surveys import questionnaire
from motcua.surveys.questionnaire import QuestionnaireError, clean_answers, parse
from tests.surveys.conftest import QUESTIONS


def errors_of(raw):
    with pytest.raises(QuestionnaireError) as caught:
        parse(raw)
    return caught.value.errors


def test_the_experience_questionnaire_and_the_tests_one_are_valid():
    assert [q.type for q in parse(questionnaire.EXPERIENCE_QUESTIONS)][:4] == ["scale"] * 4
    questions = parse(QUESTIONS)
    assert questions[0].labels == questionnaire.DEFAULT_LABELS  # a scale without labels gets the default ones
    assert questions[0].options[4] == ("5", "5 – Rất hài lòng")


@pytest.mark.parametrize(("question", "expected"), [
    ({"key": "kenh", "text": "Kênh?", "type": "single", "choices": ["Một"]},
     "Câu 2 (kenh): câu hỏi lựa chọn cần ít nhất 2 lựa chọn."),
    ({"key": "diem", "text": "Điểm?", "type": "scale", "labels": ["a", "b", "c"]},
     "Câu 2 (diem): thang điểm cần đúng 5 nhãn (cho các mức 1 đến 5)."),
    ({"key": "x", "text": "", "type": "text"}, "Câu 2 (x): thiếu nội dung câu hỏi."),
    ({"key": "Sai Ma", "text": "A?", "type": "text"}, "Câu 2 (Sai Ma): mã câu hỏi chỉ gồm chữ thường"),
    ({"key": "y", "text": "A?", "type": "rating"}, "Câu 2 (y): loại câu hỏi 'rating' không có"),
    ({"key": "z", "text": "A?", "type": "text", "required": "yes"}, "Câu 2 (z): \"required\" phải là true"),
    ({"key": "m", "text": "A?", "type": "multiple", "choices": ["a", "a"]}, "Câu 2 (m): có lựa chọn bị lặp."),
    ({"key": "t", "text": "A?", "type": "text", "colour": "red"}, "Câu 2 (t): không hiểu thuộc tính colour."),
    ({"key": "hai_long", "text": "Lặp?", "type": "text"}, "Câu 2 (hai_long): mã câu hỏi bị lặp."),
])
def test_each_error_names_the_question(question, expected):
    errors = errors_of([QUESTIONS[0], question])
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_every_problem_is_reported_at_once():
    errors = errors_of([{"key": "a", "type": "single"}, "not an object", {"key": "c", "text": "C?", "type": "text"}])
    assert errors == ["Câu 1 (a): thiếu nội dung câu hỏi.", "Câu 1 (a): câu hỏi lựa chọn cần ít nhất 2 lựa chọn.",
                      "Câu 2: mỗi câu hỏi phải là một đối tượng JSON ({ … })."]
    assert errors_of({"questions": []}) == ["Bộ câu hỏi phải là một danh sách JSON các câu hỏi ([ … ])."]
    assert errors_of([]) == ["Bộ câu hỏi cần ít nhất một câu hỏi."]


def test_as_data_round_trips():
    questions = parse(QUESTIONS)
    assert parse(questionnaire.as_data(questions)) == questions


def test_answers_are_checked_against_the_questions(parsed):
    values, errors = clean_answers(parsed, {"hai_long": ["4"], "kenh": ["Trực tuyến"],
                                            "kho_khan": ["Thanh toán", "Đăng nhập"], "gop_y": ["  Tốt  "]})
    assert errors == {}
    # multiple choices in the questionnaire's order, whatever the order posted
    assert values == {"hai_long": 4, "kenh": "Trực tuyến", "kho_khan": ["Đăng nhập", "Thanh toán"], "gop_y": "Tốt"}

    values, errors = clean_answers(parsed, {"hai_long": ["6"], "kho_khan": ["Khác"], "gop_y": ["x" * 501]})
    assert errors == {"hai_long": "Vui lòng chọn một mức từ 1 đến 5.", "kenh": "Vui lòng chọn một lựa chọn.",
                      "kho_khan": "Vui lòng chỉ chọn các lựa chọn trong danh sách.", "gop_y": "Tối đa 500 ký tự."}
    assert values == {}
    # optional questions left out are not answers
    values, errors = clean_answers(parsed, {"hai_long": ["1"], "kenh": ["Trực tiếp"]})
    assert errors == {} and values == {"hai_long": 1, "kenh": "Trực tiếp"}
