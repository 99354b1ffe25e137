"""A small hand-built province for the index tests; every expected number is computed by hand from this.

The province T has two departments (SXD, with an office SXD-P1, and STC) and two communes (X1 offers
electronic certified copies, X2 does not). The period is the week of Monday 6 to Sunday 12 October 2025
and now is later, so t = 12 October 23:59:59.999999 +07:00.

Procedures (5 working days before 15 October is 8 October; 5 working days after 7 October is 14 October;
5 working days before 16 October is 9 October):
  PA  fee 50,000, written result, full online, eligible, for citizens, integrated; decided 7/10 (on time
      for a legal basis effective 15/10), published 9/10 (on time), 7 parts complete
  PB  no fee, partial online, not for citizens; decided 10/10 (late for 16/10), published 20/10 (after t),
      parts incomplete
  PC  fee 20,000, written result, not online, for citizens, not integrated; decided 1/9 (out of the
      period), published 5/9, parts incomplete
  PD  no fee, partial online, eligible, for citizens; decided 13/10 (after the period), not published
Authority: SXD-P1 → PA; SXD → PB; STC → PB; X1 → PC, PD; X2 → PC, PD.
Procedures under each unit: T {PA, PB, PC, PD} (PB once), SXD {PA, PB}, STC {PB}, X1 and X2 {PC, PD}.

Dossiers:
  D1 PA @SXD-P1 online, full online, received 6/10, resolved 9/10 before its due 10/10, synced, fee
     paid online, digitised, e-result, reused, data store, citizen data, satisfied
  D2 PA @SXD in person, received 7/10, due 14/10 (in time at t), not synced, fee not paid, complaint
  D3 PB @SXD received 29/9 (carried over), due 3/10, resolved 8/10: late
  D4 PB @STC received 22/9 and resolved 25/9: ended before the period, in no population
  D5 PB @STC online, refused at receipt 8/10, synced: only in 1.4
  D6 PC @X1 in person, received 10/10, due 13/10, supplement requested 10/10 15:00 still open: judged at
     the request, in time; synced, fee not paid, digitised, citizen data, rated unsatisfied
  D7 PD @X2 online, received 5/10 18:30 UTC = 6/10 01:30 local (in the period), resolved 8/10 16:00
     before its due 17:00, synced 13/10 (after t: not synced), digitised, result pushed to the data store
  D8 PD @X2 received 12/10 17:30 UTC = 13/10 00:30 local: after the period and after t, in nothing
  D9 PC @X2 in person, received 9/10, two supplement requests: late; resolved 10/10 without e-result,
     synced, no fee (a fee-exempt dossier of a fee-bearing procedure), digitised, reused
Feedback (received 6/10 + 15 working days = 27/10; 7/10 + 2 = 9/10; 15/9 + 15 = 6/10):
  F1 @X1 received 6/10, answered 10/10: on time, satisfied
  F2 @SXD-P1 received 15/9, never handled: past 15 working days at t, late
  F3 @X2 answered 3/10, before the period: not in the population
  F4 @STC received 7/10, refused 10/10: later than 2 working days, late
  F5 @X1 received 8/10, not handled, still within at t, raised again
"""

from datetime import UTC, date, datetime

from .builders import at, dossier, e_result, feedback, procedure, record, unit

FROM, TO = date(2025, 10, 6), date(2025, 10, 12)
NOW = at(30, 12)

UNITS = [
    unit("T", "province", None),
    unit("SXD", "department", "T"),
    unit("SXD-P1", "office", "SXD"),
    unit("X1", "commune", "T", e_certified_copy=True),
    unit("STC", "department", "T"),
    unit("X2", "commune", "T", e_certified_copy=False),
]
PROCEDURES = [
    procedure("PA", fee_vnd=50000, written_result=True, online_level="full", full_online_eligible=True,
              for_citizens=True, decision_date=date(2025, 10, 7), legal_effective_date=date(2025, 10, 15),
              published_at=date(2025, 10, 9), parts_complete=True, fee_integrated=True),
    procedure("PB", fee_vnd=0, online_level="partial", decision_date=date(2025, 10, 10),
              legal_effective_date=date(2025, 10, 16), published_at=date(2025, 10, 20), parts_complete=False),
    procedure("PC", level="commune", fee_vnd=20000, written_result=True, online_level="none", for_citizens=True,
              decision_date=date(2025, 9, 1), legal_effective_date=date(2025, 9, 30),
              published_at=date(2025, 9, 5), parts_complete=False),
    procedure("PD", level="commune", online_level="partial", full_online_eligible=True, for_citizens=True,
              decision_date=date(2025, 10, 13), legal_effective_date=date(2025, 11, 1)),
]
AUTHORITY = [("SXD-P1", "PA"), ("SXD", "PB"), ("STC", "PB"), ("X1", "PC"), ("X1", "PD"), ("X2", "PC"),
             ("X2", "PD")]
DOSSIERS = [
    dossier("D1", "PA", "SXD-P1", received=at(6, 8), due=at(10, 17), channel="online", full_online=True,
            resolved_at=at(9, 10), returned_at=at(10, 9), synced_at=at(6, 9), fee_vnd=50000,
            paid_online_at=at(6, 8, 30), digitized=True, e_result=e_result(at(9, 10)), reused_data=True,
            from_data_store=True, citizen_data=True, rating="satisfied"),
    dossier("D2", "PA", "SXD", received=at(7, 9), due=at(14, 17), fee_vnd=50000, complaint=True),
    dossier("D3", "PB", "SXD", received=at(29, 8, month=9), due=at(3, 17), resolved_at=at(8, 10),
            synced_at=at(29, 9, month=9)),
    dossier("D4", "PB", "STC", received=at(22, 8, month=9), due=at(26, 17, month=9),
            resolved_at=at(25, 8, month=9), synced_at=at(22, 9, month=9)),
    dossier("D5", "PB", "STC", received=at(8, 10), due=at(15, 17), channel="online", ended="refused",
            ended_at=at(8, 10), synced_at=at(8, 11)),
    dossier("D6", "PC", "X1", received=at(10, 14), due=at(13, 17), supplements=((at(10, 15), None),),
            synced_at=at(10, 15), fee_vnd=20000, digitized=True, citizen_data=True, rating="unsatisfied"),
    dossier("D7", "PD", "X2", received=datetime(2025, 10, 5, 18, 30, tzinfo=UTC), due=at(8, 17),
            channel="online", resolved_at=at(8, 16), synced_at=at(13, 8), digitized=True,
            result_to_data_store=True),
    dossier("D8", "PD", "X2", received=datetime(2025, 10, 12, 17, 30, tzinfo=UTC), due=at(15, 17),
            channel="online", synced_at=at(13, 9), digitized=True, citizen_data=True),
    dossier("D9", "PC", "X2", received=at(9, 8), due=at(10, 17),
            supplements=((at(9, 9), at(9, 10)), (at(9, 14), at(9, 15))), resolved_at=at(10, 10),
            synced_at=at(9, 8, 30), digitized=True, reused_data=True, rating="satisfied"),
]
FEEDBACK = [
    feedback("F1", "X1", at(6, 10), answered_at=at(10, 9), rating="satisfied"),
    feedback("F2", "SXD-P1", at(15, 8, month=9)),
    feedback("F3", "X2", at(1, 8), answered_at=at(3, 9)),
    feedback("F4", "STC", at(7, 9), refused_at=at(10, 8)),
    feedback("F5", "X1", at(8, 10), raised_again=True),
]
RECORD = record(UNITS, PROCEDURES, AUTHORITY, DOSSIERS, FEEDBACK)
