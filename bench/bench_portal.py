"""The citizen portal under load (issue 9, "Measured"): 100 signed-in citizens against the real server, with
200,000 dossiers in the database; p50/p95/p99 and errors per page.

1. The database (PostgreSQL `bench_portal` on 127.0.0.1:5432, or a SQLite file with --database sqlite) is
   made as `motcua demo --dossiers N --no-serve` makes it (migrate, reference, generate, import, demo
   logins), then `motcua forms load`; it is reused by later runs unless --fresh. The generator leaves the
   applicant's number empty; every dossier is given a random 12-digit one (as real dossiers all have one).
2. --users citizens (User named by a 12-digit identity number 019299xxxxxx, Membership CITIZEN, Citizen with
   population data, living in a commune that accepts the birth registration 1.001193), not through the
   identity provider: each is signed in by a session made server-side (SessionStore with Django's auth keys
   and `signed_in_at`), whose cookie the locust user sends. Citizen i owns i % 7 of the generated dossiers
   (their applicant number set to his), so "my dossiers" and the dossier page have content; the dossiers
   that an earlier run submitted are given to somebody else first, so every run starts with the same pages.
3. The server: gunicorn (the `bench` extra) with --workers x --threads, or Django's runserver
   (--server runserver), DEBUG off, on 127.0.0.1:--port.
4. locust headless (bench/locustfile_portal.py): --users, --spawn-rate, --run-time, statistics reset once
   every user is running; the task mix is in the locustfile. Per page: requests, failures, p50/p95/p99,
   and the CPU seconds of the server, PostgreSQL and locust during the run.
5. Where the time goes (--no-profile to skip): each page requested in this process through Django's test
   client (no HTTP, one at a time): median time, SQL queries and their time, the slowest query, and
   PostgreSQL's plan of the "my dossiers" query.

    python bench/bench_portal.py [--dossiers 200000] [--users 100] [--spawn-rate 20] [--run-time 120s]
                                 [--wait 1,3] [--server gunicorn|runserver] [--workers 5] [--threads 1]
                                 [--database postgres|sqlite] [--fresh] [--drop] [--json]
"""

import argparse
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "bench_portal"
BIRTH = "1.001193"
ID_PREFIX = "019299"  # the benchmark's citizens: 019299000000, 019299000001, ...
PAGES = ["catalog", "catalog ?q=", "procedure page", "apply (open/resume draft)", "draft form", "autosave",
         "submit", "my dossiers", "dossier page", "public look-up"]


