"""A procedure's result document as data (mẫu kết quả giải quyết): read, checked, and filled from a dossier.

A template is a JSON object (the entries of `data/result_templates.json`, stored as versions by
`motcua results load`)::

    {"procedure": "1.001193",
     "title": "TRÍCH LỤC KHAI SINH\\n(Bản chính)",
     "issuer": "{unit.name}",                        # the issuing body, top left ("\\n": parent body first)
     "number": "{result.number}/TLKS",
     "intro": ["…"],                                   # paragraphs before the lines (optional)
     "lines": [[{"label": "Họ, chữ đệm, tên", "value": "{answers.child_name|upper}"}],
               [{"label": "Giới tính", "value": "{answers.child_sex}"},
                {"label": "Quốc tịch", "value": "{answers.child_nationality}", "default": "Việt Nam"}]],
     "paragraphs": ["Mã kết quả điện tử: {result.code}."],   # after the lines (optional)
     "signer_title": "Người ký trích lục"}

Each line holds one or more fields printed "Nhãn: giá trị" side by side. Values and paragraphs are text
with placeholders `{name}` or `{name|format}`: `name` is one of VALUE_NAMES or `answers.<field>` (a field
of the procedure's application form, checked against it when the loader knows the form); `format` one
of FORMATS. A placeholder with no value prints as a dotted gap (MISSING) unless the field has a
`default`, so the preview shows the leader what the dossier does not say. Pure: no Django, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from motcua.lib import vnformat
from motcua.lib.workingtime import LOCAL_TZ

# The values a template may use besides the form's answers (`office.result_templates.values_for` fills them).
VALUE_NAMES = {
    "dossier.code": "mã hồ sơ",
    "dossier.received_at": "thời điểm tiếp nhận",
    "dossier.applicant_name": "người nộp hồ sơ",
    "dossier.applicant_id_number": "số định danh cá nhân của người nộp",
    "dossier.applicant_address": "địa chỉ của người nộp",
    "dossier.applicant_phone": "số điện thoại của người nộp",
    "dossier.fee": "phí, lệ phí",
    "procedure.code": "mã thủ tục",
    "procedure.name": "tên thủ tục",
    "unit.name": "cơ quan giải quyết",
    "unit.parent_name": "cơ quan cấp trên của cơ quan giải quyết",
    "received_by.name": "nơi tiếp nhận",
    "result.code": "mã kết quả điện tử",
    "result.number": "số kết quả (số thứ tự trong năm của đơn vị)",
    "result.book": "quyển số",
    "result.date": "ngày ký kết quả",
    "result.text": "nội dung kết quả do cán bộ nhập",
    "result.signer": "người ký",
}
ANSWER_PREFIX = "answers."
MISSING = "…………………"


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for parse in (lambda t: datetime.strptime(t, "%d/%m/%Y").date(), lambda t: date.fromisoformat(t[:10])):
        try:
            return parse(text)  # the forms' dd/mm/yyyy, or ISO
        except ValueError:
            continue
    return None


def _date(value) -> str:
    day = _as_date(value)
    return vnformat.padded_date(day) if day else str(value)


def _date_words(value) -> str:
    day = _as_date(value)
    return vnformat.date_in_words(day) if day else str(value)


def _long_date(value) -> str:
    day = _as_date(value)
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}" if day else str(value)


def _year(value) -> str:
    day = _as_date(value)
    return str(day.year) if day else str(value)


def _integer(value) -> int | None:
    try:
        return int(str(value).replace(".", "").strip())
    except ValueError:
        return None


def _money(value) -> str:
    amount = _integer(value)
    return vnformat.money(amount) if amount is not None else str(value)


def _number(value) -> str:
    amount = _integer(value)
    return vnformat.number(amount) if amount is not None else str(value)


def _number_words(value) -> str:
    amount = _integer(value)
    return vnformat.number_in_words(amount) if amount is not None else str(value)


FORMATS: dict[str, Callable[[object], str]] = {
    "text": str,
    "upper": lambda value: str(value).upper(),
    "date": _date,  # 05/01/2026
    "long_date": _long_date,  # ngày 05 tháng 01 năm 2026
    "date_words": _date_words,  # ngày năm, tháng một, năm hai nghìn không trăm hai mươi sáu
    "year": _year,
    "money": _money,  # 1.234.567 đồng
    "number": _number,  # 1.234.567
    "number_words": _number_words,  # hai mươi lăm
}
PLACEHOLDER = re.compile(r"\{([^{}|]*)(?:\|([^{}]*))?\}")
ANSWER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


class TemplateError(ValueError):
    """A result template that cannot be used; the message names the field that is wrong."""


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    default: str = ""


@dataclass(frozen=True)
class ResultTemplate:
    title: str
    issuer: str
    number: str
    lines: tuple[tuple[Field, ...], ...]
    intro: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    signer_title: str = "Thủ trưởng cơ quan"

    def answer_names(self) -> set[str]:
        """The form fields the template reads."""
        texts = [self.title, self.issuer, self.number, *self.intro, *self.paragraphs,
                 *(f.value for line in self.lines for f in line)]
        return {name.removeprefix(ANSWER_PREFIX) for text in texts for name, _ in _placeholders(text)
                if name.startswith(ANSWER_PREFIX)}


@dataclass(frozen=True)
class FilledResult:
    """A template filled for one dossier: what the renderer draws."""

    title: str
    issuer: str
    number: str
    intro: list[str]
    lines: list[list[tuple[str, str]]]
    paragraphs: list[str]
    signer_title: str


def _placeholders(text: str) -> list[tuple[str, str]]:
    return [(m.group(1).strip(), (m.group(2) or "text").strip()) for m in PLACEHOLDER.finditer(text)]


def _text(raw, where: str, answer_names: set[str] | None, *, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise TemplateError(f"{where}: phải là một chuỗi văn bản.")
    if required and not raw.strip():
        raise TemplateError(f"{where}: không được để trống.")
    if raw.count("{") != raw.count("}"):
        raise TemplateError(f"{where}: dấu ngoặc nhọn {{ }} không khớp nhau.")
    for name, fmt in _placeholders(raw):
        if fmt not in FORMATS:
            raise TemplateError(f"{where}: định dạng “{fmt}” của “{{{name}}}” không có; dùng một trong "
                                f"{', '.join(FORMATS)}.")
        if name.startswith(ANSWER_PREFIX):
            field = name.removeprefix(ANSWER_PREFIX)
            if not ANSWER_NAME.match(field):
                raise TemplateError(f"{where}: tên trường biểu mẫu “{field}” không hợp lệ.")
            if answer_names is not None and field not in answer_names:
                raise TemplateError(f"{where}: biểu mẫu của thủ tục không có trường “{field}”.")
        elif name not in VALUE_NAMES:
            raise TemplateError(f"{where}: giá trị “{{{name}}}” không có; dùng answers.<trường biểu mẫu> hoặc "
                                f"một trong {', '.join(VALUE_NAMES)}.")
    return raw


def _texts(raw, where: str, answer_names) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise TemplateError(f"{where}: phải là một danh sách đoạn văn.")
    return tuple(_text(item, f"{where}[{i}]", answer_names, required=True) for i, item in enumerate(raw))


def parse(definition: Mapping, answer_names: set[str] | None = None) -> ResultTemplate:
    """The template read and checked; TemplateError names the field that is wrong. With `answer_names` (the
    procedure's form fields), every `answers.<field>` must be one of them."""
    if not isinstance(definition, Mapping):
        raise TemplateError("Mẫu kết quả phải là một đối tượng JSON.")
    known = {"procedure", "title", "issuer", "number", "intro", "lines", "paragraphs", "signer_title"}
    unknown = sorted(set(definition) - known)
    if unknown:
        raise TemplateError(f"{unknown[0]}: khóa không được hỗ trợ (dùng {', '.join(sorted(known))}).")
    lines_raw = definition.get("lines")
    if not isinstance(lines_raw, list) or not lines_raw:
        raise TemplateError("lines: cần ít nhất một dòng nội dung.")
    lines = []
    for i, line in enumerate(lines_raw):
        if isinstance(line, Mapping):
            line = [line]
        if not isinstance(line, list) or not line:
            raise TemplateError(f"lines[{i}]: mỗi dòng là một trường hoặc danh sách trường.")
        fields = []
        for j, raw in enumerate(line):
            where = f"lines[{i}][{j}]"
            if not isinstance(raw, Mapping):
                raise TemplateError(f"{where}: mỗi trường là một đối tượng có label và value.")
            extra = sorted(set(raw) - {"label", "value", "default"})
            if extra:
                raise TemplateError(f"{where}.{extra[0]}: khóa không được hỗ trợ (dùng label, value, default).")
            fields.append(Field(
                label=_text(raw.get("label"), f"{where}.label", answer_names, required=True).strip(),
                value=_text(raw.get("value"), f"{where}.value", answer_names, required=True),
                default=_text(raw.get("default"), f"{where}.default", answer_names),
            ))
        lines.append(tuple(fields))
    return ResultTemplate(
        title=_text(definition.get("title"), "title", answer_names, required=True).strip(),
        issuer=_text(definition.get("issuer", "{unit.name}"), "issuer", answer_names, required=True),
        number=_text(definition.get("number"), "number", answer_names),
        lines=tuple(lines),
        intro=_texts(definition.get("intro"), "intro", answer_names),
        paragraphs=_texts(definition.get("paragraphs"), "paragraphs", answer_names),
        signer_title=_text(definition.get("signer_title", "Thủ trưởng cơ quan"), "signer_title", answer_names,
                           required=True),
    )


def render_text(text: str, values: Mapping[str, object], default: str = "") -> str:
    """`text` with its placeholders replaced. A placeholder without a value prints MISSING, or the whole
    text becomes `default` when every placeholder in it is empty and a default is given."""
    empty = []

    def one(match: re.Match) -> str:
        name, fmt = match.group(1).strip(), (match.group(2) or "text").strip()
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            empty.append(name)
            return MISSING
        return FORMATS[fmt](value)

    filled = PLACEHOLDER.sub(one, text)
    if default and empty and len(empty) == len(_placeholders(text)):
        return render_text(default, values)
    return filled


def _sentence(text: str) -> str:
    """A paragraph starts with a capital letter, also when it starts with a value ("{result.date|long_date}")."""
    return text[:1].upper() + text[1:]


def fill(template: ResultTemplate, values: Mapping[str, object]) -> FilledResult:
    """The template with one dossier's values (keys: VALUE_NAMES and `answers.<field>`)."""
    return FilledResult(
        title=render_text(template.title, values),
        issuer=render_text(template.issuer, values),
        number=render_text(template.number, values),
        intro=[render_text(p, values) for p in template.intro],
        lines=[[(render_text(f.label, values), render_text(f.value, values, f.default)) for f in line]
               for line in template.lines],
        paragraphs=[_sentence(line) for p in template.paragraphs for line in render_text(p, values).splitlines()
                    if line.strip()],
        signer_title=render_text(template.signer_title, values),
    )
