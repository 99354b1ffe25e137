"""Issuing a report: a frozen snapshot (numbers, rule set and its file's hash, the data's state, the files),
and the difference between an issued report and the same report computed now.

`prepare` computes a report and renders its files without storing anything (the issuing form's preview);
`issue` stores a prepared report, once; `issue_report` does both. The numbers are read after a reading
of the change clock (`motcua.changes.tracking.watermark`) and checked with `changed_since`: if a change
committed meanwhile, they are read again, so the stored watermark is the state the numbers describe.
`differences` re-computes an issued report with its own parameters and lists every number that changed, per
unit and item, published and current.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from motcua.changes.models import DossierStamp
from motcua.changes.tracking import Watermark, changed_since, watermark
from motcua.dossiers.models import Dossier
from motcua.indicators.rules import load_ruleset
from motcua.indicators.service import index_json
from motcua.lib.vnformat import number, percent, short_date
from motcua.reports import monthly, sources
from motcua.reports.letterhead import Letterhead
from motcua.reports.models import PublishedFile, PublishedReport, ReportKind
from motcua.reports.pdf import chairman_title, weekly_pdf
from motcua.reports.weekly import WeeklyReport, file_stem, title_of, weekly_report
from motcua.reports.xlsx import weekly_xlsx

CONTENT_TYPES = {"pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
INDEX_FIELDS = (("numerator", "tử số"), ("denominator", "mẫu số"), ("rate", "tỷ lệ"), ("points", "điểm"))
ATTEMPTS = 3


class ReportError(ValueError):
    """Parameters that cannot make a report (unknown plan, rule set, a number already used …)."""


@dataclass
class Prepared:
    kind: str
    parameters: dict
    letterhead: Letterhead
    title: str
    period: tuple[date, date]
    rules_name: str
    rules_version: str
    rules_sha256: str
    evaluated_at: str
    numbers: dict
    state: Watermark
    counts: dict
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # fmt -> (filename, bytes)


# -- computing ------------------------------------------------------------------------------------------


def weekly_parameters(day: date, rules: str, cumulative: bool) -> dict:
    return {"day": day.isoformat(), "rules": rules, "cumulative": bool(cumulative)}


def monthly_parameters(plan: str, month: date) -> dict:
    return {"plan": str(plan), "month": month.replace(day=1).isoformat()}


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value))


def _normalised(numbers: dict) -> dict:
    return json.loads(json.dumps(numbers, default=_jsonable, ensure_ascii=False))


def compute(kind: str, parameters: dict, now: datetime | None = None):
    """(the report object the renderers take, its numbers as JSON, the targets or None)."""
    if kind in (ReportKind.WEEKLY, ReportKind.CHAIRMAN):
        day, rules = date.fromisoformat(parameters["day"]), parameters["rules"]
        report = weekly_report(day, rules=rules, cumulative=parameters["cumulative"], now=now)
        targets = sources.campaign_progress(day) if kind == ReportKind.CHAIRMAN else None
        return report, weekly_numbers(report, rules, targets, now), targets
    if kind == ReportKind.MONTHLY_PLAN:
        try:
            status = sources.monthly_plan_status(parameters["plan"], date.fromisoformat(parameters["month"]))
        except LookupError as exc:
            raise ReportError(str(exc)) from None
        return status, _normalised(monthly.numbers_of(status)), None
    raise ReportError(f"unknown report kind {kind!r}")


def weekly_numbers(report: WeeklyReport, rules: str, targets, now=None) -> dict:
    numbers = {
        "index": {"current": index_json(*report.current, rules=rules, now=now),
                  "previous": index_json(*report.previous, rules=rules, now=now)},
        "overdue": {
            "units": [{"code": u.code, "name": u.name, "count": u.count, "still_open": u.still_open}
                      for u in report.overdue_units],
            "dossiers": [{"code": o.code, "unit_code": o.unit_code, "unit_name": o.unit_name,
                          "procedure_code": o.procedure_code, "due_at": o.due_at, "days_overdue": o.days_overdue,
                          "still_open": o.still_open, "repeated_supplements": o.repeated_supplements}
                         for o in report.overdue]},
    }
    if targets is not None:
        numbers["targets"] = [{"key": t.key, "label": t.label, "scope": t.scope, "target": t.target,
                               "current": t.current, "symbol": t.symbol, "comparison": t.comparison,
                               "deadline": t.deadline, "met": t.met} for t in targets]
    return _normalised(numbers)


def data_counts() -> dict:
    stamp = DossierStamp.objects.aggregate(m=Max("seq"))["m"] or 0
    return {"dossiers": Dossier.objects.count(), "max_dossier_stamp": stamp}


def _render(kind: str, report, targets, letterhead: Letterhead) -> tuple[str, dict[str, tuple[str, bytes]]]:
    if kind == ReportKind.MONTHLY_PLAN:
        stem = f"bao-cao-ke-hoach-{report.plan_key}-thang-{report.month:%Y-%m}"
        return (monthly.title_of(report).replace("\n", " "),
                {"pdf": (f"{stem}.pdf", monthly.monthly_pdf(report, letterhead)),
                 "xlsx": (f"{stem}.xlsx", monthly.monthly_xlsx(report, letterhead))})
    stem = file_stem(report) + ("-chu-tich" if kind == ReportKind.CHAIRMAN else "")
    title = chairman_title(report) if kind == ReportKind.CHAIRMAN else title_of(report)
    return (title.replace("\n", " "),
            {"pdf": (f"{stem}.pdf", weekly_pdf(report, letterhead, targets)),
             "xlsx": (f"{stem}.xlsx", weekly_xlsx(report, letterhead, targets))})


def prepare(kind: str, parameters: dict, letterhead: Letterhead, now: datetime | None = None) -> Prepared:
    """Compute and render without storing (the preview)."""
    for _ in range(ATTEMPTS):
        before = watermark()
        counts = {**data_counts(), "cursor": before.cursor}
        report, numbers, targets = compute(kind, parameters, now)
        if not changed_since(before):
            break
    else:
        raise ReportError("Dữ liệu đang thay đổi liên tục, chưa chốt được số liệu. Vui lòng thử lại.")
    rules_name = rules_version = rules_sha = ""
    evaluated_at = ""
    if kind == ReportKind.MONTHLY_PLAN:
        month = report.month
        period = (month, report.due_on)
    else:
        ruleset = load_ruleset(parameters["rules"])
        rules_name, rules_version = ruleset.name, ruleset.version
        rules_sha = hashlib.sha256(ruleset.path.read_bytes()).hexdigest()
        evaluated_at = report.evaluated_at
        period = report.week
    title, files = _render(kind, report, targets, letterhead)
    return Prepared(kind=kind, parameters=parameters, letterhead=letterhead, title=title, period=period,
                    rules_name=rules_name, rules_version=rules_version, rules_sha256=rules_sha,
                    evaluated_at=evaluated_at, numbers=numbers, state=before, counts=counts, files=files)


def numbers_hash(numbers: dict) -> str:
    canonical = json.dumps(numbers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def issue(prepared: Prepared, user=None) -> PublishedReport:
    """Store a prepared report and its files, once. The number must not be used by another of its kind."""
    head = prepared.letterhead
    number_text = head.number.strip()
    if not number_text or "…" in number_text or "..." in number_text:
        raise ReportError("Cần nhập số văn bản trước khi phát hành.")
    with transaction.atomic():
        if PublishedReport.objects.filter(kind=prepared.kind, number=number_text).exists():
            raise ReportError(f"Số văn bản {number_text} đã được dùng cho một báo cáo cùng loại.")
        published = PublishedReport(
            kind=prepared.kind, number=number_text, issuer=head.issuer, place=head.place,
            document_date=head.document_date, signer_name=head.signer_name, signer_title=head.signer_title,
            recipients=list(head.recipients), title=prepared.title[:400], period_from=prepared.period[0],
            period_to=prepared.period[1], parameters=prepared.parameters, rules_name=prepared.rules_name,
            rules_version=prepared.rules_version, rules_sha256=prepared.rules_sha256,
            data_seq=prepared.state.seq, data_catalog=prepared.state.catalog,
            data_generation=prepared.state.generation, data_token=prepared.state.token,
            data_counts=prepared.counts, evaluated_at=prepared.evaluated_at, numbers=prepared.numbers,
            numbers_sha256=numbers_hash(prepared.numbers), issued_at=timezone.now(),
            issued_by=user if user is not None and user.is_authenticated else None)
        published.save()
        for fmt, (filename, content) in prepared.files.items():
            PublishedFile(report=published, fmt=fmt, filename=filename, content_type=CONTENT_TYPES[fmt],
                          content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest()).save()
    return published


def issue_report(kind: str, parameters: dict, letterhead: Letterhead, user=None,
                 now: datetime | None = None) -> PublishedReport:
    return issue(prepare(kind, parameters, letterhead, now), user)


# -- the difference with now ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    section: str
    unit_code: str
    unit_name: str
    item: str
    field: str
    published: object
    current: object
    is_rate: bool = False

    def shown(self, value) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "Có" if value else "Không"
        if isinstance(value, str):
            try:
                value = Decimal(value)
            except ArithmeticError:
                return value
        if self.is_rate:
            return percent(value)
        return number(value, 0 if Decimal(str(value)) == Decimal(str(value)).to_integral() else 2)

    @property
    def published_shown(self) -> str:
        return self.shown(self.published)

    @property
    def current_shown(self) -> str:
        return self.shown(self.current)

    def as_json(self) -> dict:
        return {"section": self.section, "unit": self.unit_code, "unit_name": self.unit_name, "item": self.item,
                "field": self.field, "published": self.published, "current": self.current}


@dataclass
class Comparison:
    published: PublishedReport
    changes: list[Change]
    rules_changed: bool  # the rule set's file is not the one the report was computed with
    state_changed: bool  # the data changed since the report was issued


def _period_label(index: dict) -> str:
    return f"{short_date(date.fromisoformat(index['from']))} – {short_date(date.fromisoformat(index['to']))}"


def flatten(kind: str, numbers: dict) -> dict[tuple, Change]:
    """Every number of a report keyed by (section, unit, item, field), as a Change with only `published`."""
    out: dict[tuple, Change] = {}

    def put(section, code, name, item, field_name, value, is_rate=False):
        out[(section, code, item, field_name)] = Change(section, code, name, item, field_name, value, None, is_rate)

    if kind == ReportKind.MONTHLY_PLAN:
        for task in numbers.get("tasks", []):
            for key, label in (("status", "tình trạng"), ("overdue", "quá hạn"), ("reported", "đã báo cáo"),
                               ("evidence", "tệp minh chứng"), ("deadline", "thời hạn")):
                put("Nhiệm vụ", task["lead_unit"], task["lead_unit"], task["name"], label, task.get(key))
        for unit in numbers.get("not_reported", []):
            put("Chưa báo cáo", unit, unit, "Báo cáo tháng", "chưa gửi", True)
        for label, count in numbers.get("counts", {}).items():
            put("Tổng hợp", "", "", f"Số nhiệm vụ {label}", "số lượng", count)
        return out
    for side in ("current", "previous"):
        index = numbers["index"][side]
        section = f"Phụ lục I, kỳ {_period_label(index)}"
        for unit in index["units"]:
            code, name = unit["code"], unit["name"]
            put(section, code, name, "Tổng điểm", "điểm", unit["total"])
            for group in unit["groups"]:
                put(section, code, name, f"Nhóm {group['id']}", "điểm", group["points"])
            for indicator in unit["indicators"]:
                for key, label in INDEX_FIELDS:
                    put(section, code, name, f"Chỉ tiêu {indicator['id']}", label, indicator[key], key == "rate")
    for unit in numbers["overdue"]["units"]:
        put("Phụ lục II", unit["code"], unit["name"], "Hồ sơ quá hạn trong kỳ", "số hồ sơ", unit["count"])
        put("Phụ lục II", unit["code"], unit["name"], "Hồ sơ quá hạn trong kỳ", "đang giải quyết", unit["still_open"])
    for item in numbers["overdue"]["dossiers"]:
        put("Phụ lục II, danh sách", item["unit_code"], item["unit_name"], f"Hồ sơ {item['code']}",
            "số ngày quá hạn", item["days_overdue"])
        put("Phụ lục II, danh sách", item["unit_code"], item["unit_name"], f"Hồ sơ {item['code']}",
            "đang giải quyết", item["still_open"])
    for target in numbers.get("targets", []):
        put("Chỉ tiêu chiến dịch", "", target["scope"], f"{target['label']} ({target['scope']})",
            f"đạt ({target['symbol']})" if target["symbol"] else "đạt", target["current"])
        put("Chỉ tiêu chiến dịch", "", target["scope"], f"{target['label']} ({target['scope']})", "đánh giá đạt",
            target["met"])
    return out


def _same(a, b) -> bool:
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a == b
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return a == b


def differences(published: PublishedReport, now: datetime | None = None) -> Comparison:
    """The issued report against the same report computed now (same kind and parameters)."""
    _, current, _ = compute(published.kind, published.parameters, now)
    before, after = flatten(published.kind, published.numbers), flatten(published.kind, current)
    changes = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        old_value = old.published if old else None
        new_value = new.published if new else None
        if not _same(old_value, new_value):
            base = old or new
            changes.append(Change(base.section, base.unit_code, base.unit_name, base.item, base.field,
                                  old_value, new_value, base.is_rate))
    rules_changed = False
    if published.rules_name:
        try:
            path = load_ruleset(published.rules_name).path
            rules_changed = hashlib.sha256(path.read_bytes()).hexdigest() != published.rules_sha256
        except (OSError, ValueError):
            rules_changed = True
    issued = Watermark(published.data_seq, published.data_catalog, published.data_generation,
                       published.data_token, published.data_counts.get("cursor", ""))
    if issued.cursor:
        state_changed = changed_since(issued)
    else:  # issued before reports kept the change cursor
        state = watermark()
        state_changed = (state.seq, state.catalog, state.generation) != issued[:3]
    return Comparison(published, changes, rules_changed, state_changed)
