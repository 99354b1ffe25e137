"""The write path in the database layer (issue 12 point 6): N officers transitioning distinct dossiers at once.

Each worker thread holds its own database connection and moves its own dossiers (status "đang xử lý") by
`motcua.dossiers.lifecycle.transition(d, "apologize")` — a real step that keeps the status, so a dossier can
take it again and again: the compare-and-update on the version, the event row, its audit entry (sealed after
commit), the change stamp and the national portal's outbox item, in one transaction. No web layer.

For each level (default 1, 8, 32 threads) it runs `--seconds` and reports transitions/s and p50/p95/p99
latency of one `transition` call (commit and the audit seal included), and samples `pg_stat_activity` every
50 ms: what the benchmark's backends were doing (running, waiting on a lock — which one —, on I/O, or idle
because the Python side had not sent the next statement). Afterwards it checks that nothing was lost or
doubled: every dossier's version grew by exactly the transitions its worker counted, the events and audit
entries written equal the total, every audit entry is sealed, and the new seqs are contiguous.

Python threads share one interpreter lock, so the threads are spread over `--processes` worker processes
(default: the CPU count) to measure the database rather than the GIL.

    createdb -h 127.0.0.1 -U postgres -T motcua_2m wpath_2m     # a copy: this writes to the database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wpath_2m MOTCUA_VAR_DIR=/tmp/bench-var \\
        python bench/bench_transitions.py [--levels 1,8,32] [--seconds 20] [--processes 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
PER_THREAD = 40  # dossiers each thread cycles through


def setup():
    import django

    django.setup()


def worker_process(dossier_ids: list[list[int]], seconds: float, tag: str, start_at: float, results) -> None:
    """One process: a thread per dossier list, each transitioning its dossiers until the time is up."""
    setup()
    from django.db import connection

    from motcua.dossiers.lifecycle import transition
    from motcua.dossiers.models import Dossier

    out = []

    def run(ids: list[int]) -> None:
        dossiers = list(Dossier.objects.filter(pk__in=ids).select_related("procedure", "unit"))
        latencies, done, errors = [], Counter(), 0
        while time.time() < start_at:
            time.sleep(0.001)
        stop = start_at + seconds
        i = 0
        while time.time() < stop:
            dossier = dossiers[i % len(dossiers)]
            i += 1
            began = time.perf_counter()
            try:
                transition(dossier, "apologize", note=tag)
            except Exception as error:  # noqa: BLE001 — counted and reported, the run goes on
                errors += 1
                print(f"error: {error!r}", file=sys.stderr)
                dossier.refresh_from_db()
                continue
            latencies.append(time.perf_counter() - began)
            done[dossier.pk] += 1
        connection.close()
        out.append((latencies, dict(done), errors))

    threads = [threading.Thread(target=run, args=(ids,)) for ids in dossier_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(out)


class Sampler(threading.Thread):
    """What the database's other client backends are doing, every 50 ms."""

    def __init__(self, dsn: str):
        super().__init__(daemon=True)
        import psycopg

        self.connection = psycopg.connect(dsn, autocommit=True)
        self.counts: Counter = Counter()
        self.samples = 0
        self.stopping = threading.Event()

    def run(self):
        with self.connection.cursor() as cursor:
            while not self.stopping.wait(0.05):
                cursor.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
                self.samples += 1
                for state, kind, event in cursor.fetchall():
                    if state == "active":
                        self.counts["running (CPU)" if kind is None else f"waiting {kind}:{event}"] += 1
                    elif state == "idle in transaction":
                        self.counts["idle in transaction (Python between statements)"] += 1
                    else:
                        self.counts[f"{state} (Python, or waiting for a CPU)"] += 1

    def shares(self) -> dict[str, float]:
        total = sum(self.counts.values()) or 1
        return {name: round(100 * count / total, 1) for name, count in self.counts.most_common()}


def state_of(ids: list[int]) -> tuple[dict[int, int], int, int, int]:
    from motcua.core.models import AuditEntry
    from motcua.dossiers.models import Dossier, DossierEvent

    versions = dict(Dossier.objects.filter(pk__in=ids).values_list("pk", "version"))
    return (versions, DossierEvent.objects.count(), AuditEntry.objects.count(),
            AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0)


def broken_links(low: int, high: int) -> int:
    """Links of the chain between seq `low` - 1 and `high` whose prev_hash or hash does not hold."""
    from motcua.core import audit
    from motcua.core.models import AuditEntry

    entries = list(AuditEntry.objects.filter(seq__gte=low - 1, seq__lte=high).order_by("seq"))
    return sum(1 for before, entry in zip(entries, entries[1:], strict=False)
               if entry.prev_hash != before.hash or audit.digest(entry) != entry.hash)


