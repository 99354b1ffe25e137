"""Named populations (denominators) and counted subsets (numerators) that rule sets select by name.

A rule set says `population = "dossiers_received"` and `counted = "synced_by_t"`; this registry says what
those names mean, as predicates over small facts tuples. The facts of one dossier, procedure, feedback
item or commune are computed once by `compute` (from `semantics`) and are plain booleans, so a new rule
set that combines existing names differently needs no code change, and equal facts are evaluated once.

Each population and counted subset has a kind (`dossier`, `procedure`, `feedback`, `commune`); a rule set
may only count a subset of the same kind as its population (checked when a rule set is loaded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

KINDS = ("dossier", "procedure", "feedback", "commune")


class DossierFacts(NamedTuple):
    """What the index needs to know about one dossier for one period and evaluation moment t."""

    refused: bool  # ended = "refused" at receipt
    received: bool  # received in the period (local date in it, at or before t)
    under_processing: bool  # received by t and before the period's end, not ended before its start
    late: bool  # late or overdue at t; only evaluated for dossiers under processing, False otherwise
    synced: bool  # synced_at <= t
    online: bool  # channel = online
    full_online: bool
    full_online_eligible: bool  # of its procedure
    written_result: bool  # its procedure requires a written result
    ended: bool  # end <= t
    resolved: bool  # resolved_at <= t
    resolved_in_period: bool  # resolved_at's local date in the period and <= t
    e_result: bool  # e_result issued <= t
    fee: bool  # the dossier's fee_vnd > 0
    paid_online: bool  # paid_online_at <= t
    digitized: bool
    reused_data: bool
    data_store: bool  # from_data_store or result_to_data_store
    citizen_data: bool
    unsatisfied: bool  # rating = unsatisfied
    complaint: bool


class ProcedureFacts(NamedTuple):
    """One procedure under one unit; the `unit_*` fields use that unit's non-refused dossiers received
    in the period, the others depend on the procedure and the period only."""

    decided_in_period: bool  # decision_date in the period and not after t's local date
    decision_on_time: bool  # decision_date <= legal_effective_date - 5 working days
    published: bool  # published_at set and not after t's local date
    published_on_time: bool  # published (by t) and published_at <= decision_date + 5 working days
    parts_complete: bool
    offered_online: bool  # online_level partial or full
    fee_bearing: bool  # the procedure's fee_vnd > 0
    fee_integrated: bool
    for_citizens: bool
    unit_has_dossier: bool  # >= 1 dossier
    unit_has_online_dossier: bool  # >= 1 online dossier
    unit_has_synced_fee_dossier: bool  # >= 1 dossier synced by t with fee_vnd > 0
    unit_has_paid_online_dossier: bool  # >= 1 dossier paid online by t
    unit_has_citizen_data_dossier: bool  # >= 1 dossier with citizen_data


class FeedbackFacts(NamedTuple):
    in_population: bool  # received by t, not answered or refused before the period's start
    on_time: bool  # handled on time or still in time at t (4.1)
    unsatisfied: bool
    raised_again: bool


class CommuneFacts(NamedTuple):
    e_certified_copy: bool


@dataclass(frozen=True)
class Selector:
    """A named predicate: a population (denominator) or a counted subset (numerator)."""

    name: str
    kind: str
    text: str  # what it means, in the words of interchange.md
    test: Callable[[tuple], bool]


def _registry(*selectors: Selector) -> dict[str, Selector]:
    names = [s.name for s in selectors]
    assert len(names) == len(set(names)), "duplicate selector name"
    assert all(s.kind in KINDS for s in selectors)
    return {s.name: s for s in selectors}


POPULATIONS = _registry(
    # dossiers: every population but 1.4's leaves refused dossiers out
    Selector("dossiers_received_with_refused", "dossier",
             "dossiers received in the period, refused ones included",
             lambda f: f.received),
    Selector("dossiers_received", "dossier",
             "dossiers received in the period (not refused)",
             lambda f: f.received and not f.refused),
    Selector("dossiers_received_synced", "dossier",
             "dossiers received in the period (not refused) and synced by t",
             lambda f: f.received and not f.refused and f.synced),
    Selector("dossiers_under_processing", "dossier",
             "dossiers under processing in the period: carried over + newly received (not refused)",
             lambda f: f.under_processing and not f.refused),
    Selector("dossiers_received_full_online_eligible", "dossier",
             "dossiers received in the period of procedures with full_online_eligible",
             lambda f: f.received and not f.refused and f.full_online_eligible),
    Selector("dossiers_received_with_fee", "dossier",
             "dossiers received in the period with fee_vnd > 0",
             lambda f: f.received and not f.refused and f.fee),
    Selector("dossiers_resolved_written_result", "dossier",
             "dossiers of written_result procedures resolved in the period",
             lambda f: f.resolved_in_period and not f.refused and f.written_result),
    # procedures under the unit (authority rows of the unit and below; the province: all of authority.csv)
    Selector("procedures_decided_in_period", "procedure",
             "procedures under the unit with decision_date in the period",
             lambda f: f.decided_in_period),
    Selector("procedures_published", "procedure",
             "procedures under the unit with published_at set and <= t",
             lambda f: f.published),
    Selector("procedures_under_unit", "procedure",
             "procedures under the unit",
             lambda f: True),
    Selector("procedures_online", "procedure",
             "procedures under the unit with online_level other than none",
             lambda f: f.offered_online),
    Selector("procedures_fee_bearing", "procedure",
             "procedures under the unit with fee_vnd > 0",
             lambda f: f.fee_bearing),
    Selector("procedures_fee_bearing_with_dossiers", "procedure",
             "procedures under the unit with fee_vnd > 0 and >= 1 dossier received in the period",
             lambda f: f.fee_bearing and f.unit_has_dossier),
    Selector("procedures_for_citizens", "procedure",
             "procedures under the unit with for_citizens",
             lambda f: f.for_citizens),
    Selector("feedback_under_unit", "feedback",
             "feedback received <= t and not answered or refused before the period's start",
             lambda f: f.in_population),
    Selector("communes_in_subtree", "commune",
             "communes in the unit's subtree (for a commune, itself)",
             lambda f: True),
)

COUNTED = _registry(
    Selector("synced_by_t", "dossier", "synced_at <= t", lambda f: f.synced),
    Selector("not_late_at_t", "dossier", "not late at t", lambda f: not f.late),
    Selector("online_with_e_result_if_required", "dossier",
             "online ones that, if written_result and ended, have e_result",
             lambda f: f.online and (not (f.written_result and f.ended) or f.e_result)),
    Selector("full_online", "dossier", "full_online", lambda f: f.full_online),
    Selector("paid_online_by_t", "dossier", "paid_online_at <= t", lambda f: f.paid_online),
    Selector("satisfied_no_complaint_not_late", "dossier",
             "not rated unsatisfied, without complaint, and not late at t",
             lambda f: not f.unsatisfied and not f.complaint and not f.late),
    Selector("e_result_by_t", "dossier", "e_result issued <= t", lambda f: f.e_result),
    Selector("digitized_with_e_result_if_required", "dossier",
             "digitized, and e_result present if the procedure has written_result and the dossier is resolved",
             lambda f: f.digitized and (not (f.written_result and f.resolved) or f.e_result)),
    Selector("reused_data", "dossier", "reused_data", lambda f: f.reused_data),
    Selector("data_store", "dossier", "from_data_store or result_to_data_store", lambda f: f.data_store),
    Selector("citizen_data", "dossier", "citizen_data", lambda f: f.citizen_data),
    Selector("decision_on_time", "procedure",
             "decision_date <= legal_effective_date - 5 working days", lambda f: f.decision_on_time),
    Selector("published_on_time", "procedure",
             "published_at <= decision_date + 5 working days", lambda f: f.published_on_time),
    Selector("parts_complete", "procedure", "parts_complete", lambda f: f.parts_complete),
    Selector("offered_online", "procedure", "online_level is partial or full", lambda f: f.offered_online),
    Selector("with_online_dossier", "procedure",
             ">= 1 online dossier received in the period", lambda f: f.unit_has_online_dossier),
    Selector("fee_integrated_with_synced_fee_dossier", "procedure",
             "fee_integrated and >= 1 synced dossier with fee_vnd > 0 received in the period",
             lambda f: f.fee_integrated and f.unit_has_synced_fee_dossier),
    Selector("with_online_payment", "procedure",
             ">= 1 dossier received in the period paid online by t", lambda f: f.unit_has_paid_online_dossier),
    Selector("with_citizen_data_dossier", "procedure",
             ">= 1 dossier received in the period with citizen_data", lambda f: f.unit_has_citizen_data_dossier),
    Selector("handled_on_time", "feedback",
             "answered <= received + 15 working days or refused <= received + 2 working days, "
             "or still within 15 working days at t", lambda f: f.on_time),
    Selector("satisfied_on_time_not_raised_again", "feedback",
             "not rated unsatisfied, not late as in 4.1, not raised_again",
             lambda f: not f.unsatisfied and f.on_time and not f.raised_again),
    Selector("e_certified_copy", "commune", "e_certified_copy", lambda f: f.e_certified_copy),
)
