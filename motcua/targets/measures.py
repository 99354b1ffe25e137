"""What a target can be about: the measures, as data.

Each measure says how its value is read for a period and a scope. Index measures read the index
service's own output (`motcua.indicators.service.index_json` / `extras_json`): an indicator's rate,
numerator and denominator, a group's points, the total. Nothing here recomputes a dossier fact. Two
measures of the plans are not index numbers and are read from their own records:

- `online_time_reduction` (seed 003 and the comments of seed 000: processing time of online dossiers at
  least 20%/30% — negotiated 10%/20% — shorter than in person): from `extras_json`'s average processing
  time per procedure and channel, as 1 − (online time / in-person time) over the procedures that have
  dossiers resolved in both channels, each procedure weighted by its online dossiers;
- `sign_in_minutes` (Decision 1565: sign-in to successful online submission under 8 minutes in 2025,
  under 5 in 2026): the median of `Submission.seconds_from_sign_in` of the applicants who filed
  themselves (the portal's timing page reads the same rows the same way), in minutes.

Officer measures (scope "officer") read `motcua.targets.officers.officer_figures`.

Values are `Decimal`: percentages (0–100) for shares, points for the total and groups, minutes, counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SHARE = "share"  # a rate shown as a percentage; effort = counted items per day
POINTS = "points"  # index points; effort = points per day
PERCENT = "percent"  # a percentage that is not a numerator/denominator share; no effort figure
MINUTES = "minutes"  # a duration in minutes; no effort figure
COUNT = "count"  # a number of items; effort = items per day

AT_LEAST, AT_MOST = "ge", "le"

INDEX, GROUP, TOTAL, EXTRAS, SUBMISSIONS, OFFICER = "indicator", "group", "total", "extras", "submissions", "officer"

# The 766 groups, as in the default rule set (labels for choices; the value is read from the output).
GROUPS = {
    "I": "Công khai minh bạch",
    "II": "Tiến độ, kết quả giải quyết",
    "III": "Dịch vụ trực tuyến",
    "IV": "Mức độ hài lòng",
    "V": "Số hóa hồ sơ",
}
# Indicator ids of the default rule set, for "indicator:<id>" measures (any id the rule set has works).
INDICATOR_IDS = ("1.1", "1.2", "1.3", "1.4", "2.1", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7",
                 "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str  # SHARE, POINTS, PERCENT, MINUTES, COUNT
    source: str  # INDEX, GROUP, TOTAL, EXTRAS, SUBMISSIONS, OFFICER
    ref: str = ""  # the indicator id (INDEX), the group id (GROUP), the figure (OFFICER)
    comparison: str = AT_LEAST  # the usual comparison of a target on it
    effort_label: str = ""  # what one more counted item is ("hồ sơ nộp trực tuyến")
    # Whether items already in the period can still become counted (a dossier digitised later, a rating
    # given later); False when only new items can help (a dossier received in person stays in person).
    retroactive: bool = True
    scopes: tuple[str, ...] = ("province", "unit")
    note: str = ""

    @property
    def unit_symbol(self) -> str:
        return {SHARE: "%", PERCENT: "%", POINTS: "điểm", MINUTES: "phút", COUNT: ""}[self.kind]


_CAMPAIGN = (
    Measure("online", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", SHARE, INDEX, "3.3",
            effort_label="hồ sơ nộp trực tuyến", retroactive=False,
            note="Chỉ số 3.3 của Bộ chỉ số 766 (đã nhân tỷ lệ đồng bộ 1.4)."),
    Measure("full_online", "Tỷ lệ hồ sơ DVCTT toàn trình của TTHC đủ điều kiện", SHARE, INDEX, "3.4",
            effort_label="hồ sơ nộp trực tuyến toàn trình", retroactive=False,
            note="Chỉ số 3.4: hồ sơ nộp toàn trình / hồ sơ của TTHC đủ điều kiện toàn trình."),
    Measure("online_payment", "Tỷ lệ hồ sơ thanh toán trực tuyến", SHARE, INDEX, "3.7",
            effort_label="hồ sơ thanh toán trực tuyến",
            note="Chỉ số 3.7: hồ sơ thanh toán trực tuyến / hồ sơ có nghĩa vụ tài chính."),
    Measure("satisfaction", "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC", SHARE, INDEX, "4.3",
            effort_label="hồ sơ hài lòng, đúng hạn",
            note="Chỉ số 4.3: hồ sơ không bị đánh giá không hài lòng, không bị phản ánh, không trễ hạn."),
    Measure("digitisation", "Tỷ lệ hồ sơ thực hiện số hóa", SHARE, INDEX, "5.2",
            effort_label="hồ sơ được số hóa",
            note="Chỉ số 5.2: hồ sơ số hóa thành phần và (nếu có kết quả bằng văn bản) có kết quả điện tử."),
    Measure("e_copies", "Tỷ lệ kết quả cấp bản điện tử vào kho dữ liệu", SHARE, INDEX, "5.1",
            effort_label="kết quả điện tử được cấp",
            note="Chỉ số 5.1: kết quả điện tử (ký số, đẩy vào kho dữ liệu điện tử của tổ chức, cá nhân) / "
                 "hồ sơ đã giải quyết của TTHC có kết quả bằng văn bản."),
    Measure("total", "Tổng điểm Bộ chỉ số 766", POINTS, TOTAL),
)

_PLAN = (
    Measure("online_time_reduction", "Thời gian giải quyết hồ sơ trực tuyến rút ngắn so với trực tiếp",
            PERCENT, EXTRAS,
            note="Từ thời gian xử lý trung bình theo thủ tục và kênh nộp (giờ làm việc): 1 − trực tuyến / "
                 "trực tiếp, trên các thủ tục có hồ sơ giải quyết ở cả hai kênh, trọng số là số hồ sơ trực tuyến."),
    Measure("sign_in_minutes", "Thời gian từ đăng nhập đến nộp hồ sơ trực tuyến thành công (trung vị)",
            MINUTES, SUBMISSIONS, comparison=AT_MOST,
            note="Trung vị của người nộp tự thực hiện (không tính hồ sơ cán bộ nộp hộ)."),
)

_OFFICER = (
    Measure("officer_received", "Số hồ sơ cán bộ tiếp nhận", COUNT, OFFICER, "received",
            effort_label="hồ sơ tiếp nhận", scopes=("officer",)),
    Measure("officer_resolved", "Số hồ sơ cán bộ giải quyết xong", COUNT, OFFICER, "resolved",
            effort_label="hồ sơ giải quyết xong", scopes=("officer",)),
    Measure("officer_late", "Số hồ sơ trễ hạn của cán bộ", COUNT, OFFICER, "late", comparison=AT_MOST,
            effort_label="hồ sơ trễ hạn", scopes=("officer",)),
    Measure("officer_assisted", "Số hồ sơ cán bộ hỗ trợ nộp trực tuyến", COUNT, OFFICER, "assisted",
            effort_label="hồ sơ hỗ trợ nộp trực tuyến", scopes=("officer",)),
    Measure("officer_digitised_share", "Tỷ lệ hồ sơ cán bộ tiếp nhận được số hóa", SHARE, OFFICER, "digitised",
            effort_label="hồ sơ tiếp nhận được số hóa", retroactive=False, scopes=("officer",)),
)

MEASURES: dict[str, Measure] = {m.key: m for m in (*_CAMPAIGN, *_PLAN, *_OFFICER)}
for _gid, _glabel in GROUPS.items():
    MEASURES[f"group:{_gid}"] = Measure(f"group:{_gid}", f"Điểm nhóm {_gid} – {_glabel}", POINTS, GROUP, _gid)


def measure(key: str) -> Measure:
    """The measure of `key`: a key of `MEASURES` or "indicator:<id>" (that indicator's rate).

    Raises KeyError for anything else.
    """
    if key in MEASURES:
        return MEASURES[key]
    if key.startswith("indicator:"):
        indicator = key.split(":", 1)[1]
        if indicator:
            return Measure(key, f"Chỉ số {indicator}", SHARE, INDEX, indicator,
                           effort_label="hồ sơ được tính vào tử số")
    raise KeyError(key)


def choices() -> list[tuple[str, str]]:
    """(key, label) for forms: the named measures, then every indicator of the default rule set."""
    return ([(m.key, m.label) for m in MEASURES.values()]
            + [(f"indicator:{i}", f"Chỉ số {i}") for i in INDICATOR_IDS])


def as_percent(rate) -> Decimal | None:
    """An index rate (a fraction, 4 decimals) as a percentage Decimal with 2 decimals."""
    if rate is None:
        return None
    return (Decimal(str(rate)) * 100).quantize(Decimal("0.01"))
