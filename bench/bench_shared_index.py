"""The index shared by web processes (issue 12 point 6): a snapshot built once and mapped by every worker.

Targets, on 2,000,000 dossiers: a fresh web process answers its first index request in under 1 s; a
year's index in at most 20 ms; memory that does not grow with the number of workers.

    python bench/bench_shared_index.py --database-url postgres://postgres@127.0.0.1:5432/COPY
                                       [--var-dir DIR] [--workers 1,2,4] [--runs 30] [--json FILE]

Use a copy of the benchmark database (`createdb -T motcua_2m COPY`): only change stamps are written to it
(the runs "after a change" stamp one random dossier each, as a transition does, without changing it); the
snapshot folder under --var-dir (default var/bench-shared) is emptied first so that the first build is
measured. In this process: the first build (read every row, publish the snapshot), a fresh process
mapping it (a subprocess), and the warm year query computed (the answer cache bypassed) and repeated
(served from the cache), and the year (2025, closed, and the current year, t = now) right after a
committed change. Then `motcua serve` with each number of workers: the year query over HTTP,
each worker's PSS (/proc/<pid>/smaps_rollup), and with one worker the first answer of the worker gunicorn
starts after the old one is killed.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = (date(2025, 1, 1), date(2025, 12, 31))

_FRESH = """
import json, sys, time
started = time.perf_counter()
import django
django.setup()
from datetime import date
from motcua.indicators import live, service
ready = time.perf_counter()
service.index_json(date(2025, 1, 1), date(2025, 12, 31))
answered = time.perf_counter()
service.index_json(date(2025, 1, 1), date(2025, 12, 31))
print(json.dumps({"django_s": ready - started, "first_index_s": answered - ready,
                  "refresh": live.engine().last_refresh}))
