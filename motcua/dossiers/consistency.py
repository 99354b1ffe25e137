"""Is every dossier whole, and is every change an officer was told of in the record exactly once?

Two checks, for a load test or after an incident (a killed web worker, a database restart):

- `half_written(ids)`: each dossier holds what the lifecycle writes in one transaction (`lifecycle.transition`):
  one event per version (the "create"/"import" event is version 0's, so events = version + 1), each event
  starting from the status the one before it ended in, the dossier's status that of its last event, the change
  stamp of a dossier changed since it was imported, and the portal's item for its current version.
- `reconcile(claims)`: what clients did (the version their form carried, the action, whether the server
  answered that it was done) against the events. A claim of version v is the dossier's event number v + 1
  (ordered by id): the server said "done" but that event is missing or another action → lost; two claims
  answered "done" for one event, or an event after the first claimed version that no claim asked for →
  doubled. A claim without an answer (the connection broke, a 502) is either committed or not: counted, not
  an error.
"""

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from motcua.changes.models import DossierStamp
from motcua.dossiers import national
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.outbox.models import Item

BATCH = 2000
FIRST_ACTIONS = frozenset({"create", "import"})


@dataclass(frozen=True)
class Problem:
    code: str
    reason: str

    def __str__(self):
        return f"{self.code}: {self.reason}"


def _batches(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _events_by_dossier(ids) -> dict[int, list[dict]]:
    events = defaultdict(list)
    for row in (DossierEvent.objects.filter(dossier_id__in=ids).order_by("dossier_id", "id")
                .values("id", "dossier_id", "action", "old_status", "new_status", "actor_id")):
        events[row["dossier_id"]].append(row)
    return events


def half_written(dossier_ids: Iterable[int]) -> list[Problem]:
    """The dossiers among `dossier_ids` that are not whole, with the first reason found for each."""
    problems = []
    for ids in _batches(sorted(set(dossier_ids))):
        dossiers = list(Dossier.objects.filter(pk__in=ids).values("pk", "code", "status", "version"))
        events = _events_by_dossier(ids)
        stamped = set(DossierStamp.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True))
        keys = {national.idempotency_key(d["code"], national.portal_version(d["version"])): d["pk"]
                for d in dossiers}
        queued = set(Item.objects.filter(kind=national.KIND, key__in=list(keys)).values_list("key", flat=True))
        queued_pks = {keys[key] for key in queued}
        for dossier in dossiers:
            reason = _reason(dossier, events.get(dossier["pk"], []), dossier["pk"] in stamped,
                             dossier["pk"] in queued_pks)
            if reason:
                problems.append(Problem(dossier["code"], reason))
    return problems


def _reason(dossier: dict, events: list[dict], stamped: bool, queued: bool) -> str:
    if len(events) != dossier["version"] + 1:
        return f"{len(events)} sự kiện cho phiên bản {dossier['version']} (phải là {dossier['version'] + 1})"
    for before, after in itertools.pairwise(events):
        if after["old_status"] != before["new_status"]:
            return (f"sự kiện {after['id']} ({after['action']}) đi từ trạng thái {after['old_status']}, sự kiện "
                    f"trước kết thúc ở {before['new_status']}")
    if events[-1]["new_status"] != dossier["status"]:
        return f"trạng thái {dossier['status']} khác trạng thái của sự kiện cuối ({events[-1]['new_status']})"
    if not stamped and any(e["action"] not in FIRST_ACTIONS for e in events):
        return "đã thay đổi nhưng không có dấu thay đổi (DossierStamp)"
    if not queued:
        return f"không có bản gửi Cổng quốc gia cho phiên bản {dossier['version']}"
    return ""


@dataclass(frozen=True)
class Claim:
    """One action a client posted: the dossier, the version its form carried, the action it expected to
    write, and whether the server answered that it was done (False: no answer; refusals are not claims)."""

    code: str
    version: int
    action: str
    answered: bool = True


@dataclass
class Tally:
    confirmed: int = 0  # answered done, written once
    lost: list[str] = field(default_factory=list)  # answered done, not written
    doubled: list[str] = field(default_factory=list)  # written twice, or written and never asked for
    unanswered_committed: int = 0  # no answer, written
    unanswered_not_committed: int = 0  # no answer, not written

    def as_dict(self) -> dict:
        return {"confirmed": self.confirmed, "lost": len(self.lost), "doubled": len(self.doubled),
                "unanswered_committed": self.unanswered_committed,
                "unanswered_not_committed": self.unanswered_not_committed,
                "lost_examples": self.lost[:10], "doubled_examples": self.doubled[:10]}


def reconcile(claims: Iterable[Claim]) -> Tally:
    """Match every claim to the event its version points at (see the module's docstring)."""
    by_code = defaultdict(list)
    for claim in claims:
        by_code[claim.code].append(claim)
    tally = Tally()
    for codes in _batches(sorted(by_code)):
        pks = dict(Dossier.objects.filter(code__in=codes).values_list("code", "pk"))
        events = _events_by_dossier(list(pks.values()))
        for code in codes:
            _reconcile_one(code, by_code[code], events.get(pks.get(code), []), tally)
    return tally


def _reconcile_one(code: str, claims: list[Claim], events: list[dict], tally: Tally) -> None:
    done_at = defaultdict(int)
    claimed = set()
    for claim in claims:
        index = claim.version + 1
        written = index < len(events) and events[index]["action"] == claim.action
        if written:
            claimed.add(index)
        if not claim.answered:
            if written:
                tally.unanswered_committed += 1
            else:
                tally.unanswered_not_committed += 1
        elif not written:
            tally.lost.append(f"{code} v{claim.version} {claim.action}")
        else:
            done_at[index] += 1
            if done_at[index] == 1:
                tally.confirmed += 1
            else:  # two clients told "done" for one event: one of them was told wrong
                tally.lost.append(f"{code} v{claim.version} {claim.action} (báo thành công hai lần)")
    first = min(claim.version for claim in claims) + 1
    for index in range(first, len(events)):
        if index not in claimed:
            tally.doubled.append(f"{code} sự kiện {events[index]['id']} ({events[index]['action']}) không ai yêu cầu")
