"""The usage page's numbers for a period: per day (the trend), per service (procedure) and per unit, read
from the daily rows; the charts (pygal, SVG with no script) and the exports (CSV, XLSX).

Visits, unique visitors and page views are the portal's as a whole (one website, as the government's
monitoring system counts a site); procedure-page views and unique visitors are per procedure; the form and
follow-up pages and the funnel are per procedure and unit. A scoped reader (a unit's leader) gets the
funnel and page rows of his units only; the portal's totals are not his units' and are left out for him.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pygal
from django.db.models import Q, Sum
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from pygal.style import Style

from motcua.catalog.models import Procedure
from motcua.lib.vnformat import number, padded_date, percent
from motcua.units.models import Unit
from motcua.usage.aggregate import is_settled
from motcua.usage.models import DailyFunnel, DailyUsage, PageKind

STEP_LABELS = {"opened": "Mới mở biểu mẫu", "answered": "Đã khai một phần", "attached": "Đã đính kèm thành phần",
               "tried": "Đã bấm nộp nhưng còn lỗi"}
STEPS = tuple(STEP_LABELS)


@dataclass
class Funnel:
    started: int = 0
    submitted: int = 0
    steps: dict = field(default_factory=lambda: dict.fromkeys(STEPS, 0))
    settled: bool = True  # False for a day whose abandoned drafts are not known yet (shown as "—")

    @property
    def abandoned(self) -> int:
        return sum(self.steps.values())

    @property
    def submitted_share(self):
        return self.submitted / self.started if self.started else None

    def add(self, row: DailyFunnel) -> None:
        self.started += row.started
        self.submitted += row.submitted
        for step in STEPS:
            self.steps[step] += getattr(row, f"abandoned_{step}")


@dataclass
class DayRow:
    day: date
    visits: int = 0
    visitors: int = 0
    views: int = 0
    procedure_views: int = 0
    form_views: int = 0
    funnel: Funnel = field(default_factory=Funnel)


@dataclass
class GroupRow:
    key: int | None
    code: str
    name: str
    procedure_views: int = 0
    procedure_visitors: int = 0
    form_views: int = 0
    dossier_views: int = 0
    funnel: Funnel = field(default_factory=Funnel)


@dataclass
class Usage:
    date_from: date
    date_to: date
    scoped: bool
    days: list[DayRow]
    services: list[GroupRow]
    units: list[GroupRow]
    total: DayRow
    unsettled_from: date | None  # from this day on, abandoned drafts are not known yet


def build(date_from: date, date_to: date, *, unit_ids: set[int] | None = None, procedure: Procedure | None = None,
          unit: Unit | None = None, today: date) -> Usage:
    """`unit_ids` None: every unit (the province); otherwise only those units' rows."""
    days = {date_from + timedelta(days=n): DayRow(date_from + timedelta(days=n))
            for n in range((date_to - date_from).days + 1)}
    for d, row in days.items():
        row.funnel.settled = is_settled(d, today)
    pages = DailyUsage.objects.filter(day__gte=date_from, day__lte=date_to)
    funnels = DailyFunnel.objects.filter(day__gte=date_from, day__lte=date_to).select_related("procedure", "unit")
    if procedure is not None:
        funnels = funnels.filter(procedure=procedure)
    if unit is not None:
        funnels = funnels.filter(unit=unit)
    if unit_ids is not None:
        funnels = funnels.filter(unit_id__in=unit_ids)

    if unit_ids is None and procedure is None and unit is None:
        for d, visits, visitors, views in pages.values("day").annotate(
                e=Sum("entries"), v=Sum("new_visitors"), n=Sum("views")).values_list("day", "e", "v", "n"):
            days[d].visits, days[d].visitors, days[d].views = visits, visitors, views
    scoped_pages = pages
    if procedure is not None:
        scoped_pages = scoped_pages.filter(procedure_key=procedure.pk)
    if unit is not None:
        scoped_pages = scoped_pages.filter(Q(unit_key=unit.pk) | Q(kind=PageKind.PROCEDURE))
    if unit_ids is not None:
        scoped_pages = scoped_pages.filter(Q(unit_key__in=unit_ids) | Q(kind=PageKind.PROCEDURE))

    services: dict[int, GroupRow] = {}
    units: dict[int, GroupRow] = {}
    for p in scoped_pages.filter(kind__in=[PageKind.PROCEDURE, PageKind.FORM, PageKind.DOSSIER]):
        day = days[p.day]
        if p.kind == PageKind.PROCEDURE:
            day.procedure_views += p.views
        elif p.kind == PageKind.FORM:
            day.form_views += p.views
        if p.procedure_key:
            s = services.setdefault(p.procedure_key, GroupRow(p.procedure_key, "", ""))
            s.procedure_views += p.views if p.kind == PageKind.PROCEDURE else 0
            s.procedure_visitors += p.procedure_visitors
            s.form_views += p.views if p.kind == PageKind.FORM else 0
            s.dossier_views += p.views if p.kind == PageKind.DOSSIER else 0
        if p.kind != PageKind.PROCEDURE:
            u = units.setdefault(p.unit_key or None, GroupRow(p.unit_key or None, "", ""))
            u.form_views += p.views if p.kind == PageKind.FORM else 0
            u.dossier_views += p.views if p.kind == PageKind.DOSSIER else 0
    for f in funnels:
        days[f.day].funnel.add(f)
        services.setdefault(f.procedure_id, GroupRow(f.procedure_id, "", "")).funnel.add(f)
        units.setdefault(f.unit_id, GroupRow(f.unit_id, "", "")).funnel.add(f)

    for pk, code, name in Procedure.objects.filter(pk__in=services).values_list("pk", "code", "name"):
        services[pk].code, services[pk].name = code, name
    for pk, code, name in Unit.objects.filter(pk__in=[k for k in units if k]).values_list("pk", "code", "name"):
        units[pk].code, units[pk].name = code, name
    if None in units:
        units[None].name = "Chưa chọn nơi giải quyết"
    services_list = sorted((s for s in services.values() if s.name), key=lambda s: (-_weight(s), s.code))
    units_list = sorted((u for u in units.values() if u.name), key=lambda u: (-_weight(u), u.code))

    total = DayRow(date_to)
    for row in days.values():
        total.visits += row.visits
        total.visitors += row.visitors
        total.views += row.views
        total.procedure_views += row.procedure_views
        total.form_views += row.form_views
        total.funnel.started += row.funnel.started
        total.funnel.submitted += row.funnel.submitted
        for step in STEPS:
            total.funnel.steps[step] += row.funnel.steps[step]
    # The period's abandoned drafts are those of its settled days; the page says from which day on they are not
    # known yet (their rows hold 0 until then).
    unsettled = [d for d, row in days.items() if not row.funnel.settled]
    return Usage(date_from, date_to, unit_ids is not None or procedure is not None or unit is not None,
                 list(days.values()), services_list, units_list, total, min(unsettled) if unsettled else None)


