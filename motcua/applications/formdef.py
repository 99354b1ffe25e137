"""A procedure's application form as data: reading a definition and checking answers against it.

A definition is a JSON object::

    {"title": "Tờ khai đăng ký khai sinh",
     "fields": [{"name": "applicant_name", "label": "Họ và tên người yêu cầu", "type": "text",
                 "required": true, "source": "full_name"}, ...],
     "components": [{"key": "birth_certificate", "name": "Giấy chứng sinh", "required": true,
                     "accept": ["pdf", "jpeg", "png"], "data_store": false}, ...]}

A field with a `source` is filled in from the population data (`Citizen.known_data()`) and not asked
again when that value is known. A component with `data_store` may be taken from the citizen's personal
data store (an earlier signed result) instead of an upload. Plain Python: no Django forms, no web layer.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

FIELD_TYPES = ("text", "textarea", "date", "number", "choice", "email", "phone", "id_number", "tax_code",
               "checkbox")
# What the population data (dữ liệu dân cư) can fill in: the keys of `Citizen.known_data()`.
SOURCES = ("full_name", "id_number", "tax_code", "organization_name", "birth_date", "sex", "permanent_address",
           "household_code", "phone", "email")
FILE_KINDS = ("pdf", "jpeg", "png")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
PHONE = re.compile(r"^(0|\+84)[0-9]{9,10}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class DefinitionError(ValueError):
    """A form definition that cannot be used; the message names the field or component."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str = "text"
    required: bool = False
    source: str | None = None
    choices: tuple[str, ...] = ()
    help: str = ""
    max_length: int = 500


@dataclass(frozen=True)
class ComponentSpec:
    key: str
    name: str
    required: bool = True
    accept: tuple[str, ...] = FILE_KINDS
    data_store: bool = False


