"""The national criteria a citizen may rate besides the overall answer (rules.md "Satisfaction"), as data.

Each criterion is rated satisfied or unsatisfied, or skipped (left out of the stored mapping). The keys are
stored with each rating: a criterion may be renamed here, but a key is never reused for another meaning.
"""

from typing import NamedTuple


class Criterion(NamedTuple):
    key: str
    label: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion("attitude", "Thái độ của cán bộ"),
    Criterion("time", "Thời gian giải quyết"),
    Criterion("guidance", "Hướng dẫn đầy đủ, dễ hiểu"),
    Criterion("fees", "Phí, lệ phí công khai, đúng quy định"),
    Criterion("visits", "Số lần phải đi lại"),
)
KEYS = frozenset(c.key for c in CRITERIA)
LABELS = {c.key: c.label for c in CRITERIA}

SATISFIED, UNSATISFIED = "satisfied", "unsatisfied"
ANSWERS = {SATISFIED: "Hài lòng", UNSATISFIED: "Không hài lòng"}
