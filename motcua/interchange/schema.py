"""The exchange format v1 (interchange.md): its files, columns and keys, and strict value parsers.

Pure Python: readers raise `FieldError` with the offending field named; the importer adds file and line.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

UNITS = ("code", "name", "kind", "parent_code", "e_certified_copy")
PROCEDURES = (
    "code", "name", "field", "level", "time_limit", "time_unit", "fee_vnd", "written_result", "online_level",
    "full_online_eligible", "for_citizens", "decision_date", "legal_effective_date", "published_at",
    "parts_complete", "fee_integrated",
)
AUTHORITY = ("unit_code", "procedure_code")
DOSSIER_KEYS = (
    "code", "procedure", "unit", "received_by", "channel", "full_online", "received_at", "due_at",
    "supplements", "fee_waits", "resolved_at", "returned_at", "ended", "ended_at", "synced_at", "fee_vnd",
    "paid_online_at", "digitized", "e_result", "reused_data", "from_data_store", "result_to_data_store",
    "citizen_data", "rating", "complaint",
)
FEEDBACK_KEYS = (
    "code", "unit", "received_at", "refused_at", "answered_at", "published_at", "rating", "raised_again",
)

UNIT_KINDS = ("province", "department", "commune", "office")
LEVELS = ("province", "commune")
TIME_UNITS = ("working_days", "working_hours", "calendar_days")
ONLINE_LEVELS = ("none", "partial", "full")
CHANNELS = ("in_person", "online", "postal")
ENDINGS = ("refused", "withdrawn", "stopped")
RATINGS = ("satisfied", "unsatisfied")


class FieldError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- CSV cells -------------------------------------------------------------------------------------------

def csv_text(row: dict, field: str, required: bool = True) -> str:
    value = row[field]
    if required and not value.strip():
        raise FieldError(field, "bắt buộc, không được để trống")
    return value


def csv_bool(row: dict, field: str) -> bool:
    value = row[field]
    if value not in ("0", "1"):
        raise FieldError(field, f"phải là 1 hoặc 0, không phải {value!r}")
    return value == "1"


def csv_choice(row: dict, field: str, choices) -> str:
    value = row[field]
    if value not in choices:
        raise FieldError(field, f"giá trị {value!r} không hợp lệ (chấp nhận: {', '.join(choices)})")
    return value


def csv_int(row: dict, field: str, minimum: int = 0) -> int:
    value = row[field]
    if not (value.isascii() and value.isdigit()):  # int() would also take " 5", "+5" and "1_000"
        raise FieldError(field, f"phải là số nguyên không âm, không phải {value!r}")
    number = int(value)
    if number < minimum:
        raise FieldError(field, f"không được nhỏ hơn {minimum}")
    return number


def csv_decimal(row: dict, field: str) -> Decimal:
    value = row[field]
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise FieldError(field, f"phải là số, không phải {value!r}") from None
    if not number.is_finite() or number < 0:
        raise FieldError(field, "phải là số không âm")
    return number


def csv_date(row: dict, field: str, required: bool = True) -> date | None:
    value = row[field]
    if not value:
        if required:
            raise FieldError(field, "bắt buộc, không được để trống")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(field, f"phải là ngày YYYY-MM-DD, không phải {value!r}") from None


# --- JSON values -----------------------------------------------------------------------------------------

def json_str(obj: dict, key: str) -> str:
    value = obj[key]
    if not isinstance(value, str) or not value.strip():
        raise FieldError(key, "phải là chuỗi không rỗng")
    return value


def json_bool(obj: dict, key: str) -> bool:
    value = obj[key]
    if not isinstance(value, bool):
        raise FieldError(key, f"phải là true hoặc false, không phải {value!r}")
    return value


def json_int(obj: dict, key: str) -> int:
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FieldError(key, f"phải là số nguyên không âm (đồng), không phải {value!r}")
    return value


def json_choice(obj: dict, key: str, choices, nullable: bool = False):
    value = obj[key]
    if value is None and nullable:
        return None
    if value not in choices:
        raise FieldError(key, f"giá trị {value!r} không hợp lệ (chấp nhận: {', '.join(choices)})")
    return value


def parse_timestamp(value, key: str) -> datetime:
    if not isinstance(value, str):
        raise FieldError(key, f"phải là thời điểm ISO 8601, không phải {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(key, f"không phải thời điểm ISO 8601 hợp lệ: {value!r}") from None
    if moment.tzinfo is None:
        raise FieldError(key, f"thời điểm phải có múi giờ (ví dụ +07:00): {value!r}")
    return moment


def json_timestamp(obj: dict, key: str, nullable: bool = True) -> datetime | None:
    value = obj[key]
    if value is None:
        if nullable:
            return None
        raise FieldError(key, "bắt buộc, không được null")
    return parse_timestamp(value, key)


def json_intervals(obj: dict, key: str) -> list[tuple[datetime, datetime | None]]:
    value = obj[key]
    if not isinstance(value, list):
        raise FieldError(key, "phải là một danh sách")
    intervals = []
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(item, dict) or set(item) != {"requested_at", "completed_at"}:
            raise FieldError(where, "phải là {requested_at, completed_at}")
        requested = parse_timestamp(item["requested_at"], f"{where}.requested_at")
        completed = None
        if item["completed_at"] is not None:
            completed = parse_timestamp(item["completed_at"], f"{where}.completed_at")
            if completed < requested:
                raise FieldError(f"{where}.completed_at", "không được trước requested_at")
        intervals.append((requested, completed))
    return intervals


def check_keys(obj, expected: tuple[str, ...]) -> None:
    if not isinstance(obj, dict):
        raise FieldError("(dòng)", "mỗi dòng phải là một đối tượng JSON")
    unknown = [k for k in obj if k not in expected]
    if unknown:
        raise FieldError(unknown[0], "khóa không thuộc định dạng trao đổi")
    missing = [k for k in expected if k not in obj]
    if missing:
        raise FieldError(missing[0], "thiếu khóa bắt buộc")


# --- Writing ---------------------------------------------------------------------------------------------

def format_bool_csv(value: bool) -> str:
    return "1" if value else "0"


def format_decimal(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
