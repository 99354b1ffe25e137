"""Time from sign-in to submission per procedure (seeds: 8 minutes now, 5 minutes as the target), from the
`Submission` rows: the median and the 90th percentile of the applicants who filed themselves (assisted
submissions at the desk are counted apart: the officer's typing is not the citizen's time)."""

import statistics
from dataclasses import dataclass
from datetime import datetime

from motcua.applications.models import Submission
from motcua.lib.vnformat import number

TARGETS_MINUTES = (8, 5)


@dataclass(frozen=True)
class ProcedureTiming:
    code: str
    name: str
    count: int
    median_seconds: float
    p90_seconds: float

    def meets(self, minutes: int) -> bool:
        """The target is met when the median applicant submits within it."""
        return self.median_seconds <= minutes * 60

    @property
    def verdicts(self) -> list[tuple[int, bool]]:
        return [(minutes, self.meets(minutes)) for minutes in TARGETS_MINUTES]

    @property
    def median_minutes(self) -> str:
        return number(self.median_seconds / 60, 1)

    @property
    def p90_minutes(self) -> str:
        return number(self.p90_seconds / 60, 1)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0 < q < 1) by linear interpolation between the closest ranks (values sorted)."""
    if not values:
        raise ValueError("no values")
    if len(values) == 1:
        return float(values[0])
    position = (len(values) - 1) * q
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


def timings(start: datetime, end: datetime) -> list[ProcedureTiming]:
    rows = (Submission.objects.filter(submitted_at__gte=start, submitted_at__lt=end, assisted_by__isnull=True,
                                      seconds_from_sign_in__isnull=False)
            .values_list("procedure__code", "procedure__name", "seconds_from_sign_in"))
    by_procedure: dict[tuple[str, str], list[float]] = {}
    for code, name, seconds in rows:
        by_procedure.setdefault((code, name), []).append(float(seconds))
    result = []
    for (code, name), values in sorted(by_procedure.items()):
        values.sort()
        result.append(ProcedureTiming(code, name, len(values), statistics.median(values), percentile(values, 0.9)))
    return result
