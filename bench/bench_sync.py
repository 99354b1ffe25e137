"""National-portal sync on PostgreSQL: delivery of a backlog of dossier versions to the stand-in, and the time
from a transition to its acknowledgment under a steady load (issue 8, "Measured").

(a) Backlog: N dossiers imported never synced (`synced_at: null`), so each one's version 1 waits; then
    `motcua sync run --until-idle --max-seconds S` as 1 process and as 4 processes at once, without and
    with 20% transient failures (the stand-in answers 503, no Retry-After, to a random ~20% of requests).
    Before each run every version waits again and the stand-in forgets what it holds. Versions/s =
    versions acknowledged / (last acknowledgment - first acknowledgment), so process start-up is not
    counted; a run stopped by --max-seconds measured part of the backlog.
(b) Latency: nothing waiting, one `motcua sync run` as a service; this script makes `--rate` transitions
    per second (`lifecycle.transition(d, "assign")` on dossiers being processed, each a new version) for
    `--latency-seconds`; the latency of a version is its outbox item's `acknowledged_at - created_at`.

    python bench/bench_sync.py [--dossiers 100000] [--seconds 60] [--scenarios 1,4,1f,4f]
                               [--rate 50] [--latency-seconds 60] [--fresh] [--drop] [--json]

The database `benchsync` on 127.0.0.1:5432 is dropped and created by --fresh (and whenever it is missing),
and dropped at the end by --drop; the generated folder is kept in --work (default /tmp/motcua-bench-sync)
and reused. The stand-in runs without a state file (nothing written per request).
"""

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "benchsync"
SCENARIOS = {"1": (1, 0.0), "4": (4, 0.0), "1f": (1, 0.2), "4f": (4, 0.2)}


def psql(sql: str) -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAqc", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def motcua(*args, env) -> None:
    subprocess.run([sys.executable, "-m", "motcua", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(args) -> dict:
    """The benchmark's environment: the database filled with `--dossiers` imported dossiers."""
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MOTCUA_VAR_DIR=str(work / "var"), DATABASE_URL=f"{PG_SERVER}/{PG_NAME}",
               DJANGO_SETTINGS_MODULE="motcua.settings")
    folder = work / f"demo-{args.dossiers}"
    if not (folder / "dossiers.jsonl").exists():
        started = time.perf_counter()
        motcua("generate_demo", str(folder), "--dossiers", str(args.dossiers), "--seed", "766",
               "--start", "2026-01-01", "--end", "2026-11-20", env=env)
        print(f"generated {args.dossiers:,} dossiers in {time.perf_counter() - started:.1f} s", flush=True)
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_NAME}'")
    if args.fresh or not exists:
        psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        psql(f"CREATE DATABASE {PG_NAME}")
        started = time.perf_counter()
        motcua("migrate", "-v0", env=env)
        motcua("import", str(folder), "--no-progress", env=env)
        print(f"migrated and imported {args.dossiers:,} dossiers in {time.perf_counter() - started:.1f} s",
              flush=True)
    os.environ.update(env)
    import django

    django.setup()
    return env