def psql(sql: str) -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAqc", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def motcua(*args, env) -> None:
    subprocess.run([sys.executable, "-m", "motcua", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def prepare(args) -> dict:
    """The environment of the server and of this process, with the database made (or reused)."""
    work = Path(args.work)
    (work / "var").mkdir(parents=True, exist_ok=True)
    if args.database == "postgres":
        url = f"{PG_SERVER}/{PG_NAME}"
        exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_NAME}'")
        if args.fresh or not exists:
            psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
            psql(f"CREATE DATABASE {PG_NAME}")
            exists = ""
    else:
        path = work / "var" / "bench_portal.sqlite3"
        url = f"sqlite:///{path}"
        if args.fresh:
            for extra in ("", "-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
        exists = path.exists()
    env = dict(os.environ, MOTCUA_VAR_DIR=str(work / "var"), DATABASE_URL=url, DJANGO_SETTINGS_MODULE="motcua.settings",
               MOTCUA_DEBUG="0")
    if not exists:
        started = time.perf_counter()
        motcua("demo", "--dossiers", str(args.dossiers), "--seed", "766", "--no-serve", env=env)
        print(f"motcua demo --dossiers {args.dossiers:,} --no-serve: {time.perf_counter() - started:.1f} s", flush=True)
    motcua("migrate", "--noinput", env=env)  # a database kept from an earlier run gets the newer migrations
    motcua("forms", "load", env=env)
    os.environ.update(env)
    import django

    django.setup()
    return env


def give_applicant_numbers() -> int:
    """Every dossier without an applicant number gets a random one (006 + 9 digits, never a benchmark
    citizen's), in one statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE dossiers_dossier SET applicant_id_number = '006' || "
                           "lpad(floor(random() * 1000000000)::bigint::text, 9, '0') WHERE applicant_id_number = ''")
        else:
            cursor.execute("UPDATE dossiers_dossier SET applicant_id_number = '006' || "
                           "printf('%09d', abs(random()) % 1000000000) WHERE applicant_id_number = ''")
        changed = cursor.rowcount
        if changed and connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE dossiers_dossier")
    return changed


def make_citizens(n: int, seed: int = 766) -> list[dict]:
    """The benchmark's citizens (made once, kept), each with i % 7 generated dossiers of his own."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from motcua.applications.drafts import competent_units
    from motcua.catalog.models import Procedure
    from motcua.citizens.models import Citizen
    from motcua.core.models import Membership, Role
    from motcua.dossiers.models import Dossier

    User = get_user_model()
    units = list(competent_units(Procedure.objects.get(code=BIRTH)))
    rng = random.Random(seed)
    free = list(Dossier.objects.exclude(applicant_id_number__startswith=ID_PREFIX).values_list("pk", flat=True)
                .order_by("pk"))
    rng.shuffle(free)
    citizens = []
    with transaction.atomic():
        for i in range(n):
            identifier = f"{ID_PREFIX}{i:06d}"
            unit = units[i % len(units)]
            user, _ = User.objects.get_or_create(username=identifier, defaults={"first_name": f"Công dân {i}"})
            if user.has_usable_password() or not user.password:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Membership.objects.update_or_create(user=user, defaults={"role": Role.CITIZEN, "unit": None,
                                                                     "full_name": f"Nguyễn Văn Thử {i}"})
            Citizen.objects.update_or_create(user=user, defaults={
                "subject": f"bench-{identifier}", "id_number": identifier, "full_name": f"Nguyễn Văn Thử {i}",
                "birth_date": "1990-03-14", "sex": "Nam", "commune_code": unit.code, "household_code": f"HK{i:08d}",
                "permanent_address": f"Tổ {i % 20 + 1}, {unit.name}, tỉnh Thái Nguyên", "phone": f"09{i:08d}",
                "email": f"congdan{i}@example.vn"})
            own = list(Dossier.objects.filter(applicant_id_number=identifier).order_by("received_at", "pk")
                       .values_list("pk", flat=True))
            if len(own) < i % 7:
                take, free = free[: i % 7 - len(own)], free[i % 7 - len(own):]
                Dossier.objects.filter(pk__in=take).update(applicant_id_number=identifier)
            for pk in own[i % 7:]:  # what earlier runs submitted goes to somebody else: every run starts alike
                Dossier.objects.filter(pk=pk).update(applicant_id_number=f"006{rng.randrange(10 ** 9):09d}")
            citizens.append({"identifier": identifier, "user": user.pk, "unit": str(unit.pk)})
    return citizens


def sign_in(citizens: list[dict]) -> None:
    """A session per citizen, made as the sign-in's callback leaves it (auth keys and `signed_in_at`)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from motcua.dossiers.models import Dossier

    users = get_user_model().objects.in_bulk([c["user"] for c in citizens])
    for citizen in citizens:
        user = users[citizen["user"]]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["signed_in_at"] = timezone.now().isoformat()
        session.create()
        citizen["session"] = session.session_key
        citizen["dossiers"] = list(Dossier.objects.filter(applicant_id_number=citizen["identifier"])
                                   .values_list("code", flat=True))


def scenario(citizens: list[dict], seed: int = 766) -> dict:
    """What the locust users read: their citizens, the procedures, and (code, last 4 digits) to look up."""
    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier

    rng = random.Random(seed)
    own = [(code, c["identifier"][-4:]) for c in citizens for code in c["dossiers"]]
    others = list(Dossier.objects.exclude(applicant_id_number__startswith=ID_PREFIX)
                  .values_list("code", "applicant_id_number").order_by("?")[:300])
    lookups = own + [(code, number[-4:]) for code, number in others]
    rng.shuffle(lookups)
    return {"citizens": citizens, "procedures": list(Procedure.objects.values_list("code", flat=True)),
            "lookups": lookups}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ProcessCPU:
    """CPU seconds per group of processes (server, postgres, locust) during a run, sampled twice a second
    (processes that come and go are counted up to their last sample)."""

    def __init__(self, groups: dict[str, set[int]]):
        self.roots = groups
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.group: dict[int, str] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> dict[int, float]:
        parents, names = {}, {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                    names[int(entry.name)] = (entry / "comm").read_text().strip()
                except (OSError, IndexError, ValueError):
                    pass
        found = {}
        for pid in parents:
            group, cursor = None, pid
            if names.get(pid) == "postgres":
                try:  # this database's backends only: other databases on the server are other work
                    if f" {PG_NAME} ".encode() in (Path("/proc") / str(pid) / "cmdline").read_bytes():
                        group = "postgres"
                except OSError:
                    pass
                if group is None:
                    continue
            while group is None and cursor > 1:
                group = next((g for g, roots in self.roots.items() if cursor in roots), None)
                cursor = parents.get(cursor, 0)
            if group:
                try:
                    found[pid] = cpu_seconds(pid)
                    self.group[pid] = group
                except OSError:
                    pass
        return found

    def _run(self):
        while not self.done.wait(0.5):
            self.last.update(self._sample())

    @staticmethod
    def machine() -> float:
        """CPU seconds the whole machine has been busy (every process, every core), from /proc/stat."""
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")

    def __enter__(self):
        self.machine_first = self.machine()
        self.first = self._sample()
        self.last = dict(self.first)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.last.update(self._sample())
        self.machine_last = self.machine()

    def seconds(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for pid, value in self.last.items():
            group = self.group[pid]
            totals[group] = totals.get(group, 0.0) + value - self.first.get(pid, 0.0)
        totals["other processes"] = self.machine_last - self.machine_first - sum(totals.values())
        return totals


def start_server(args, env) -> subprocess.Popen:
    address = f"127.0.0.1:{args.port}"
    if args.server == "gunicorn":
        command = [str(Path(sys.executable).parent / "gunicorn"), "motcua.wsgi:application", "--bind", address,
                   "--workers", str(args.workers), "--threads", str(args.threads), "--backlog", "2048",
                   "--log-level", "warning"]
    else:
        command = [sys.executable, "-m", "motcua", "runserver", address, "--noreload", "--insecure"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://{address}/dich-vu-cong/", timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        stop(server)
        raise SystemExit("the server did not answer in 60 s")
    # Every worker loads its templates and URL patterns before the clock starts.
    for _ in range(4 * args.workers):
        for path in ("/dich-vu-cong/", "/dich-vu-cong/?q=khai+sinh", f"/dich-vu-cong/thu-tuc/{BIRTH}/"):
            urllib.request.urlopen(f"http://{address}{path}", timeout=30).read()
    return server


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_locust(args, env, data_file: Path, server: subprocess.Popen) -> tuple[list[dict], list[dict], dict]:
    prefix = Path(args.work) / "locust"
    for old in Path(args.work).glob("locust_*.csv"):
        old.unlink()
    command = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile_portal.py"),
               "--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
               "--run-time", args.run_time, "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix),
               "--reset-stats", "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]
    locust_env = dict(env, BENCH_PORTAL_DATA=str(data_file), BENCH_PORTAL_WAIT=args.wait)
    started = time.perf_counter()
    with open(Path(args.work) / "locust.log", "w") as log:
        runner = subprocess.Popen(command, cwd=ROOT, env=locust_env, stdout=log, stderr=subprocess.STDOUT)
        with ProcessCPU({"server": {server.pid}, "locust": {runner.pid}}) as cpu:
            runner.wait()
    wall = time.perf_counter() - started
    import csv

    with open(f"{prefix}_stats.csv") as f:
        stats = list(csv.DictReader(f))
    with open(f"{prefix}_failures.csv") as f:
        failures = list(csv.DictReader(f))
    return stats, failures, {"wall_s": round(wall, 1), "cpu_s": {k: round(v, 1) for k, v in cpu.seconds().items()}}


def profile_pages(data: dict, rounds: int = 15) -> dict:
    """Each page through Django's test client in this process, one request at a time: median time, the
    number of SQL queries and their summed time, and the slowest query; and PostgreSQL's plan of the
    "my dossiers" query."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from motcua.dossiers.models import Dossier

    me = max(data["citizens"], key=lambda c: len(c["dossiers"]))
    client = Client()
    client.cookies["sessionid"] = me["session"]
    code, digits = data["lookups"][0]
    answers = {"relationship": "Mẹ", "child_name": "Nguyễn Minh Khôi", "child_sex": "Nam",
               "child_birth_place": "Bệnh viện A Thái Nguyên", "child_ethnicity": "Kinh", "mother_name": "Lê Thị Hoa",
               "mother_id_number": "019195001111", "commitment": "on",
               "child_birth_date": (timezone.localdate() - timedelta(days=5)).strftime("%d/%m/%Y")}
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")

    def draft_pk():
        return client.get(f"/dich-vu-cong/thu-tuc/{BIRTH}/nop-truc-tuyen/")["Location"].rstrip("/").rsplit("/", 1)[1]

    def submit():
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(f"/dich-vu-cong/ban-nhap/{opened['pk']}/", {
            **answers, "unit": me["unit"], "action": "submit",
            "file_birth_certificate": SimpleUploadedFile("giay-chung-sinh.pdf", pdf, "application/pdf")})

    pages = {
        "catalog": lambda: client.get("/dich-vu-cong/"),
        "catalog ?q=": lambda: client.get("/dich-vu-cong/", {"q": "khai sinh"}),
        "procedure page": lambda: client.get(f"/dich-vu-cong/thu-tuc/{BIRTH}/"),
        "apply (open/resume draft)": lambda: client.get(f"/dich-vu-cong/thu-tuc/{BIRTH}/nop-truc-tuyen/"),
        "draft form": lambda: client.get(f"/dich-vu-cong/ban-nhap/{opened['pk']}/"),
        "autosave": lambda: client.post(f"/dich-vu-cong/ban-nhap/{opened['pk']}/tu-dong-luu/",
                                        {"child_name": "Nguyễn Minh Khôi"}),
        "submit": submit,
        "my dossiers": lambda: client.get("/dich-vu-cong/ho-so-cua-toi/"),
        "dossier page": lambda: client.get(f"/dich-vu-cong/ho-so-cua-toi/{me['dossiers'][0]}/"),
        "public look-up": lambda: client.get("/dich-vu-cong/tra-cuu/", {"ma": code, "so": digits}),
    }
    # The draft that the form and autosave pages show (opened here, so that its opening is not timed).
    opened = {"pk": draft_pk()}
    result = {}
    for name, request in pages.items():
        if name == "submit":
            opened["pk"] = draft_pk()
        request()  # warm
        times, counts, sql_ms, slowest = [], [], [], ("", 0.0)
        for _ in range(5 if name == "submit" else rounds):
            if name == "submit":  # a new draft to submit; its opening is the "apply" page's, not timed here
                opened["pk"] = draft_pk()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = request()
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 302), (name, response.status_code)
            counts.append(len(queries.captured_queries))
            sql_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            for q in queries.captured_queries:
                if float(q["time"]) * 1000 > slowest[1]:
                    slowest = (q["sql"], float(q["time"]) * 1000)
        result[name] = {"ms": round(statistics.median(times), 1), "queries": statistics.median(counts),
                        "sql_ms": round(statistics.median(sql_ms), 1), "slowest_sql": slowest[0][:300],
                        "slowest_ms": round(slowest[1], 1)}
    if connection.vendor == "postgresql":
        user = get_user_model().objects.get(pk=me["user"])
        query = Dossier.objects.visible_to(user).order_by("-received_at", "-id")[:200]
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + sql, params)
            result["_plan_my_dossiers"] = [row[0] for row in cursor.fetchall()]
    return result


