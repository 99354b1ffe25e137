"""The options that `motcua index`, `motcua national` and `motcua fix-first` share (--from, --to, --unit,
--rules, --now), read and checked in one place: a wrong value is a CommandError naming the option (exit
status 1)."""

from datetime import date, datetime

from django.core.management.base import CommandError

from motcua.indicators.rules import RuleSetError, available_rulesets, load_ruleset
from motcua.lib.workingtime import LOCAL_TZ
from motcua.units.models import Unit


def add_period_arguments(parser, unit_required: bool = False) -> None:
    parser.add_argument("--from", dest="date_from", required=True)
    parser.add_argument("--to", dest="date_to", required=True)
    parser.add_argument("--unit", required=unit_required, default=None)
    parser.add_argument("--rules", default="qd766")
    parser.add_argument("--json", action="store_true")


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: không phải ngày YYYY-MM-DD: {value!r}") from None


def checked_period(date_from: str, date_to: str, unit: str | None, rules: str) -> tuple[date, date, str]:
    """(start, end, rule set name), or CommandError naming the option that is wrong."""
    start, end = _date(date_from, "--from"), _date(date_to, "--to")
    if end < start:
        raise CommandError("--to phải không trước --from")
    try:
        ruleset = load_ruleset(rules)
    except (RuleSetError, FileNotFoundError, KeyError) as exc:
        raise CommandError(f"--rules: {exc} (có: {', '.join(available_rulesets())})") from None
    if unit is not None and not Unit.objects.filter(code=unit).exists():
        raise CommandError(f"--unit: không có đơn vị mã {unit}")
    return start, end, ruleset.name


def add_now_argument(parser) -> None:
    parser.add_argument("--now", default=None,
                        help="Thời điểm xét, ISO 8601 (không có múi giờ: giờ Việt Nam); mặc định: bây giờ.")


def checked_now(value: str | None) -> datetime | None:
    """The evaluation moment of --now (a time without offset is Vietnam's), or CommandError naming it."""
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now: không phải thời điểm ISO 8601: {value!r}") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=LOCAL_TZ)
