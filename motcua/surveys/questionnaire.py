"""A survey's questions as data: reading a questionnaire and checking answers against it.

A questionnaire is a JSON list of questions::

    [{"key": "de_tim", "text": "Ông/Bà tìm thấy dịch vụ công cần dùng có dễ không?", "type": "scale",
      "required": true, "labels": ["Rất khó", "Khó", "Bình thường", "Dễ", "Rất dễ"]},
     {"key": "kenh", "text": "Ông/Bà nộp hồ sơ qua kênh nào?", "type": "single",
      "choices": ["Trực tuyến", "Trực tiếp", "Bưu chính"]},
     {"key": "kho_khan", "text": "Ông/Bà gặp khó khăn ở bước nào?", "type": "multiple", "choices": [...]},
     {"key": "gop_y", "text": "Góp ý của Ông/Bà", "type": "text", "max_length": 2000}]

Types: "scale" (1 to 5, each point with a label), "single" (one choice), "multiple" (any number of
choices), "text" (free text). A question is optional unless `required`. Every error names the question
("Câu 2 (kenh): …") so that whoever writes the questionnaire finds it. Plain Python, no web layer, like
`motcua.applications.formdef` for application forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALE, SINGLE, MULTIPLE, TEXT = "scale", "single", "multiple", "text"
TYPES = (SCALE, SINGLE, MULTIPLE, TEXT)
TYPE_LABELS = {SCALE: "Thang điểm 1–5", SINGLE: "Chọn một", MULTIPLE: "Chọn nhiều", TEXT: "Trả lời tự do"}
SCALE_POINTS = (1, 2, 3, 4, 5)
DEFAULT_LABELS = ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_QUESTIONS = 60
MAX_CHOICES = 20
TEXT_MAX = 2000


class QuestionnaireError(ValueError):
    """A questionnaire that cannot be used; `errors` lists every problem, each naming its question."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    type: str
    required: bool = False
    labels: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    help: str = ""
    max_length: int = TEXT_MAX

    @property
    def options(self) -> tuple[tuple[str, str], ...]:
        """(value, label) of each option a scale or choice question offers, in order."""
        if self.type == SCALE:
            return tuple((str(point), f"{point} – {label}") for point, label in zip(SCALE_POINTS, self.labels, strict=True))
        return tuple((choice, choice) for choice in self.choices)


def parse(raw) -> tuple[Question, ...]:
    """The questions read and checked, or QuestionnaireError with every problem found."""
    if not isinstance(raw, list):
        raise QuestionnaireError(["Bộ câu hỏi phải là một danh sách JSON các câu hỏi ([ … ])."])
    errors: list[str] = []
    if not raw:
        errors.append("Bộ câu hỏi cần ít nhất một câu hỏi.")
    if len(raw) > MAX_QUESTIONS:
        errors.append(f"Bộ câu hỏi có tối đa {MAX_QUESTIONS} câu.")
    questions, seen = [], set()
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            errors.append(f"Câu {i}: mỗi câu hỏi phải là một đối tượng JSON ({{ … }}).")
            continue
        key = str(item.get("key") or f"cau_{i}")
        where = f"Câu {i} ({key})"
        found = len(errors)
        if not KEY.match(key):
            errors.append(f"{where}: mã câu hỏi chỉ gồm chữ thường không dấu, số và dấu gạch dưới, "
                          f"bắt đầu bằng chữ.")
        elif key in seen:
            errors.append(f"{where}: mã câu hỏi bị lặp.")
        seen.add(key)
        text = str(item.get("text") or "").strip()
        if not text:
            errors.append(f"{where}: thiếu nội dung câu hỏi.")
        kind = item.get("type")
        if kind not in TYPES:
            errors.append(f"{where}: loại câu hỏi {kind!r} không có; dùng một trong {', '.join(TYPES)}.")
        required = item.get("required", False)
        if not isinstance(required, bool):
            errors.append(f"{where}: \"required\" phải là true hoặc false.")
        labels: tuple[str, ...] = ()
        choices: tuple[str, ...] = ()
        if kind == SCALE:
            given = item.get("labels", list(DEFAULT_LABELS))
            if not isinstance(given, list) or len(given) != len(SCALE_POINTS) \
                    or not all(isinstance(x, str) and x.strip() for x in given):
                errors.append(f"{where}: thang điểm cần đúng 5 nhãn (cho các mức 1 đến 5).")
            else:
                labels = tuple(x.strip() for x in given)
        if kind in (SINGLE, MULTIPLE):
            given = item.get("choices")
            if not isinstance(given, list) or len(given) < 2:
                errors.append(f"{where}: câu hỏi lựa chọn cần ít nhất 2 lựa chọn.")
            elif len(given) > MAX_CHOICES:
                errors.append(f"{where}: tối đa {MAX_CHOICES} lựa chọn.")
            elif not all(isinstance(x, str) and x.strip() for x in given):
                errors.append(f"{where}: mỗi lựa chọn phải là một đoạn chữ không rỗng.")
            else:
                choices = tuple(x.strip() for x in given)
                if len(set(choices)) != len(choices):
                    errors.append(f"{where}: có lựa chọn bị lặp.")
        max_length = item.get("max_length", TEXT_MAX)
        if not isinstance(max_length, int) or isinstance(max_length, bool) or not 1 <= max_length <= TEXT_MAX:
            errors.append(f"{where}: \"max_length\" là số ký tự tối đa, từ 1 đến {TEXT_MAX}.")
        unknown = set(item) - {"key", "text", "type", "required", "labels", "choices", "help", "max_length"}
        if unknown:
            errors.append(f"{where}: không hiểu thuộc tính {', '.join(sorted(unknown))}.")
        if len(errors) == found:
            questions.append(Question(key=key, text=text, type=kind, required=required, labels=labels,
                                      choices=choices, help=str(item.get("help") or "").strip(),
                                      max_length=max_length))
    if errors:
        raise QuestionnaireError(errors)
    return tuple(questions)


