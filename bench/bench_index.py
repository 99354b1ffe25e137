"""The live 766 index on a large province: from-scratch build, warm queries, a live update, and the plain
Python recompute over the exported files, in one run.

Targets (issue 3), on 2,000,000 dossiers: the full index (province and every unit) for any period in at
most 100 ms warm; a from-scratch recompute in at most 5 s. Not timed tests: results go to
docs/benchmarks.md with the machine they were measured on.

    python bench/bench_index.py [--dossiers 2000000] [--seed 766] [--database sqlite|postgres]
                                [--work DIR] [--runs 7] [--no-plain]

The demo folder (`motcua generate_demo DIR --dossiers N --seed S`) and the imported database are kept in
--work (default var/bench-index) and reused by later runs. PostgreSQL uses the scratch database
`motcua_bench` on 127.0.0.1:5432 (created if missing). The plain recompute reads the files that
`motcua export` writes from that database.
"""

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "motcua_bench"


def motcua(*args, env) -> None:
    subprocess.run([sys.executable, "-m", "motcua", *args], cwd=ROOT, env=env, check=True)


def lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def prepare(args) -> tuple[dict, Path]:
    """The environment of the benchmark database (generated and imported if needed) and its folder."""
    work = Path(args.work).resolve()
    folder = Path(args.folder).resolve() if args.folder else work / f"demo-{args.dossiers}-{args.seed}"
    env = dict(os.environ)
    # Never the developer's own database: the benchmark's lives in the work folder unless --var-dir says.
    env["MOTCUA_VAR_DIR"] = str(Path(args.var_dir).resolve() if args.var_dir
                                else work / f"var-{args.database}-{args.dossiers}-{args.seed}")
    if args.database == "postgres":
        exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc",
                                 f"SELECT 1 FROM pg_database WHERE datname = '{PG_NAME}'"],
                                check=True, capture_output=True, text=True).stdout.strip()
        if not exists:
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_NAME], check=True)
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    else:
        env.pop("DATABASE_URL", None)
    if not (folder / "dossiers.jsonl").exists() or lines(folder / "dossiers.jsonl") != args.dossiers:
        started = time.perf_counter()
        motcua("generate_demo", str(folder), "--dossiers", str(args.dossiers), "--seed", str(args.seed), env=env)
        print(f"generated {args.dossiers:,} dossiers in {time.perf_counter() - started:.0f} s", flush=True)
    motcua("migrate", "-v0", env=env)
    os.environ.update(env)
    if args.database != "postgres":
        os.environ.pop("DATABASE_URL", None)
    return env, folder


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    import numpy

    return {"date": date.today().isoformat(), "cpus": os.cpu_count(), "cpu": model,
            "ram_gb": round(memory / 1024 / 1024, 1), "python": platform.python_version(),
            "numpy": numpy.__version__, "load_average": os.getloadavg()}


