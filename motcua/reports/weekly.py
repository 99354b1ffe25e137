"""The weekly report of the Decision 766 index, as data: what the XLSX and the PDF both print.

Reading of "at D and at D−7" (docs/reports.md):

- the report week is the 7 days ending on D (D−6 … D); Appendix II lists the dossiers of that week;
- Appendix I compares the index at D with the index at D−7. By default each is the score of its own week
  (D−6 … D against D−13 … D−7). With `cumulative=True` each is the score from 1 January of its year to
  its date, which is how the national portal shows the index and what the province's published table
  (letter 578/VPUB-HCC: 177.530 synced dossiers, 155.648 dossiers paid online) reads like;
- every number comes from `service.index_json` (Appendix I and the ranking) or from `members` on
  indicator 2.1 (Appendix II), so the report agrees with the pages and with `motcua index`.

Appendix II ("hồ sơ quá hạn") is the part of indicator 2.1's population that is not counted: the dossiers
under processing in the week (carried over and newly received, not refused) that are late at the end of
the week, whether still open ("đang giải quyết quá hạn", to be settled first) or ended late in the week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, Decimal

from motcua.indicators import semantics
from motcua.indicators.comparison import RankedUnit, Row, comparison_rows, ranking
from motcua.indicators.members import members
from motcua.indicators.ranking import FairRanking, fair_ranking, min_dossiers
from motcua.indicators.rules import DEFAULT_RULESET, RuleSet, load_ruleset
from motcua.indicators.service import index_json
from motcua.lib import periods
from motcua.lib.vnformat import number, padded_date, to_decimal
from motcua.lib.workingtime import LOCAL_TZ
from motcua.units.models import Unit

# The letterhead (issuing body, number, place, signer) is not here: it comes from the settings' defaults or
# the issuing form (`motcua.reports.letterhead`). These are the letter's usual recipients, the form's default.
RECIPIENTS = (
    "Chủ tịch, các PCT UBND tỉnh (b/c);",
    "Các sở, ban, ngành thuộc tỉnh;",
    "UBND các xã, phường;",
    "Chánh VP, các PCVP UBND tỉnh;",
    "Trung tâm Phục vụ hành chính công tỉnh;",
    "Lưu: VT, HCC.",
)
OVERDUE_INDICATOR = "2.1"
APPENDIX_II_TITLE = ("SỐ HỒ SƠ ĐANG GIẢI QUYẾT QUÁ HẠN CỦA CÁC SỞ, BAN, NGÀNH VÀ ỦY BAN NHÂN DÂN CÁC XÃ, "
                     "PHƯỜNG")
LISTED_KINDS = ("department", "commune")

MIN_LATE = Decimal("0.1")  # the least lateness the report shows, in working days


@dataclass(frozen=True)
class OverdueDossier:
    code: str
    unit_code: str  # the department or commune it is reported under
    unit_name: str
    procedure_code: str
    procedure_name: str
    due_at: datetime  # the effective due (pauses deducted), local time
    days_overdue: Decimal  # working days from the effective due to the moment it is judged, rounded up to 0.1
    still_open: bool  # not ended at the end of the week
    repeated_supplements: bool  # late because it was asked for a supplement twice or more


@dataclass(frozen=True)
class OverdueUnit:
    code: str
    name: str
    count: int
    still_open: int


@dataclass(frozen=True)
class WeeklyReport:
    day: date
    cumulative: bool
    ruleset: RuleSet
    current: periods.DateRange  # the index at D
    previous: periods.DateRange  # the index at D−7
    week: periods.DateRange  # D−6 … D, Appendix II
    evaluated_at: str
    province_name: str
    total: Decimal
    previous_total: Decimal
    rows: list[Row]
    ranking: list[RankedUnit]
    kinds: dict[str, str]  # unit code -> kind, for the ranking
    overdue_units: list[OverdueUnit]
    overdue: list[OverdueDossier]
    fair: tuple[FairRanking, ...] = ()  # departments and communes ranked apart (indicators/ranking.py)

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)


def weekly_report(day: date, rules: str = DEFAULT_RULESET, cumulative: bool = False,
                  now: datetime | None = None) -> WeeklyReport:
    ruleset = load_ruleset(rules)
    length = periods.YEAR_TO_DATE if cumulative else periods.WEEK
    current_period, previous_period = periods.comparison(day, length)
    current = index_json(*current_period, rules=rules, now=now)
    previous = index_json(*previous_period, rules=rules, now=now)
    week = periods.period_ending(day, periods.WEEK)
    overdue_units, overdue = overdue_in(week, rules, now)
    province = current["units"][0]
    kinds = dict(Unit.objects.values_list("code", "kind"))
    return WeeklyReport(
        day=day, cumulative=cumulative, ruleset=ruleset, current=current_period, previous=previous_period,
        week=week, evaluated_at=current["evaluated_at"], province_name=province["name"],
        total=to_decimal(province["total"]), previous_total=to_decimal(previous["units"][0]["total"]),
        rows=comparison_rows(ruleset, previous["units"][0], province),
        ranking=ranking(current, previous), kinds=kinds, overdue_units=overdue_units, overdue=overdue,
        fair=tuple(fair_ranking(current, ruleset, kinds, previous)))


def overdue_in(week: periods.DateRange, rules: str = DEFAULT_RULESET,
               now: datetime | None = None) -> tuple[list[OverdueUnit], list[OverdueDossier]]:
    """The late dossiers of indicator 2.1's population in the week, per department or commune."""
    result = members(OVERDUE_INDICATOR, None, *week, rules=rules, now=now)
    t = result.period.t
    tree_units = result.units
    order = {code: i for i, code in enumerate(tree_units)}

    def listed_unit(code: str) -> str:
        # An office reports under its department; a unit's own code when it is listed itself.
        current = code
        while current is not None and tree_units[current].kind not in LISTED_KINDS:
            current = tree_units[current].parent_code
        return current or code

    found = []
    for member in result.items:
        if member.counted:
            continue
        d = member.item
        calendar = result.calendars.for_unit(d.unit)
        standing = semantics.standing(d, t, calendar)
        due, judged = standing.effective_due, standing.judged_at
        late_by = calendar.working_time_between(due, judged) / calendar.hours_per_day
        reported = listed_unit(d.unit)
        procedure = result.procedures[d.procedure]
        found.append(OverdueDossier(
            code=d.code, unit_code=reported, unit_name=tree_units[reported].name, procedure_code=d.procedure,
            procedure_name=procedure.name, due_at=due.astimezone(LOCAL_TZ),
            # Rounded up: a dossier minutes (or after hours) past its due time is late and shows 0,1, not 0,0.
            days_overdue=max(to_decimal(late_by).quantize(Decimal("0.1"), rounding=ROUND_CEILING), MIN_LATE)
            if judged > due else Decimal("0.0"),
            still_open=not standing.ended,
            repeated_supplements=standing.repeated_supplements))
    found.sort(key=lambda o: (order.get(o.unit_code, len(order)), -o.days_overdue, o.code))
    units: dict[str, list[OverdueDossier]] = {}
    for item in found:
        units.setdefault(item.unit_code, []).append(item)
    summary = [OverdueUnit(code, items[0].unit_name, len(items), sum(1 for i in items if i.still_open))
               for code, items in units.items()]
    return summary, found