"""


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50_ms": round(1000 * statistics.median(ordered), 2),
            "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
            "min_ms": round(1000 * ordered[0], 2), "runs": len(ordered)}


def in_process(args, env) -> dict:
    os.environ.update(env)
    import gc

    import django

    django.setup()
    from motcua.indicators import live, service

    live.prepare_process()
    gc.freeze()  # as `motcua serve` does in gunicorn's master (motcua/wsgi.py)

    results = {}
    engine = live.engine()
    started = time.perf_counter()
    service.index_json(*YEAR)
    results["first_build_s"] = round(time.perf_counter() - started, 3)
    results["first_build"] = engine.last_refresh

    fresh = subprocess.run([sys.executable, "-c", _FRESH], env=env, cwd=ROOT, capture_output=True, text=True,
                           check=True)
    results["fresh_process"] = json.loads(fresh.stdout.strip().splitlines()[-1])

    computed, stages = [], {"counted": [], "summed": [], "procedures": [], "scoring": []}
    for _ in range(args.runs):
        engine.version += 1  # a new key: the answer is computed, as after a change
        started = time.perf_counter()
        service.index_json(*YEAR)
        computed.append(time.perf_counter() - started)
    results["year_computed"] = percentiles(computed)
    _stages(engine, stages, args.runs)
    results["year_stages_p50_ms"] = {name: round(1000 * statistics.median(v), 2) for name, v in stages.items()}
    cached = []
    for _ in range(args.runs):
        started = time.perf_counter()
        service.index_json(*YEAR)
        cached.append(time.perf_counter() - started)
    results["year_cached"] = percentiles(cached)
    this_year = date.today().year
    results["year_after_change"] = _after_changes(YEAR, args.runs)
    service.index_json(date(this_year, 1, 1), date(this_year, 12, 31))
    results["this_year_after_change"] = _after_changes((date(this_year, 1, 1), date(this_year, 12, 31)), args.runs)
    return results


def _stages(engine, stages: dict, runs: int) -> None:
    """Where a computed year query spends its time."""
    import numpy as np

    from motcua.indicators import columnar
    from motcua.indicators.live import cached_ruleset
    from motcua.indicators.populations import DossierFacts
    from motcua.lib.periods import Period

    ruleset = cached_ruleset("qd766")
    selectors = engine._selector(ruleset, "dossier", DossierFacts)
    catalog = engine.catalog
    shown = catalog.tree.shown(catalog.tree.root)
    shown_at = np.array([catalog.position_of_code[u.code] for u in shown], dtype=np.int64)
    scorer = engine._scorer(ruleset)
    for _ in range(runs):
        p = columnar.PeriodTicks(Period.of(*YEAR))
        t0 = time.perf_counter()
        with engine.lock:
            dossier_n, dossier_d, own = engine._counted(selectors, p)
        t1 = time.perf_counter()
        own_n, own_d = engine._summed_counts(ruleset, dossier_n, dossier_d, p)
        t2 = time.perf_counter()
        n, d = engine._procedure_counts(ruleset, own, p, shown_at)
        t3 = time.perf_counter()
        numerators = (catalog.ancestors[shown_at].astype(np.float64) @ own_n + n).astype(np.int64)
        denominators = (catalog.ancestors[shown_at].astype(np.float64) @ own_d + d).astype(np.int64)
        [scorer.scores(unit, numerators[i].tolist(), denominators[i].tolist()) for i, unit in enumerate(shown)]
        t4 = time.perf_counter()
        for name, span in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            stages[name].append(span)


def _after_changes(period, runs: int) -> dict:
    """The index of `period` computed right after a committed change of one random dossier each time (its
    stamp: the engine re-reads it, moves its old row to the void unit and re-judges it)."""
    import random

    from django.db import transaction

    from motcua.changes import tracking as changes
    from motcua.dossiers.models import Dossier
    from motcua.indicators import service

    ids = list(Dossier.objects.order_by("?").values_list("id", flat=True)[:runs])
    rnd = random.Random(766)
    times = []
    for pk in rnd.sample(ids, len(ids)):
        with transaction.atomic():
            changes.dossiers_changed([pk])
        started = time.perf_counter()
        service.index_json(*period)
        times.append(time.perf_counter() - started)
    return percentiles(times)


def _get(url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
    return time.perf_counter() - started, body


def _workers(master: int) -> list[int]:
    out = subprocess.run(["ps", "--ppid", str(master), "-o", "pid="], capture_output=True, text=True).stdout
    return sorted(int(x) for x in out.split())


def _memory(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value)
    return {"pss_mb": round(fields["Pss"] / 1024, 1), "rss_mb": round(fields["Rss"] / 1024, 1),
            "private_mb": round((fields["Private_Clean"] + fields["Private_Dirty"]) / 1024, 1)}


def served(args, env, workers: int, port: int) -> dict:
    log = open(Path(args.var_dir) / f"serve-{workers}.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "motcua", "serve", "--workers", str(workers),
                               "--bind", f"127.0.0.1:{port}"], env=env, cwd=ROOT, stdout=log, stderr=log,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/api/v1/index?from={YEAR[0]}&to={YEAR[1]}"
    try:
        started = time.perf_counter()
        while True:
            try:  # a 400 (no period asked): the workers are up, and no index was touched yet
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/index", timeout=120)
            except urllib.error.HTTPError:
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 300:
                    raise RuntimeError(f"motcua serve did not answer; see {log.name}") from None
                time.sleep(0.2)
        up = time.perf_counter() - started
        time.sleep(2)
        before = {str(pid): _memory(pid) for pid in _workers(server.pid)}
        first, _ = _get(url)
        result = {"workers": workers, "up_s": round(up, 2), "first_index_request_s": round(first, 3),
                  "memory_before_index": before}
        for _ in range(4 * workers):  # every worker maps the snapshot and answers once
            _get(url)
        times = [_get(url)[0] for _ in range(args.runs)]
        result["year_http"] = percentiles(times)
        if args.concurrency:
            result["concurrent"] = _concurrent(port, args.concurrency, args.concurrent_seconds)
        pids = _workers(server.pid)
        result["memory"] = {str(pid): _memory(pid) for pid in pids}
        result["pss_total_mb"] = round(sum(m["pss_mb"] for m in result["memory"].values()), 1)
        result["master"] = _memory(server.pid)  # gunicorn's master (the `motcua serve` process, exec'd)
        result["pss_total_before_index_mb"] = round(sum(m["pss_mb"] for m in before.values()), 1)
        if workers == 1:
            old = pids[0]
            os.kill(old, signal.SIGKILL)
            killed = time.perf_counter()
            while True:
                current = [p for p in _workers(server.pid) if p != old]
                if current:
                    break
                time.sleep(0.01)
            spawned = time.perf_counter()
            while True:
                try:
                    answer, _ = _get(url)
                    break
                except OSError:
                    time.sleep(0.02)
            result["replacement"] = {"spawned_after_s": round(spawned - killed, 3),
                                     "first_answer_after_kill_s": round(time.perf_counter() - killed, 3),
                                     "first_request_s": round(answer, 3)}
        return result
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def _concurrent(port: int, connections: int, seconds: float) -> dict:
    """`connections` clients asking, back to back for `seconds`, the index of the current year (t = now: each
    answer is computed, none served from the answer cache) and of the last week: answers/s and latency."""
    from concurrent.futures import ThreadPoolExecutor

    today = date.today()
    urls = [f"http://127.0.0.1:{port}/api/v1/index?from={today.year}-01-01&to={today.year}-12-31",
            f"http://127.0.0.1:{port}/api/v1/index?from={today.fromordinal(today.toordinal() - 6)}&to={today}"]
    found = {}
    for url in urls:
        deadline = time.perf_counter() + seconds

        def client(_, url=url, deadline=deadline):
            times, failed = [], 0
            while time.perf_counter() < deadline:
                try:
                    times.append(_get(url)[0])
                except OSError:
                    failed += 1
            return times, failed

        started = time.perf_counter()
        with ThreadPoolExecutor(connections) as pool:
            answers = list(pool.map(client, range(connections)))
        elapsed = time.perf_counter() - started
        times = [t for part, _ in answers for t in part]
        found["year" if "12-31" in url else "week"] = {
            "connections": connections, "answers_per_s": round(len(times) / elapsed, 1),
            "failed": sum(f for _, f in answers), **percentiles(times)}
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "bench-shared"))
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--concurrency", type=int, default=0,
                        help="also: this many clients at once for --concurrent-seconds (the current year and week)")
    parser.add_argument("--concurrent-seconds", type=float, default=20)
    args = parser.parse_args()
    var = Path(args.var_dir).resolve()
    shutil.rmtree(var / "index", ignore_errors=True)
    var.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=args.database_url, MOTCUA_VAR_DIR=str(var),
               DJANGO_SETTINGS_MODULE="motcua.settings", MOTCUA_API_RATE="")
    results = {"date": datetime.now().isoformat(timespec="seconds"), "load": os.getloadavg(),
               "in_process": in_process(args, env)}
    print(json.dumps(results["in_process"], indent=1), flush=True)
    results["served"] = []
    for n in (int(x) for x in args.workers.split(",")):
        results["served"].append(served(args, env, n, args.port))
        print(json.dumps(results["served"][-1], indent=1), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