def everything_waits() -> int:
    """Every dossier's current version waits again; later versions of earlier runs are dropped."""
    from django.db import connection
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Cast, Concat
    from django.utils import timezone

    from motcua.dossiers.models import Dossier
    from motcua.dossiers.national import KIND
    from motcua.outbox.models import Item, State

    now = timezone.now()
    Dossier.objects.filter(synced_at__isnull=False).update(synced_at=None)
    Item.objects.filter(kind=KIND).delete()
    rows = (Dossier.objects.annotate(k=Concat("code", Value(":"), Cast(F("version") + 1, CharField())))
            .values_list("code", "k"))
    Item.objects.bulk_create([Item(kind=KIND, key=key, group=code, payload={}, created_at=now, next_attempt_at=now)
                              for code, key in rows.iterator(chunk_size=20000)], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE outbox_item")
        cursor.execute("VACUUM ANALYZE dossiers_dossier")
    return Item.objects.filter(kind=KIND, state=State.WAITING).count()


def nothing_waits() -> None:
    """Every version acknowledged (then the planner's statistics are brought up to date, as autovacuum would)."""
    from django.db import connection
    from django.utils import timezone

    from motcua.dossiers.national import KIND
    from motcua.outbox.models import Item, State

    Item.objects.filter(kind=KIND, state=State.WAITING).update(state=State.ACKNOWLEDGED, acknowledged_at=timezone.now(),
                                                                leased_until=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE outbox_item")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PostgresCPU:
    """CPU seconds used by the PostgreSQL server's processes while running: sampled twice a second, since a
    connection's backend exits with its worker."""

    def __init__(self):
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> dict[int, float]:
        found = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if (entry / "comm").read_text().strip() == "postgres":
                        found[int(entry.name)] = cpu_seconds(int(entry.name))
                except OSError:
                    pass
        return found

    def _run(self) -> None:
        while not self.done.wait(0.5):
            self.last.update(self._sample())

    def __enter__(self):
        self.first = self._sample()
        self.last = dict(self.first)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.last.update(self._sample())

    @property
    def seconds(self) -> float:
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())


def backlog(env, portal, workers: int, failure_rate: float, seconds: float) -> dict:
    from django.db.models import Max, Min

    from motcua.dossiers.national import KIND
    from motcua.outbox.models import Item, State

    waiting = everything_waits()
    portal.reset()
    if failure_rate:
        portal.faults([{"kind": "status", "status": 503, "rate": failure_rate, "times": -1}])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    standin = cpu_seconds(portal.pid)
    started = time.perf_counter()
    with PostgresCPU() as postgres:
        processes = [subprocess.Popen([sys.executable, "-m", "motcua", "sync", "run", "--until-idle", "--max-seconds",
                                       str(seconds)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL) for _ in range(workers)]
        codes = [process.wait() for process in processes]
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    standin_cpu, postgres_cpu_ = cpu_seconds(portal.pid) - standin, postgres.seconds
    done = Item.objects.filter(kind=KIND, state=State.ACKNOWLEDGED)
    window = done.aggregate(first=Min("acknowledged_at"), last=Max("acknowledged_at"))
    acknowledged = done.count()
    span = (window["last"] - window["first"]).total_seconds() if acknowledged > 1 else float("nan")
    state = portal.state()  # (every version it holds, too: tens of MB for 100,000)
    portal.clear()
    result = {
        "workers": workers, "failure_rate": failure_rate, "backlog": waiting, "acknowledged": acknowledged,
        "left_waiting": Item.objects.filter(kind=KIND, state=State.WAITING).count(),
        "failed": Item.objects.filter(kind=KIND, state=State.FAILED).count(),
        "delivery_seconds": round(span, 2), "versions_per_second": round(acknowledged / span, 1),
        "requests": state["requests"], "answered_503": state["requests"] - acknowledged - state["duplicates"],
        "duplicates": state["duplicates"], "rejected_older": state["rejected_older"],
        "requests_per_second": round(state["requests"] / span, 1), "wall_seconds": round(wall, 1),
        "exit_codes": codes, "cpu_seconds": {"workers": round(worker_cpu, 1), "standin": round(standin_cpu, 1),
                                             "postgres": round(postgres_cpu_, 1)},
    }
    result["full_backlog_minutes"] = round(waiting / result["versions_per_second"] / 60, 1)
    print(f"{workers} worker(s), {failure_rate:.0%} failures: {acknowledged:,} of {waiting:,} versions acknowledged "
          f"in {span:.1f} s = {result['versions_per_second']:,.1f} versions/s ({state['requests']:,} requests, "
          f"{result['answered_503']:,} answered 503, {state['duplicates']} duplicates, "
          f"{state['rejected_older']} older rejected); exit codes {codes}; CPU s: workers {worker_cpu:.1f}, "
          f"stand-in {standin_cpu:.1f}, PostgreSQL {postgres_cpu_:.1f} in {wall:.1f} s wall", flush=True)
    return result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def latency(env, portal, rate: float, seconds: float) -> dict:
    from django.db.models import F
    from django.utils import timezone

    from motcua.dossiers.constants import Status
    from motcua.dossiers.lifecycle import transition
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.national import KIND
    from motcua.outbox.models import Item, State

    nothing_waits()
    portal.reset()
    total = int(rate * seconds)
    # Dossiers being processed, loaded once (a transition keeps the object's status and version current);
    # with fewer than `total` of them, each is changed again every len(dossiers) / rate seconds.
    dossiers = list(Dossier.objects.filter(status=Status.PROCESSING).order_by("pk")[:total])
    if not dossiers:
        raise SystemExit("no dossier in processing to transition")
    worker = subprocess.Popen([sys.executable, "-m", "motcua", "sync", "run"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Warm up: the worker has started once it acknowledges a first change.
        first = transition(dossiers[0], "assign")
        key = f"{first.dossier.code}:{first.dossier.version + 1}"
        deadline = time.monotonic() + 60
        while not Item.objects.filter(kind=KIND, key=key, state=State.ACKNOWLEDGED).exists():
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not start")
            time.sleep(0.1)
        window_start = timezone.now()
        started = time.perf_counter()
        behind = 0.0
        for n in range(total):
            due = started + n / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            else:
                behind = max(behind, -pause)
            transition(dossiers[n % len(dossiers)], "assign")
        made = time.perf_counter() - started
        # Drain for at most as long again: a worker slower than the load never catches up.
        deadline = time.monotonic() + max(30.0, seconds)
        items = Item.objects.filter(kind=KIND, created_at__gte=window_start)
        while items.filter(state=State.WAITING).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    waits = [delta.total_seconds() for delta in
             items.filter(state=State.ACKNOWLEDGED).annotate(wait=F("acknowledged_at") - F("created_at"))
             .values_list("wait", flat=True)]
    acknowledged = len(waits)
    # A version still waiting counts with the time it has waited so far (the percentiles are then lower bounds).
    now = timezone.now()
    waits += [(now - created).total_seconds() for created in
              items.exclude(state=State.ACKNOWLEDGED).values_list("created_at", flat=True)]
    result = {
        "transitions": total, "dossiers": len(dossiers), "made_in_seconds": round(made, 1), "rate": round(total / made, 1),
        "most_behind_schedule_ms": round(behind * 1000, 1), "acknowledged": acknowledged,
        "not_acknowledged": len(waits) - acknowledged, "lower_bounds": len(waits) > acknowledged,
        "p50_ms": round(statistics.median(waits) * 1000), "p90_ms": round(percentile(waits, 0.9) * 1000),
        "p99_ms": round(percentile(waits, 0.99) * 1000), "max_ms": round(max(waits) * 1000),
        "mean_ms": round(statistics.fmean(waits) * 1000),
    }
    print(f"latency at {result['rate']} transitions/s for {made:.0f} s, one worker as a service: {acknowledged:,} "
          f"acknowledged{' (percentiles are lower bounds)' if result['lower_bounds'] else ''}, p50 {result['p50_ms']} ms, p90 {result['p90_ms']} ms, p99 {result['p99_ms']} ms, "
          f"max {result['max_ms']} ms (not acknowledged: {result['not_acknowledged']})", flush=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000, help="the backlog: dossiers never synced")
    parser.add_argument("--seconds", type=float, default=60, help="at most this long per backlog run")
    parser.add_argument("--scenarios", default="1,4,1f,4f",
                        help="backlog runs: workers, f = with 20%% transient failures (default 1,4,1f,4f)")
    parser.add_argument("--rate", type=float, default=50, help="transitions per second for the latency run")
    parser.add_argument("--latency-seconds", type=float, default=60, help="0 = no latency run")
    parser.add_argument("--work", default="/tmp/motcua-bench-sync")
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--json", action="store_true", help="print the results as JSON at the end")
    args = parser.parse_args(argv)
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {unknown}; choose from {', '.join(SCENARIOS)}")

    print(f"machine: {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
          f"PostgreSQL {psql('SHOW server_version')}; load average {os.getloadavg()[0]:.2f}", flush=True)
    env = prepare(args)
    from motcua.standins.process import StandinProcess

    results = {"dossiers": args.dossiers, "backlog": [], "latency": None}
    token = "bench-token"
    env.update(MOTCUA_NATIONAL_PORTAL_TOKEN=token, MOTCUA_NATIONAL_PORTAL_TIMEOUT="10")
    with StandinProcess(token=token) as portal:  # no state file: nothing written per request
        env["MOTCUA_NATIONAL_PORTAL_URL"] = portal.url
        for scenario in scenarios:
            workers, failure_rate = SCENARIOS[scenario]
            results["backlog"].append(backlog(env, portal, workers, failure_rate, args.seconds))
        if args.latency_seconds > 0:
            results["latency"] = latency(env, portal, args.rate, args.latency_seconds)
    results["load_average_end"] = round(os.getloadavg()[0], 2)
    if args.drop:
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