def _weight(row: GroupRow) -> int:
    return row.funnel.started + row.procedure_views + row.form_views + row.dossier_views


# -- charts --------------------------------------------------------------------------------------------------
# pygal always writes its configuration as an inline script, which the CSP refuses: the chart needs none.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = Style(background="white", plot_background="white", foreground="#1f2937", foreground_strong="#1f2937",
               foreground_subtle="#6b7280", colors=("#9b1c1c", "#1d4ed8", "#047857", "#b45309"),
               font_family="system-ui, Arial, sans-serif", label_font_size=12, major_label_font_size=12,
               title_font_size=14, legend_font_size=12)


def line_svg(title: str, days: list[date], series: list[tuple[str, list[int | None]]]) -> str:
    chart = pygal.Line(style=_STYLE, title=title, width=760, height=320, js=[], disable_xml_declaration=True,
                       explicit_size=False, x_label_rotation=45, show_minor_x_labels=False,
                       x_labels_major_every=max(1, len(days) // 10), legend_at_bottom=True, dots_size=2,
                       value_formatter=lambda v: number(int(v)) if v is not None else "—", min_scale=1,
                       include_x_axis=True)
    chart.x_labels = [f"{d.day:02d}/{d.month:02d}" for d in days]
    for label, values in series:
        chart.add(label, values)
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def charts(usage: Usage) -> list[tuple[str, str]]:
    days = [row.day for row in usage.days]
    found = []
    if not usage.scoped:
        found.append(("traffic", line_svg("Truy cập cổng dịch vụ công theo ngày", days, [
            ("Lượt truy cập", [r.visits for r in usage.days]), ("Khách truy cập", [r.visitors for r in usage.days]),
            ("Lượt xem trang", [r.views for r in usage.days])])))
    found.append(("funnel", line_svg("Nộp hồ sơ trực tuyến theo ngày", days, [
        ("Lượt xem trang thủ tục", [r.procedure_views for r in usage.days]),
        ("Bắt đầu nộp", [r.funnel.started for r in usage.days]),
        ("Đã nộp", [r.funnel.submitted for r in usage.days]),
        ("Bỏ dở", [r.funnel.abandoned if r.funnel.settled else None for r in usage.days])])))
    return found


# -- exports -------------------------------------------------------------------------------------------------
def _funnel_cells(f: Funnel):
    abandoned = f.abandoned if f.settled else None
    return [f.started, f.submitted, abandoned, *[f.steps[s] if f.settled else None for s in STEPS],
            f.submitted_share]


FUNNEL_HEADERS = ["Bắt đầu nộp", "Đã nộp", "Bỏ dở", *[f"Bỏ dở: {label.lower()}" for label in STEP_LABELS.values()],
                  "Tỷ lệ đã nộp / bắt đầu"]


def tables(usage: Usage) -> list[tuple[str, list[str], list[list]]]:
    """(sheet title, headers, rows of raw values) for each table: what both exports write."""
    day_headers = ["Ngày"] + ([] if usage.scoped else ["Lượt truy cập", "Khách truy cập", "Lượt xem trang"]) + [
        "Lượt xem trang thủ tục", "Lượt xem biểu mẫu", *FUNNEL_HEADERS]
    day_rows = [[row.day] + ([] if usage.scoped else [row.visits, row.visitors, row.views])
                + [row.procedure_views, row.form_views, *_funnel_cells(row.funnel)] for row in usage.days]
    group_headers = ["Lượt xem trang thủ tục", "Khách truy cập các trang của thủ tục", "Lượt xem biểu mẫu",
                     "Lượt xem trang theo dõi hồ sơ", *FUNNEL_HEADERS]

    def cells(g: GroupRow):
        return [g.procedure_views, g.procedure_visitors, g.form_views, g.dossier_views, *_funnel_cells(g.funnel)]
    return [
        ("Theo ngày", day_headers, day_rows),
        ("Theo thủ tục", ["Mã thủ tục", "Tên thủ tục", *group_headers],
         [[s.code, s.name, *cells(s)] for s in usage.services]),
        ("Theo đơn vị", ["Mã đơn vị", "Đơn vị", *group_headers],
         [[u.code, u.name, *cells(u)] for u in usage.units]),
    ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return padded_date(value)
    if isinstance(value, float):
        return percent(value)
    if isinstance(value, int):
        return number(value)
    return str(value)


def display(value) -> str:
    """A table cell as the page shows it: "1.234.567", "96,49%", "05/11/2025", "—" when not known."""
    return _text(value) or "—"


def as_csv(usage: Usage, table: int = 0) -> bytes:
    """One table as CSV, written as the province reads it (1.234.567; 96,49%; dd/mm/yyyy), with a BOM so
    that Excel opens it as UTF-8; `;` between fields since "," is the decimal mark."""
    title, headers, rows = tables(usage)[table]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode()


def as_xlsx(usage: Usage) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in tables(usage):
        ws = workbook.create_sheet(title)
        ws.append([f"Sử dụng dịch vụ công trực tuyến, {title.lower()}, từ {padded_date(usage.date_from)} "
                   f"đến {padded_date(usage.date_to)}"])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append(headers)
        for cell in ws[2]:
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="EDEDED")
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00%"
                elif isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
        for column in range(1, len(headers) + 1):
            ws.column_dimensions[get_column_letter(column)].width = 40 if headers[column - 1].startswith(
                ("Tên", "Đơn vị")) else 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