def ranking_paragraph(report: WeeklyReport) -> str | None:
    """Item 3 of the report: the highest and the lowest department and commune among the units with enough
    dossiers (docs/ranking.md); units with few dossiers and units with none are named apart, never as the
    lowest. None when the report has no ranking."""
    if not report.fair:
        return None
    least = min_dossiers()
    parts = []
    for kind in report.fair:
        if kind.ranked:
            best, worst = kind.highest, kind.lowest
            parts.append(f"{kind.label}: cao nhất là {best.name} ({number(best.total, 2)} điểm), thấp nhất là "
                         f"{worst.name} ({number(worst.total, 2)} điểm)")
        elif kind.units:
            parts.append(f"{kind.label}: không có đơn vị đủ hồ sơ để xếp hạng")
    text = (f"3. Xếp hạng các cơ quan, địa phương (sở, ban, ngành và xã, phường xếp riêng; chỉ xét đơn vị có từ "
            f"{least} hồ sơ trong kỳ): " + "; ".join(parts) + ".")
    few = [u for kind in report.fair for u in kind.few]
    empty = [u for kind in report.fair for u in kind.empty]
    if few:
        text += (f" Đơn vị ít hồ sơ (dưới {least} hồ sơ, xếp sau các đơn vị khác): "
                 + ", ".join(f"{u.name} ({number(u.processing)} hồ sơ, {number(u.total, 2)} điểm)" for u in few) + ".")
    if empty:
        text += (" Đơn vị chưa phát sinh hồ sơ trong kỳ (không xếp hạng): "
                 + ", ".join(f"{u.name} ({number(u.total, 2)} điểm, trong đó {number(u.empty_rule_points, 2)} điểm "
                             "theo quy tắc kỳ trống)" for u in empty) + ".")
    return text


def title_of(report: WeeklyReport) -> str:
    """"BÁO CÁO KẾT QUẢ BỘ CHỈ SỐ 766 TUẦN TỪ NGÀY 23/9/2025 ĐẾN NGÀY 29/9/2025"."""
    start, end = report.week
    return (f"BÁO CÁO\nKẾT QUẢ BỘ CHỈ SỐ 766 TUẦN TỪ NGÀY {start.day}/{start.month}/{start.year} "
            f"ĐẾN NGÀY {end.day}/{end.month}/{end.year}")


def appendix_i_title(report: WeeklyReport) -> str:
    province = report.province_name.upper().removeprefix("UBND ")
    return ("SỐ LIỆU BỘ CHỈ SỐ CHỈ ĐẠO, ĐIỀU HÀNH VÀ ĐÁNH GIÁ CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP TRONG "
            f"THỰC HIỆN TTHC, DỊCH VỤ CÔNG CỦA {province} TỪ NGÀY {padded_date(report.week[0])} ĐẾN NGÀY "
            f"{padded_date(report.week[1])}")


def attached_line(report: WeeklyReport, number: str, issued_on: date | None = None,
                  issuer: str = "Văn phòng UBND tỉnh") -> str:
    return f"(Kèm theo Báo cáo số {number} ngày {padded_date(issued_on or report.day)} của {issuer})"


def file_stem(report: WeeklyReport) -> str:
    suffix = "-luy-ke" if report.cumulative else ""
    return f"bao-cao-chi-so-766-tuan-{report.day.isoformat()}{suffix}"


