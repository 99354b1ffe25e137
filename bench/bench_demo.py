"""Demo data throughput: generate N dossiers, then import them into a fresh SQLite database.

`motcua demo` must generate and import 200,000 dossiers in under 2 minutes on a 2-core machine, and the
import should reach 10,000 dossiers per second. This times the two steps separately in a temporary
MOTCUA_VAR_DIR and prints the headline proportions of the generated data.
Run: python bench/bench_demo.py [--dossiers 200000] [--seed 766] [--end 2026-11-22] [--keep]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time as clock
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rate(label, n, seconds, cpu):
    # CPU time too: on a shared machine the wall time also measures the neighbours.
    print(f"{label:<28} {n:>10,} in {seconds:7.2f} s = {n / seconds:>9,.0f} /s  (CPU {cpu:6.2f} s)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument("--end", default=None, help="last day of the data, YYYY-MM-DD (default today)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args(argv)

    var_dir = Path(tempfile.mkdtemp(prefix="motcua-bench-demo-"))
    os.environ["MOTCUA_VAR_DIR"] = str(var_dir)  # before Django reads its settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from motcua.demo.generator import CLOSE_OF_BUSINESS, generate, local_today, measure
    from motcua.demo.reference import load_reference
    from motcua.interchange.importer import import_folder
    from motcua.lib.workingtime import LOCAL_TZ

    end = date.fromisoformat(args.end) if args.end else local_today()

    try:
        t0 = clock.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        reference = load_reference()
        setup = clock.perf_counter() - t0
        print(f"migrate + load_reference          {setup:7.2f} s")

        folder = var_dir / "demo-data"
        t0, c0 = clock.perf_counter(), clock.process_time()
        counts = generate(folder, n=args.dossiers, seed=args.seed, end=end, reference=reference)
        generation = clock.perf_counter() - t0
        rate("generate", counts["dossiers"], generation, clock.process_time() - c0)

        t0, c0 = clock.perf_counter(), clock.process_time()
        result = import_folder(folder)
        importing = clock.perf_counter() - t0
        rate("import (validate + write)", result.counts["dossiers"], importing, clock.process_time() - c0)
        print(f"total (setup + generate + import) {setup + generation + importing:7.2f} s")
        print(f"target: import ≥ 10,000 /s: {'OK' if counts['dossiers'] / importing >= 10_000 else 'BELOW TARGET'}; "
              f"all < 120 s: {'OK' if setup + generation + importing < 120 else 'BELOW TARGET'}")

        summary = measure(folder, datetime.combine(end, CLOSE_OF_BUSINESS, LOCAL_TZ))
        print("proportions:", ", ".join(f"{k} {v:.1%}" for k, v in summary["rates"].items()))
        t = summary["totals"]
        print(f"feedback {counts['feedback']:,}; in progress {t['in_progress']:,} (overdue {t['overdue']:,}); "
              f"refused {t['refused']:,}, withdrawn {t['withdrawn']:,}, stopped {t['stopped']:,}")
        names = {u["code"]: u["name"] for u in reference.units}
        worst = sorted(summary["by_unit"].items(), key=lambda kv: (-kv[1][1] / kv[1][0], kv[0]))[:8]
        print("most late per dossier:", "; ".join(f"{names[c]} {late / n:.1%}" for c, (n, late) in worst))
    finally:
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