def timed(function, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def periods(today: date) -> dict[str, tuple[date, date]]:
    """The last complete week, month and quarter before today, and the last complete year."""
    monday = today - timedelta(days=today.weekday() + 7)
    month_end = today.replace(day=1) - timedelta(days=1)
    quarter_start_month = 3 * ((today.month - 1) // 3) + 1
    quarter_end = date(today.year, quarter_start_month, 1) - timedelta(days=1)
    quarter_start = date(quarter_end.year, 3 * ((quarter_end.month - 1) // 3) + 1, 1)
    return {"week": (monday, monday + timedelta(days=6)), "month": (month_end.replace(day=1), month_end),
            "quarter": (quarter_start, quarter_end), "year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
            "year to date": (date(today.year, 1, 1), today)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-index"))
    parser.add_argument("--folder", help="an existing demo folder to use (default: WORK/demo-N-SEED)")
    parser.add_argument("--var-dir", help="MOTCUA_VAR_DIR of an existing SQLite database to use")
    parser.add_argument("--export", help="an existing `motcua export` of the benchmark database to read")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-plain", action="store_true", help="skip the plain Python recompute")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    env, folder = prepare(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.db import transaction

    from motcua.dossiers.constants import Status
    from motcua.dossiers.lifecycle import transition
    from motcua.dossiers.models import Dossier
    from motcua.indicators import live
    from motcua.indicators.compute import compute
    from motcua.indicators.records import read_folder
    from motcua.indicators.rules import load_ruleset
    from motcua.interchange.importer import import_folder
    from motcua.lib.workingtime import LOCAL_TZ

    results = {"machine": machine(), "database": args.database, "dossiers": args.dossiers, "seed": args.seed}
    count = Dossier.objects.count()
    if count != args.dossiers:
        if count:
            sys.exit(f"the benchmark database holds {count:,} dossiers, not {args.dossiers:,}: remove it first")
        started = time.perf_counter()
        import_folder(folder)
        print(f"imported in {time.perf_counter() - started:.0f} s", flush=True)
    from django.db import connection

    results["database_version"] = (f"SQLite {connection.Database.sqlite_version}" if connection.vendor == "sqlite"
                                   else f"PostgreSQL {connection.pg_version}")
    print(json.dumps(results["machine"]), results["database_version"], flush=True)

    engine = live.engine()
    # -- from scratch: read every row of the database and build the columns -----------------------------
    builds = []
    for _ in range(3):
        engine.reset()
        gc.collect()
        started = time.perf_counter()
        engine.rebuild()
        builds.append({"total_s": time.perf_counter() - started, "read_s": engine.last_refresh["read_s"]})
        print(f"from-scratch build: {builds[-1]['total_s']:.2f} s (read {builds[-1]['read_s']:.2f} s)", flush=True)
    results["build"] = builds
    columns = sum(getattr(block, name).nbytes for block in (engine.main, engine.loose) for name in block.COLUMNS)
    waits = sum(getattr(block.waits, name).nbytes for block in (engine.main, engine.loose)
                for name in (*block.waits.SCALARS, *block.waits.FLAT, "offset"))
    results["memory"] = {"columns_mb": (columns + waits + engine.main.sort_key.nbytes) / 2**20,
                         "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    print(f"columns in memory: {results['memory']['columns_mb']:.0f} MB; peak RSS so far "
          f"{results['memory']['peak_rss_mb']:.0f} MB", flush=True)

    now = datetime.now(LOCAL_TZ)
    chosen = periods(now.date())
    results["periods"] = {}
    first = True
    for name, (date_from, date_to) in chosen.items():
        started = time.perf_counter()
        engine.index_json(date_from, date_to, now=now)
        cold = time.perf_counter() - started
        times, result = timed(lambda f=date_from, t=date_to: engine.index_json(f, t, now=now), args.runs)
        results["periods"][name] = {"from": date_from.isoformat(), "to": date_to.isoformat(),
                                    "units": len(result["units"]), "first_s": cold, "median_s": statistics.median(times),
                                    "min_s": min(times), "max_s": max(times)}
        print(f"{name:12s} {date_from}..{date_to}: median {statistics.median(times) * 1000:6.1f} ms "
              f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, first {cold * 1000:.1f}) "
              f"{len(result['units'])} units", flush=True)
        if first:
            # from scratch, query included: what a process that just started pays
            engine.reset()
            started = time.perf_counter()
            engine.index_json(date_from, date_to, now=now)
            results["build_and_first_query_s"] = time.perf_counter() - started
            first = False

    # -- a dossier event, then the next call -----------------------------------------------------------
    date_from, date_to = chosen["month"]
    engine.index_json(date_from, date_to, now=now)
    with transaction.atomic():
        dossier = Dossier.objects.filter(status=Status.PROCESSING).order_by("-received_at").first()
        started = time.perf_counter()
        transition(dossier, "resolve", at=now)
        written = time.perf_counter()
        engine.index_json(date_from, date_to, now=now)
        done = time.perf_counter()
        results["live_update"] = {"transition_s": written - started, "next_call_s": done - written,
                                  "refresh": engine.last_refresh}
        print(f"live update: transition {1000 * (written - started):.1f} ms, next full index "
              f"{1000 * (done - written):.1f} ms ({engine.last_refresh})", flush=True)
        transaction.set_rollback(True)
    engine.reset()  # the columns saw the rolled-back change

    # -- plain Python over the exported files ----------------------------------------------------------
    if not args.no_plain:
        exported = (Path(args.export).resolve() if args.export
                    else Path(args.work).resolve() / f"export-{args.database}-{args.dossiers}-{args.seed}")
        if not (exported / "dossiers.jsonl").exists():
            started = time.perf_counter()
            motcua("export", str(exported), env=env)
            print(f"exported in {time.perf_counter() - started:.0f} s", flush=True)
        gc.collect()
        started = time.perf_counter()
        def due_for(d):  # only for dossiers whose due time the import computed (none in the demo)
            return Dossier.objects.get(code=d.code).due_at

        record = read_folder(exported, due_for=due_for)
        read_s = time.perf_counter() - started
        print(f"plain: read_folder {read_s:.1f} s", flush=True)
        ruleset = load_ruleset()
        plain = {}
        for name in ("week", "year"):
            date_from, date_to = chosen[name]
            started = time.perf_counter()
            expected = compute(record, ruleset, date_from, date_to, now=now)
            compute_s = time.perf_counter() - started
            got = engine.index_json(date_from, date_to, now=now)
            plain[name] = {"compute_s": compute_s, "identical": got == expected,
                           "ratio_to_live_warm": (read_s + compute_s) / results["periods"][name]["median_s"],
                           "compute_ratio_to_live_warm": compute_s / results["periods"][name]["median_s"]}
            print(f"plain {name}: compute {compute_s:.1f} s, read + compute {read_s + compute_s:.1f} s = "
                  f"{plain[name]['ratio_to_live_warm']:,.0f} × the live warm query; identical: "
                  f"{plain[name]['identical']}", flush=True)
        results["plain"] = {"read_s": read_s, "periods": plain}

    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