def as_data(questions: tuple[Question, ...]) -> list[dict]:
    """The questions back as JSON data, every key written (what is stored)."""
    data = []
    for q in questions:
        item = {"key": q.key, "text": q.text, "type": q.type, "required": q.required}
        if q.type == SCALE:
            item["labels"] = list(q.labels)
        if q.type in (SINGLE, MULTIPLE):
            item["choices"] = list(q.choices)
        if q.type == TEXT:
            item["max_length"] = q.max_length
        if q.help:
            item["help"] = q.help
        data.append(item)
    return data


def clean_answers(questions: tuple[Question, ...], posted) -> tuple[dict, dict[str, str]]:
    """The answers checked: (values by key, errors by key). `posted` maps a key to a list of strings (a
    QueryDict's `getlist`, or a plain dict of lists). Values: a scale is an int 1–5, a single choice its
    text, a multiple choice a list of texts in the questionnaire's order, a text its stripped text; an
    unanswered optional question is left out."""
    values, errors = {}, {}
    for q in questions:
        given = posted.getlist(q.key) if hasattr(posted, "getlist") else list(posted.get(q.key) or [])
        given = [str(v).strip() for v in given if str(v).strip()]
        if not given:
            if q.required:
                errors[q.key] = ("Vui lòng chọn ít nhất một lựa chọn." if q.type == MULTIPLE else
                                 "Vui lòng trả lời câu hỏi này." if q.type == TEXT else
                                 "Vui lòng chọn một mức." if q.type == SCALE else "Vui lòng chọn một lựa chọn.")
            continue
        if q.type == SCALE:
            if len(given) != 1 or given[0] not in {str(p) for p in SCALE_POINTS}:
                errors[q.key] = "Vui lòng chọn một mức từ 1 đến 5."
            else:
                values[q.key] = int(given[0])
        elif q.type == SINGLE:
            if len(given) != 1 or given[0] not in q.choices:
                errors[q.key] = "Vui lòng chọn một lựa chọn trong danh sách."
            else:
                values[q.key] = given[0]
        elif q.type == MULTIPLE:
            if not set(given) <= set(q.choices):
                errors[q.key] = "Vui lòng chỉ chọn các lựa chọn trong danh sách."
            else:
                values[q.key] = [c for c in q.choices if c in given]
        else:
            text = "\n".join(given)
            if len(text) > q.max_length:
                errors[q.key] = f"Tối đa {q.max_length} ký tự."
            else:
                values[q.key] = text
    return values, errors


# The user-experience evaluation of online public services (đánh giá chất lượng trải nghiệm của người
# dùng đối với dịch vụ công trực tuyến) that the province's plan asks for each November: a starting point
# the provincial office edits, not a rule.
EXPERIENCE_QUESTIONS = [
    {"key": "de_tim", "text": "Ông/Bà tìm thông tin về thủ tục và dịch vụ công cần dùng có dễ không?",
     "type": "scale", "required": True, "labels": ["Rất khó", "Khó", "Bình thường", "Dễ", "Rất dễ"]},
    {"key": "de_dung", "text": "Việc điền tờ khai và nộp hồ sơ trực tuyến có dễ thực hiện không?",
     "type": "scale", "required": True, "labels": ["Rất khó", "Khó", "Bình thường", "Dễ", "Rất dễ"]},
    {"key": "thoi_gian", "text": "Ông/Bà đánh giá thời gian giải quyết hồ sơ như thế nào?", "type": "scale",
     "required": True, "labels": list(DEFAULT_LABELS)},
    {"key": "hai_long", "text": "Nhìn chung, Ông/Bà hài lòng với dịch vụ công này ở mức nào?", "type": "scale",
     "required": True, "labels": list(DEFAULT_LABELS)},
    {"key": "kenh", "text": "Ông/Bà đã nộp hồ sơ qua kênh nào?", "type": "single", "required": True,
     "choices": ["Trực tuyến trên Cổng dịch vụ công", "Trực tiếp tại Bộ phận Một cửa", "Qua dịch vụ bưu chính"]},
    {"key": "kho_khan", "text": "Ông/Bà gặp khó khăn ở những bước nào? (có thể chọn nhiều)", "type": "multiple",
     "choices": ["Đăng nhập, xác thực tài khoản", "Tìm thủ tục", "Điền tờ khai", "Tải lên giấy tờ",
                 "Thanh toán phí, lệ phí", "Theo dõi tình trạng hồ sơ", "Nhận kết quả",
                 "Không gặp khó khăn"]},
    {"key": "gop_y", "text": "Ông/Bà có góp ý gì để dịch vụ công tốt hơn?", "type": "text", "max_length": 2000},
]