def print_profile(profile: dict) -> None:
    print("\nper page, in process, one at a time (median):")
    print(f"{'page':<28} {'ms':>7} {'queries':>8} {'SQL ms':>7}  slowest query")
    for name, p in profile.items():
        if name.startswith("_"):
            continue
        print(f"{name:<28} {p['ms']:>7} {p['queries']:>8} {p['sql_ms']:>7}  {p['slowest_ms']} ms: "
              f"{p['slowest_sql'][:110]}")
    if "_plan_my_dossiers" in profile:
        print("plan of the 'my dossiers' query:")
        for line in profile["_plan_my_dossiers"]:
            print("   ", line)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--run-time", default="120s")
    parser.add_argument("--wait", default="1,3", help="seconds between a citizen's pages, min,max (default 1,3)")
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--work", default="/tmp/motcua-bench-portal")
    parser.add_argument("--fresh", action="store_true", help="make the database again")
    parser.add_argument("--drop", action="store_true", help="drop the database and the work folder at the end")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.server == "runserver":
        args.workers, args.threads = 1, 0

    began = time.perf_counter()
    print(f"machine: {platform.node()} nproc={os.cpu_count()} python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    env = prepare(args)
    changed = give_applicant_numbers()
    if changed:
        print(f"applicant numbers given to {changed:,} dossiers", flush=True)
    from motcua.dossiers.models import Dossier

    citizens = make_citizens(args.users)
    sign_in(citizens)
    data = scenario(citizens)
    data_file = Path(args.work) / "citizens.json"
    data_file.write_text(json.dumps(data))
    owned = sum(len(c["dossiers"]) for c in citizens)
    print(f"dossiers: {Dossier.objects.count():,}; {len(citizens)} citizens signed in, owning {owned} dossiers; "
          f"setup {time.perf_counter() - began:.1f} s", flush=True)

    server = start_server(args, env)
    try:
        load_before = os.getloadavg()[0]
        stats, failures, run = run_locust(args, env, data_file, server)
    finally:
        stop(server)
    run["load_average_before"] = round(load_before, 2)
    run["load_average_after"] = round(os.getloadavg()[0], 2)
    rows = report(stats, failures, run, args)
    profile = {} if args.no_profile else profile_pages(data)
    if profile:
        print_profile(profile)
    if args.json:
        print(json.dumps({"pages": rows, "failures": failures, "run": run, "profile": profile}, ensure_ascii=False))
    print(f"whole benchmark: {time.perf_counter() - began:.0f} s")
    if args.drop:
        from django.db import connections

        connections.close_all()
        if args.database == "postgres":
            psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        shutil.rmtree(args.work, ignore_errors=True)


def report(stats, failures, run, args) -> list[dict]:
    order = {name: i for i, name in enumerate(PAGES)}
    rows = sorted((s for s in stats if s["Name"] != "Aggregated"), key=lambda s: order.get(s["Name"], 99))
    rows += [s for s in stats if s["Name"] == "Aggregated"]
    out = []
    print(f"\n{args.users} users, spawn {args.spawn_rate}/s, {args.run_time} (statistics from all running), "
          f"wait {args.wait} s, {args.server} {args.workers}x{args.threads}, {args.database}")
    print(f"{'page':<28} {'requests':>8} {'fail':>5} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}  ms")
    for s in rows:
        row = {"page": s["Name"], "requests": int(s["Request Count"]), "failures": int(s["Failure Count"]),
               "rps": float(s["Requests/s"]), "p50": s["50%"], "p95": s["95%"], "p99": s["99%"],
               "max": round(float(s["Max Response Time"]))}
        out.append(row)
        print(f"{row['page']:<28} {row['requests']:>8} {row['failures']:>5} {row['rps']:>6.1f} {row['p50']:>6} "
              f"{row['p95']:>6} {row['p99']:>6} {row['max']:>7}")
    for f in failures:
        print(f"  failure: {f['Method']} {f['Name']}: {f['Error']} x{f['Occurrences']}")
    print(f"CPU seconds during {run['wall_s']} s: " + ", ".join(f"{k} {v}" for k, v in sorted(run["cpu_s"].items()))
          + f"; load average {run['load_average_before']} before, {run['load_average_after']} after")
    return out


if __name__ == "__main__":
    main()