def run_level(threads: int, processes: int, seconds: float, pool: list[int], dsn: str) -> dict:
    from django.db import connections

    from motcua.core import audit
    from motcua.core.models import AuditEntry
    from motcua.dossiers.models import DossierEvent

    ids = pool[:threads * PER_THREAD]
    lists = [ids[t * PER_THREAD:(t + 1) * PER_THREAD] for t in range(threads)]
    versions, events, entries, last_entry = state_of(ids)
    tag = f"bench-{uuid.uuid4().hex[:8]}"
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    count = min(processes, threads)
    start_at = time.time() + 3.0  # every process set up and connected before the clock starts
    children = [context.Process(target=worker_process, args=(lists[p::count], seconds, tag, start_at, results))
                for p in range(count)]
    for child in children:
        child.start()
    time.sleep(max(0.0, start_at - time.time()))
    sampler = Sampler(dsn)
    sampler.start()
    gathered = [item for _ in children for item in results.get()]
    sampler.stopping.set()
    for child in children:
        child.join()
    latencies = sorted(x for lat, _done, _err in gathered for x in lat)
    done = Counter()
    for _lat, per_dossier, _err in gathered:
        done.update(per_dossier)
    errors = sum(err for _lat, _done, err in gathered)
    total = sum(done.values())

    sealing = hasattr(audit, "seal")  # False when run on the code before the chain was sealed after commit
    left_unsealed = audit.unsealed() if sealing else 0  # what the commits' own sealers left: must be 0
    if sealing:
        audit.seal()
    after_versions, after_events, after_entries, _ = state_of(ids)
    wrong = [pk for pk in ids if after_versions[pk] - versions[pk] != done.get(pk, 0)]
    new = AuditEntry.objects.filter(id__gt=last_entry)
    sealed = new.exclude(seq__isnull=True)
    seqs = sealed.values_list("seq", flat=True)
    low, high = (min(seqs), max(seqs)) if sealed.exists() else (0, -1)
    checks = {
        "versions_match": not wrong,
        "events_written": after_events - events, "events_tagged": DossierEvent.objects.filter(note=tag).count(),
        "audit_entries_written": after_entries - entries, "audit_unsealed": left_unsealed,
        "audit_seqs_contiguous": high - low + 1 == sealed.count(),
        "audit_links_broken": broken_links(low, high),
    }
    try:  # each dossier whole: events = version + 1, statuses chained, stamp and portal item (if available)
        from motcua.dossiers.consistency import half_written

        checks["dossiers_not_whole"] = len(half_written(ids))
    except ImportError:
        checks["dossiers_not_whole"] = 0
    ok = (not wrong and not checks["dossiers_not_whole"] and checks["events_tagged"] == total and checks["events_written"] == total
          and checks["audit_entries_written"] == total and checks["audit_unsealed"] == 0
          and checks["audit_seqs_contiguous"] and not checks["audit_links_broken"])

    def pct(p):
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else None

    return {"threads": threads, "processes": count, "seconds": seconds, "transitions": total, "errors": errors,
            "per_second": round(total / seconds, 1), "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
            "backends": sampler.shares(), "checks": checks, "ok": ok, "load": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    setup()
    from django.db import connection

    from motcua.dossiers.constants import Status
    from motcua.dossiers.models import Dossier

    if connection.vendor != "postgresql":
        sys.exit("bench_transitions needs PostgreSQL (DATABASE_URL): SQLite serialises writers by design.")
    levels = [int(x) for x in args.levels.split(",")]
    pool = list(Dossier.objects.filter(status=Status.PROCESSING).order_by("pk")
                .values_list("pk", flat=True)[:max(levels) * PER_THREAD])
    if len(pool) < max(levels) * PER_THREAD:
        sys.exit(f"only {len(pool)} dossiers in processing; {max(levels) * PER_THREAD} needed")
    settings = connection.settings_dict
    dsn = f"host={settings['HOST']} port={settings['PORT'] or 5432} user={settings['USER']} dbname={settings['NAME']}"
    dossiers = Dossier.objects.count()
    report = {"database": settings["NAME"], "dossiers": dossiers, "cpus": os.cpu_count(), "levels": []}
    for threads in levels:
        result = run_level(threads, args.processes, args.seconds, pool, dsn)
        report["levels"].append(result)
        if not args.json:
            print(f"{threads:>3} threads / {result['processes']} processes: {result['per_second']:>7} transitions/s"
                  f"  p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  p99 {result['p99_ms']} ms"
                  f"  errors {result['errors']}  checks {'ok' if result['ok'] else result['checks']}")
            print("      backends:", ", ".join(f"{k} {v}%" for k, v in list(result["backends"].items())[:6]))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
