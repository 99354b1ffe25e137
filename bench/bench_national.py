"""The national index over generated data: every province and unit of one year, by DuckDB (or Spark).

    .venv/bin/python bench/bench_national.py --dossiers 10000000 --folder /work/bench-data/national-10m
    .venv/bin/python bench/bench_national.py --folder /work/bench-data/national-10m --engine spark
    .venv/bin/python bench/bench_national.py --folder /work/bench-data/national-10m --per-province

Generates the folder first if it holds no province (one Parquet folder per province, `generator`), then
times the national run (`nationwide.national_index`: each province's JSON with every department and
commune, and the ranking; by default in one scan of every province's dossiers, with --per-province two
queries per province as before), and prints the times and the peak memory (RSS of this process; Spark's JVM is
a child process and is reported apart). Results go to docs/benchmarks.md by hand.
"""

import argparse
import os
import resource
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django  # noqa: E402

django.setup()

from motcua.lib.workingtime import LOCAL_TZ  # noqa: E402
from motcua.national.generator import generate  # noqa: E402
from motcua.national.nationwide import national_index, province_folders, write_national  # noqa: E402


def peak_mib(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", required=True)
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--engine", default="duckdb", choices=("duckdb", "spark"))
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--per-province", action="store_true", help="query each province apart (no one scan)")
    parser.add_argument("--out", default=None, help="write national.json and units.parquet here")
    args = parser.parse_args()
    folder = Path(args.folder)
    if not folder.exists() or not province_folders(folder):
        started = time.perf_counter()
        generate(folder, args.dossiers, year=args.year,
                 progress=lambda name, n, s: print(f"  {name}: {n:,} dossiers, {s:.1f} s", flush=True))
        print(f"generated {args.dossiers:,} dossiers in {time.perf_counter() - started:.1f} s, "
              f"peak RSS {peak_mib():.0f} MiB", flush=True)
    # The whole year, evaluated at its end (a fixed now keeps runs comparable).
    now = datetime(args.year + 1, 1, 1, tzinfo=LOCAL_TZ)
    load = os.getloadavg()
    started = time.perf_counter()
    result = national_index(folder, args.engine, date(args.year, 1, 1), date(args.year, 12, 31), now=now,
                            one_scan=not args.per_province)
    elapsed = time.perf_counter() - started
    units = sum(len(r["units"]) for r in result["results"].values())
    mode = "per province" if args.per_province else "one scan"
    print(f"{args.engine} ({mode}): load average at start {load[0]:.2f}; national index of {len(result['provinces'])} provinces, {units:,} units in {elapsed:.1f} s; "
          f"peak RSS {peak_mib():.0f} MiB (children {peak_mib(resource.RUSAGE_CHILDREN):.0f} MiB)")
    print("top 3:", [(p["rank"], p["name"], p["total"]) for p in result["provinces"][:3]])
    if args.out:
        write_national(result, args.out)


if __name__ == "__main__":
    main()
