"""Import throughput: `motcua import` of N dossiers into a fresh SQLite or PostgreSQL database.

Target (issue 2): at least 10,000 dossiers per second on both, measured with 1,000,000 dossiers.
The folder is generated once (deterministic, seed 766) and kept in --folder for later runs.
Run: python bench/bench_import.py [--dossiers 1000000] [--database sqlite|postgres|both]
PostgreSQL: a scratch database `motcua_bench_import` is dropped and created on 127.0.0.1:5432.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "motcua_bench_import"


def motcua(*args, env):
    return subprocess.run([sys.executable, "-m", "motcua", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)


def ensure_folder(folder: Path, dossiers: int, env) -> None:
    if (folder / "dossiers.jsonl").exists():
        with (folder / "dossiers.jsonl").open("rb") as handle:
            if sum(1 for _ in handle) == dossiers:
                return
    started = time.perf_counter()
    motcua("generate_demo", str(folder), "--dossiers", str(dossiers), "--seed", "766", "--end", "2026-11-20",
           env=env)
    print(f"generated {dossiers:,} dossiers in {time.perf_counter() - started:.1f} s")


def run(database: str, folder: Path, dossiers: int) -> float:
    env = dict(os.environ)
    var_dir = Path(tempfile.mkdtemp(prefix=f"motcua-bench-import-{database}-"))
    env["MOTCUA_VAR_DIR"] = str(var_dir)
    if database == "postgres":
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c",
                        f"DROP DATABASE IF EXISTS {PG_NAME}"], check=True)
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c",
                        f"CREATE DATABASE {PG_NAME}"], check=True)
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    else:
        env.pop("DATABASE_URL", None)
    motcua("migrate", "-v0", env=env)
    started = time.perf_counter()
    motcua("import", str(folder), "--no-progress", env=env)
    seconds = time.perf_counter() - started
    print(f"{database:<9} imported {dossiers:,} dossiers in {seconds:6.1f} s = {dossiers / seconds:>8,.0f} /s")
    return dossiers / seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--folder", default=None, help="where the generated folder is kept")
    args = parser.parse_args(argv)
    folder = Path(args.folder or Path(tempfile.gettempdir()) / f"motcua-bench-{args.dossiers}")
    env = dict(os.environ, MOTCUA_VAR_DIR=str(Path(tempfile.gettempdir()) / "motcua-bench-gen"))
    ensure_folder(folder, args.dossiers, env)
    for database in (["sqlite", "postgres"] if args.database == "both" else [args.database]):
        run(database, folder, args.dossiers)


if __name__ == "__main__":
    main()
