"""The public procedure catalog (danh mục thủ tục hành chính) as citizens search it.

Plain functions over the catalog's tables, no web imports: `search(Criteria)` returns matching
procedures in rank order; `choices()` the values the filters offer; `details(procedure)` what the procedure
page shows (components, limits, the units that accept it).

Why fold in Python, not a stored folded column: the catalog app owns the table, a province has ~90 (at most a
few thousand) procedures, and the query text must be folded the same way as the names anyway
(`motcua.lib.textfold`). Each search reads the few columns it needs in one query (2,000 rows: a few ms) and
splits names into folded words through an LRU cache keyed by the text itself, so repeated searches cost a dict lookup per
procedure and an edited name can never be served stale (no cache to invalidate, in any process).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.deadlines import DeadlinePolicy, ProcedureLimit
from motcua.catalog.models import Authority, Level, OnlineLevel, Procedure, TimeUnit
from motcua.lib import vnformat
from motcua.lib.textfold import fold
from motcua.units.calendars import CalendarBook
from motcua.units.models import UnitKind

PAGE_SIZE = 20
ONLINE_LEVELS = (OnlineLevel.FULL, OnlineLevel.PARTIAL)  # where "Nộp hồ sơ trực tuyến" is offered

# Rank of a match, best first: the code itself, the query as a phrase of the name, every word in the name,
# every word somewhere in the code, name or field.
RANK_CODE, RANK_PHRASE, RANK_NAME, RANK_ANYWHERE = range(4)


# Words of folded text; a dotted code such as 1.001193 stays one word. Punctuation is dropped so that
# "cha, mẹ, con" matches "cha me con".
_WORD = re.compile(r"\w+(?:\.\w+)*")


@lru_cache(maxsize=8192)
def words_of(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text)))


@lru_cache(maxsize=8192)
def _phrase_of(text: str) -> str:
    """" w1 w2 w3": the words between spaces, so that a phrase is found only at word starts."""
    return " " + " ".join(words_of(text))


@dataclass(frozen=True)
class Criteria:
    """What the citizen asked for; empty strings mean "any"."""

    query: str = ""
    field: str = ""
    level: str = ""
    unit: str = ""  # a unit code
    online_level: str = ""


@dataclass
class Result:
    procedure: Procedure
    rank: int

    @property
    def fee(self) -> str:
        return fee_text(self.procedure.fee_vnd)

    @property
    def time_limit(self) -> str:
        return limit_text(self.procedure.time_limit, self.procedure.time_unit)


def fee_text(fee_vnd: int) -> str:
    """"1.234.567 đồng", or "Không thu phí" for a free procedure."""
    return vnformat.money(fee_vnd) if fee_vnd else _("Không thu phí")


def amount_text(value: Decimal) -> str:
    """A time limit amount without useless decimals: 3 → "3", 2.10 → "2,1", 0.5 → "0,5"."""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    places = max(0, -amount.as_tuple().exponent)
    return vnformat.number(amount, places)


def limit_text(value: Decimal, unit: str) -> str:
    """"3 ngày làm việc", "4 giờ làm việc", "15 ngày"."""
    return f"{amount_text(value)} {TimeUnit(unit).label}"


def _has_words(words: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
    """Every word but the last is a whole word of `tokens`; the last may be the start of one (still typing).
    Whole words keep "hộ tịch" from matching "trường hợp ... diện tích"."""
    *whole, last = words
    return all(w in tokens for w in whole) and any(t.startswith(last) for t in tokens)


def rank(words: tuple[str, ...], code: str, name: str, field_name: str) -> int | None:
    """The rank of one procedure for the words of a folded query (None: no match)."""
    code_words = words_of(code)
    if words == code_words:
        return RANK_CODE
    if (" " + " ".join(words)) in _phrase_of(name):
        return RANK_PHRASE
    name_words = words_of(name)
    if _has_words(words, name_words):
        return RANK_NAME
    if _has_words(words, code_words + name_words + words_of(field_name)):
        return RANK_ANYWHERE
    return None


def search(criteria: Criteria) -> list[Result]:
    """Procedures matching `criteria`: ranked by how well they match the query, then in catalog order."""
    procedures = Procedure.objects.only(
        "code", "name", "field", "level", "time_limit", "time_unit", "fee_vnd", "online_level", "position")
    if criteria.field:
        procedures = procedures.filter(field=criteria.field)
    if criteria.level:
        procedures = procedures.filter(level=criteria.level)
    if criteria.online_level:
        procedures = procedures.filter(online_level=criteria.online_level)
    if criteria.unit:
        procedures = procedures.filter(authorities__unit__code=criteria.unit)
    words = words_of(criteria.query)
    results = []
    for procedure in procedures.order_by("position", "id"):
        found = rank(words, procedure.code, procedure.name, procedure.field) if words else RANK_ANYWHERE
        if found is not None:
            results.append(Result(procedure, found))
    # Within a name match, the shorter name is the closer one ("đăng ký khai sinh" before "đăng ký khai sinh
    # lưu động"); otherwise sort() is stable and the catalog's own order stays.
    results.sort(key=lambda r: (r.rank, len(r.procedure.name) if r.rank in (RANK_PHRASE, RANK_NAME) else 0))
    return results


@dataclass(frozen=True)
class Choices:
    """The values each filter offers, in a stable order."""

    fields: list[str]
    levels: list[tuple[str, str]]
    online_levels: list[tuple[str, str]]
    # (group label, [(unit code, unit name), ...]) for an <optgroup> each: departments, communes, others.
    units: list[tuple[str, list[tuple[str, str]]]]


def choices() -> Choices:
    fields = sorted(set(Procedure.objects.values_list("field", flat=True)), key=fold)
    groups: dict[str, list[tuple[str, str]]] = {UnitKind.DEPARTMENT: [], UnitKind.COMMUNE: [], "other": []}
    seen = set()
    rows = (Authority.objects.order_by("unit__position", "unit__id")
            .values_list("unit__code", "unit__name", "unit__kind"))
    for code, name, kind in rows:
        if code not in seen:
            seen.add(code)
            groups[kind if kind in groups else "other"].append((code, name))
    units = [(label, groups[key]) for key, label in (
        (UnitKind.DEPARTMENT, _("Sở, ban, ngành")), (UnitKind.COMMUNE, _("Xã, phường")), ("other", _("Đơn vị khác")))
        if groups[key]]
    return Choices(fields=fields, levels=list(Level.choices), online_levels=list(reversed(OnlineLevel.choices)),
                   units=units)


@dataclass
class Details:
    """What the procedure page shows beyond the procedure's own columns."""

    procedure: Procedure
    components: list = field(default_factory=list)
    units: list = field(default_factory=list)
    time_limit: str = ""
    online_time_limit: str = ""  # "" when not offered online or not shorter
    reduction_percent: int = 0
    fee: str = ""

    @property
    def offered_online(self) -> bool:
        return self.procedure.online_level in ONLINE_LEVELS

    @property
    def all_communes(self) -> bool:
        """Accepted by every commune: the page says so instead of listing ~90 names first."""
        return len(self.units) > 1 and all(u.kind == UnitKind.COMMUNE for u in self.units)


def details(procedure: Procedure, at: datetime | None = None, policy: DeadlinePolicy | None = None) -> Details:
    """The procedure page's content, with the online limit of a dossier submitted at `at` (default: now)."""
    at = at or timezone.now()
    result = Details(procedure=procedure, fee=fee_text(procedure.fee_vnd),
                     time_limit=limit_text(procedure.time_limit, procedure.time_unit))
    result.components = list(procedure.components.order_by("position", "id"))
    result.units = [a.unit for a in procedure.authorities.select_related("unit").order_by("unit__position", "unit__id")]
    if result.offered_online:
        # Only the percentage is needed here, not a due time: an empty calendar book spares reading every unit.
        policy = policy or DeadlinePolicy(calendars=CalendarBook(units=[], exceptions=[]))
        percent = policy.reduction_percent(ProcedureLimit.of(procedure), at, online=True)
        if percent:
            reduced = procedure.time_limit * (100 - percent) / 100
            result.reduction_percent = percent
            result.online_time_limit = limit_text(reduced, procedure.time_unit)
    return result