@dataclass(frozen=True)
class FormSpec:
    title: str
    fields: tuple[FieldSpec, ...] = ()
    components: tuple[ComponentSpec, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def component(self, key: str) -> ComponentSpec | None:
        return next((c for c in self.components if c.key == key), None)


def parse(definition: dict) -> FormSpec:
    """The definition read and checked; DefinitionError names what is wrong."""
    if not isinstance(definition, dict):
        raise DefinitionError("Định nghĩa biểu mẫu phải là một đối tượng JSON.")
    title = str(definition.get("title") or "").strip()
    if not title:
        raise DefinitionError("title: thiếu tên biểu mẫu.")
    fields, seen = [], set()
    for i, raw in enumerate(definition.get("fields") or []):
        where = f"fields[{i}]"
        name = str(raw.get("name", ""))
        if not NAME.match(name):
            raise DefinitionError(f"{where}.name: tên trường không hợp lệ ({name!r}).")
        if name in seen:
            raise DefinitionError(f"{where}.name: trường {name} bị lặp.")
        seen.add(name)
        kind = raw.get("type", "text")
        if kind not in FIELD_TYPES:
            raise DefinitionError(f"{where}.type: kiểu {kind!r} không được hỗ trợ.")
        source = raw.get("source")
        if source is not None and source not in SOURCES:
            raise DefinitionError(f"{where}.source: nguồn dữ liệu {source!r} không có trong dữ liệu dân cư.")
        choices = tuple(str(c) for c in raw.get("choices") or ())
        if kind == "choice" and not choices:
            raise DefinitionError(f"{where}.choices: trường lựa chọn cần danh sách lựa chọn.")
        label = str(raw.get("label") or "").strip()
        if not label:
            raise DefinitionError(f"{where}.label: thiếu nhãn của trường {name}.")
        fields.append(FieldSpec(name=name, label=label, type=kind, required=bool(raw.get("required", False)),
                                source=source, choices=choices, help=str(raw.get("help") or ""),
                                max_length=int(raw.get("max_length", 500))))
    components, keys = [], set()
    for i, raw in enumerate(definition.get("components") or []):
        where = f"components[{i}]"
        key = str(raw.get("key", ""))
        if not NAME.match(key) or key in keys:
            raise DefinitionError(f"{where}.key: mã thành phần không hợp lệ hoặc bị lặp ({key!r}).")
        keys.add(key)
        accept = tuple(raw.get("accept") or FILE_KINDS)
        if not set(accept) <= set(FILE_KINDS):
            raise DefinitionError(f"{where}.accept: chỉ nhận {', '.join(FILE_KINDS)}.")
        name = str(raw.get("name") or "").strip()
        if not name:
            raise DefinitionError(f"{where}.name: thiếu tên thành phần hồ sơ.")
        components.append(ComponentSpec(key=key, name=name, required=bool(raw.get("required", True)),
                                        accept=accept, data_store=bool(raw.get("data_store", False))))
    return FormSpec(title=title, fields=tuple(fields), components=tuple(components),
                    notes=tuple(str(n) for n in definition.get("notes") or ()))


def prefilled_values(spec: FormSpec, known: dict[str, str]) -> dict[str, str]:
    """The fields filled in from the population data: name -> value (only where the value is known)."""
    return {f.name: known[f.source] for f in spec.fields if f.source and known.get(f.source)}


def _check_value(spec: FieldSpec, value: str, today: date) -> str | None:
    """The error message for one non-empty value, or None."""
    if len(value) > spec.max_length:
        return f"Tối đa {spec.max_length} ký tự."
    if spec.type == "date":
        try:
            day = datetime.strptime(value, "%d/%m/%Y").date()
        except ValueError:
            return "Ngày phải có dạng ngày/tháng/năm, ví dụ 05/09/2025."
        if day > today:
            return "Ngày không được sau ngày hôm nay."
    elif spec.type == "number":
        if not re.fullmatch(r"[0-9]+([.,][0-9]+)?", value):
            return "Vui lòng nhập một số."
    elif spec.type == "choice":
        if value not in spec.choices:
            return "Vui lòng chọn một giá trị trong danh sách."
    elif spec.type == "email":
        if not EMAIL.match(value):
            return "Địa chỉ thư điện tử không hợp lệ."
    elif spec.type == "phone":
        if not PHONE.match(value.replace(" ", "")):
            return "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678)."
    elif spec.type == "id_number":
        if not re.fullmatch(r"[0-9]{12}", value):
            return "Số định danh cá nhân gồm đúng 12 chữ số."
    elif spec.type == "tax_code":
        if not re.fullmatch(r"[0-9]{10}(-[0-9]{3})?", value):
            return "Mã số thuế gồm 10 chữ số (hoặc 10 chữ số, dấu gạch và 3 chữ số)."
    elif spec.type == "checkbox":
        if value not in ("on", "true", "1"):
            return "Giá trị không hợp lệ."
    return None


def clean_answers(spec: FormSpec, answers: dict, known: dict[str, str], today: date,
                  complete: bool = True) -> tuple[dict[str, str], dict[str, str]]:
    """The answers checked against the form: (values, errors by field name).

    Prefilled fields take the population data's value whatever was posted (they are not asked, so they
    cannot be altered on the way). `complete=False` (a draft being saved) reports wrong values but not
    missing ones.
    """
    values, errors = {}, {}
    prefilled = prefilled_values(spec, known)
    for f in spec.fields:
        if f.name in prefilled:
            values[f.name] = prefilled[f.name]
            continue
        value = str(answers.get(f.name, "") or "").strip()
        if not value:
            if f.required and complete:
                errors[f.name] = "Vui lòng nhập thông tin này." if f.type != "checkbox" else \
                    "Vui lòng xác nhận mục này."
            continue
        message = _check_value(f, value, today)
        if message:
            errors[f.name] = message
        else:
            values[f.name] = value
    return values, errors


def catalog_definition(procedure_name: str, components: list[tuple[str, bool]], for_business: bool = False) -> dict:
    """A plain definition for a procedure without its own form: the applicant's particulars from the
    population data, a free-text request, and the catalog's components as uploads."""
    if for_business:
        applicant = [
            {"name": "organization_name", "label": "Tên tổ chức, doanh nghiệp", "type": "text", "required": True,
             "source": "organization_name"},
            {"name": "tax_code", "label": "Mã số thuế", "type": "tax_code", "required": True, "source": "tax_code"},
        ]
    else:
        applicant = [
            {"name": "full_name", "label": "Họ, chữ đệm và tên người nộp", "type": "text", "required": True,
             "source": "full_name"},
            {"name": "id_number", "label": "Số định danh cá nhân", "type": "id_number", "required": True,
             "source": "id_number"},
            {"name": "birth_date", "label": "Ngày sinh", "type": "date", "source": "birth_date"},
        ]
    fields = applicant + [
        {"name": "address", "label": "Địa chỉ liên hệ", "type": "text", "required": True,
         "source": "permanent_address"},
        {"name": "phone", "label": "Số điện thoại", "type": "phone", "required": True, "source": "phone"},
        {"name": "email", "label": "Thư điện tử (để nhận thông báo)", "type": "email", "source": "email"},
        {"name": "request", "label": "Nội dung đề nghị", "type": "textarea", "required": True,
         "help": "Ghi rõ nội dung đề nghị giải quyết.", "max_length": 2000},
    ]
    parts = [{"key": f"tp{i + 1}", "name": name, "required": required, "accept": list(FILE_KINDS),
              "data_store": True}
             for i, (name, required) in enumerate(components)]
    return {"title": f"Đơn đề nghị: {procedure_name}", "fields": fields, "components": parts}
