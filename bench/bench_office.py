"""The back office under load (issue 12, "Measured"): officers against `motcua serve` on PostgreSQL with
2,000,000 dossiers; transitions/s, their p50/p95/p99, the pages' p95, lost or doubled transitions checked in
SQL afterwards, and faults during the load (a web worker killed, PostgreSQL restarted).

1. The database: a copy of --source (default `motcua_2m`, never written) on the PostgreSQL server --pg, made
   with `createdb -T` as `bench_office` (kept for later runs with --keep), migrated.
2. --users officers `bench.office.N`, each the unit leader (who may receive, assign, resolve and return) of
   one of the units holding the most open dossiers that it also received, with one random password (hashed
   once, as for the demo logins; officers have no second factor, administrators do), and --dossiers-each of
   that unit's open dossiers of his own (no two officers share a dossier: each transition is one officer's).
3. The server: `python -m motcua serve --workers W` (gunicorn, sync workers) in the production settings
   (MOTCUA_DEVELOPMENT=0 with a secret key, DEBUG off), its access log kept. Measured first: the first answer
   of the fresh server (from the command to a 200), and the first /chi-so/ of a fresh worker (the live index
   reads its columns); then every worker is warmed before the clock starts.
4. Each officer logs in through the login form, one after the other, before the clock starts (his session
   handed to locust). locust headless (bench/locustfile_office.py): each officer in a loop opens a dossier,
   posts its next action, reads the page it is sent back to; now and then the queue, /chi-so/, a drill-down.
   Every request is logged (time, name, ms, ok) and every action posted is a claim (dossier, version,
   action, answer).
5. --fault kill-worker: at --fault-at seconds one gunicorn worker gets SIGKILL (the master starts another);
   --fault restart-pg: `pg_ctl restart -m fast` of the cluster in --pg-data (a private one: refused on
   port 5432, which other work shares). The timeline per second (requests, failures, transitions) around it.
6. After the run, in SQL (motcua.dossiers.consistency): every claim answered "done" is its dossier's event
   exactly once (lost, doubled), claims without an answer committed or not, and no dossier the officers
   touched is half written (events = version + 1, statuses chained, stamp, portal item).

Needs locust, in the `bench` extra: `.venv/bin/pip install -e '.[bench]'`.

    python bench/bench_office.py [--users 8] [--run-time 90s] [--workers 5] [--wait 0,0]
                                 [--pg postgres://postgres@127.0.0.1:5432] [--source motcua_2m] [--keep]
                                 [--fault kill-worker|restart-pg --fault-at 40 --pg-data /tmp/load-pg] [--json]
"""

import argparse
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench_portal import stop  # noqa: E402 (the portal benchmark's: SIGTERM to the server's group, then SIGKILL)

NAME = "bench_office"
PREFIX = "bench.office."
POSTS = ("POST receive", "POST start", "POST assign", "POST resolve", "POST return_result")
PAGES = ("login page", "login", "dossier page", "queue", "index page /chi-so/", "drill-down /chi-so/chi-tieu/")


def psql(server: str, sql: str, database: str = "postgres") -> str:
    return subprocess.run(["psql", f"{server}/{database}", "-tAqc", sql], check=True, capture_output=True,
                          text=True).stdout.strip()


def git_commit() -> str:
    return subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()[:100]


def prepare(args) -> dict:
    """The copy of the source database (made unless kept), migrated; this process's Django set up on it."""
    work = Path(args.work)
    (work / "var").mkdir(parents=True, exist_ok=True)
    exists = psql(args.pg, f"SELECT 1 FROM pg_database WHERE datname = '{NAME}'")
    if exists and not args.keep:
        psql(args.pg, f"DROP DATABASE {NAME}")
        exists = ""
    if not exists:
        started = time.perf_counter()
        for _attempt in range(60):  # createdb -T fails while anyone is connected to the source
            try:
                psql(args.pg, f"CREATE DATABASE {NAME} TEMPLATE {args.source}")
                break
            except subprocess.CalledProcessError:
                time.sleep(5)
        else:
            raise SystemExit(f"could not copy {args.source}: somebody stays connected to it")
        print(f"copy of {args.source}: {time.perf_counter() - started:.1f} s", flush=True)
    env = dict(os.environ, MOTCUA_VAR_DIR=str(work / "var"), DATABASE_URL=f"{args.pg}/{NAME}",
               DJANGO_SETTINGS_MODULE="motcua.settings", MOTCUA_DEBUG="0", MOTCUA_DEVELOPMENT="0",
               MOTCUA_SECRET_KEY=secrets.token_urlsafe(40))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "motcua", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
    os.environ.update(env)
    import django

    django.setup()
    return env


def make_officers(n: int, each: int, password: str) -> list[dict]:
    """n unit leaders, each with `each` open dossiers of his unit (received and held by it); see the docstring."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import Count, F

    from motcua.core.models import Membership, Role
    from motcua.dossiers.constants import Status
    from motcua.dossiers.models import Dossier

    workable = (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING)
    mine = (Dossier.objects.filter(status__in=workable, holder_id=F("received_by_id"))
            .exclude(assignee__username__startswith=PREFIX))  # not those an earlier run already moved
    units = list(mine.values("holder_id").annotate(n=Count("id")).order_by("-n", "holder_id")[:n])
    if not units:
        raise SystemExit("no open dossier received and held by one unit")
    User = get_user_model()
    hashed = make_password(password)
    officers = []
    with transaction.atomic():
        taken = defaultdict(int)
        for i in range(n):
            unit = units[i % len(units)]["holder_id"]
            username = f"{PREFIX}{i}"
            user, _ = User.objects.get_or_create(username=username)
            user.password, user.is_active, user.is_staff, user.is_superuser = hashed, True, False, False
            user.save()
            Membership.objects.update_or_create(user=user, defaults={
                "role": Role.UNIT_LEADER, "unit_id": unit, "full_name": f"Lãnh đạo thử tải {i}"})
            start = taken[unit]
            codes = list(mine.filter(holder_id=unit).order_by("due_at", "id")
                         .values_list("code", flat=True)[start:start + each])
            taken[unit] += each
            officers.append({"username": username, "password": password, "unit": unit, "dossiers": codes})
    return officers


def start_server(args, env, log: Path) -> tuple[subprocess.Popen, float]:
    """`motcua serve`; returns it and the seconds from the command to its first 200."""
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "motcua", "serve", "--bind", f"127.0.0.1:{args.port}",
                               "--workers", str(args.workers)], cwd=ROOT, env=env, stdout=open(log, "w"),
                              stderr=subprocess.STDOUT, start_new_session=True)
    while time.perf_counter() - started < 300:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/dang-nhap/", timeout=5) as response:
                if response.status == 200:
                    return server, time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("the server did not answer in 300 s")


def logged_in_opener(port: int, officer: dict, jar: CookieJar | None = None):
    import re

    jar = jar if jar is not None else CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/dang-nhap/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": officer["username"],
                                   "password": officer["password"]}).encode()
    opener.open(f"http://127.0.0.1:{port}/dang-nhap/", data, timeout=60).read()
    return opener


def first_answers(args, officer: dict) -> dict:
    """One officer's first pages on the fresh server: each may be a worker's first request."""
    timings = {}
    started = time.perf_counter()
    opener = logged_in_opener(args.port, officer)
    timings["login (page + POST + queue)"] = time.perf_counter() - started
    for name, path in (("queue", "/hang-doi/"), ("index page /chi-so/", "/chi-so/"),
                       ("dossier page", f"/ho-so/{officer['dossiers'][-1]}/")):
        started = time.perf_counter()
        try:
            opener.open(f"http://127.0.0.1:{args.port}{path}", timeout=300).read()
            timings[name] = round(time.perf_counter() - started, 2)
        except OSError as error:  # a worker killed by gunicorn's timeout answers 500 (HTTPError)
            timings[name] = f"{getattr(error, 'code', error)} after {time.perf_counter() - started:.1f} s"
    return {"login (page + POST + queue)": round(timings.pop("login (page + POST + queue)"), 2), **timings}


def warm(args, officer: dict) -> tuple[float, dict]:
    """Every worker answers /chi-so/ once (its columns read) before the clock starts: as many officers at
    once as there are workers, a few rounds."""
    opener = logged_in_opener(args.port, officer)
    started = time.perf_counter()
    failed = Counter()

    def one():
        try:
            opener.open(f"http://127.0.0.1:{args.port}/chi-so/", timeout=600).read()
        except OSError as error:  # a worker timed out on its first index: the next round tries again
            failed[str(getattr(error, "code", error))] += 1

    for _ in range(10):  # rounds until one without a failure (3 at least)
        before = sum(failed.values())
        threads = [threading.Thread(target=one) for _ in range(args.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if _ >= 2 and sum(failed.values()) == before:
            break
    return time.perf_counter() - started, dict(failed)


def sign_in(args, officers: list[dict]) -> list[float]:
    """Each officer logs in through the login form (the password checked by the server) before the clock
    starts: 32 password hashes at once would fill the first minute. Locust's officer takes the session."""
    seconds = []
    for officer in officers:
        jar = CookieJar()
        started = time.perf_counter()
        logged_in_opener(args.port, officer, jar)
        seconds.append(time.perf_counter() - started)
        officer["cookies"] = {cookie.name: cookie.value for cookie in jar}
    return seconds


def workers_of(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    children.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return sorted(children)


def gunicorn_master(server: subprocess.Popen) -> int:
    """`motcua serve` execs gunicorn in place: the server's own pid is the master."""
    return server.pid


def fault(args, server: subprocess.Popen, at: float, timeline: dict) -> None:
    time.sleep(max(0.0, at - time.time()))
    timeline["fault_at"] = time.time()
    if args.fault == "kill-worker":
        victim = workers_of(gunicorn_master(server))[0]
        os.kill(victim, signal.SIGKILL)
        timeline["what"] = f"SIGKILL to gunicorn worker {victim}"
        for _ in range(200):
            time.sleep(0.1)
            if len(workers_of(gunicorn_master(server))) >= args.workers:
                timeline["worker_back_after_s"] = round(time.time() - timeline["fault_at"], 2)
                break
    else:
        command = (f"/usr/lib/postgresql/15/bin/pg_ctl -D {args.pg_data} -w -m fast restart "
                   f"-o '-p {args.pg.rsplit(':', 1)[1]} -k /tmp' -l {args.pg_data}/server.log")
        done = subprocess.run(["su", "postgres", "-c", command], capture_output=True, text=True)
        timeline["what"] = "pg_ctl restart -m fast"
        timeline["restart_s"] = round(time.time() - timeline["fault_at"], 2)
        timeline["restart_output"] = (done.stdout + done.stderr).strip()[-300:]


def run_locust(args, env, data_file: Path, server: subprocess.Popen) -> dict:
    work = Path(args.work)
    prefix = work / "locust"
    claims, requests = work / "claims.jsonl", work / "requests.jsonl"
    for old in (claims, requests, *work.glob("locust_*.csv")):
        old.unlink(missing_ok=True)
    command = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile_office.py"),
               "--headless", "--users", str(args.users), "--spawn-rate", str(args.users),
               "--run-time", args.run_time, "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix),
               "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]
    locust_env = dict(env, BENCH_OFFICE_DATA=str(data_file), BENCH_OFFICE_WAIT=args.wait,
                      BENCH_OFFICE_CLAIMS=str(claims), BENCH_OFFICE_REQUESTS=str(requests))
    timeline: dict = {}
    began = time.time()
    with open(work / "locust.log", "w") as log:
        runner = subprocess.Popen(command, cwd=ROOT, env=locust_env, stdout=log, stderr=subprocess.STDOUT)
        injector = None
        if args.fault:
            injector = threading.Thread(target=fault, args=(args, server, began + args.fault_at, timeline))
            injector.start()
        runner.wait()
        if injector is not None:
            injector.join()
    ended = time.time()
    return {"began": began, "ended": ended, "timeline": timeline,
            "claims": [json.loads(line) for line in claims.read_text().splitlines() if line.strip()],
            "requests": [json.loads(line) for line in requests.read_text().splitlines() if line.strip()]}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summarise(run: dict, settle: float) -> dict:
    """Per name and for all transitions: count, failures, rate, p50/p95/p99 over the measured window (from
    `settle` seconds after the start: the logins are over)."""
    start = run["began"] + settle
    requests = [r for r in run["requests"] if r["t"] >= start]
    window = max(1e-9, max((r["t"] for r in requests), default=start) - start)
    by_name = defaultdict(list)
    for r in requests:
        by_name[r["name"]].append(r)
        if r["name"].startswith("POST "):
            by_name["all transitions (POST)"].append(r)
    rows = {}
    for name, items in by_name.items():
        times = [r["ms"] for r in items if r["ok"]]
        rows[name] = {"requests": len(items), "failures": sum(1 for r in items if not r["ok"]),
                      "per_s": round(len(items) / window, 1), "p50": round(percentile(times, 50)),
                      "p95": round(percentile(times, 95)), "p99": round(percentile(times, 99)),
                      "max": round(max(times, default=0))}
    done = [c for c in run["claims"] if c["answer"] == "done" and c["t"] >= start]
    return {"window_s": round(window, 1), "rows": rows, "transitions_done": len(done),
            "transitions_per_s": round(len(done) / window, 1)}


def timeline(run: dict, before: int = 5, after: int = 30) -> list[dict]:
    """Per second around the fault: requests, failures, transitions done."""
    at = run["timeline"].get("fault_at")
    if at is None:
        return []
    seconds = defaultdict(Counter)
    for r in run["requests"]:
        second = int(r["t"] - at) if r["t"] >= at else -int(at - r["t"]) - 1
        seconds[second]["requests"] += 1
        seconds[second]["failures"] += 0 if r["ok"] else 1
    for c in run["claims"]:
        if c["answer"] == "done":
            second = int(c["t"] - at) if c["t"] >= at else -int(at - c["t"]) - 1
            seconds[second]["transitions"] += 1
    return [{"s": s, **{k: seconds[s][k] for k in ("requests", "failures", "transitions")}}
            for s in range(-before, after)]


def recovery(run: dict) -> dict:
    """After the fault: failures, the last failure, the first transition done, and when the rate of
    transitions is back to half of the rate before."""
    at = run["timeline"].get("fault_at")
    if at is None:
        return {}
    failed = [r for r in run["requests"] if not r["ok"] and r["t"] >= at]
    done = sorted(c["t"] for c in run["claims"] if c["answer"] == "done")
    before = [t for t in done if at - 20 <= t < at]
    rate_before = len(before) / 20
    back = None
    for second in range(0, 120):
        count = sum(1 for t in done if at + second <= t < at + second + 1)
        if count >= rate_before / 2 and second > 0:
            back = second
            break
    errors = Counter(r.get("error", "")[:80] for r in failed)
    return {"failures_after": len(failed),
            "last_failure_s": round(max((r["t"] for r in failed), default=at) - at, 2),
            "first_transition_done_s": round(next((t for t in done if t > at), at) - at, 2),
            "rate_before_per_s": round(rate_before, 1), "rate_back_to_half_after_s": back,
            "errors": errors.most_common(5)}


def check(run: dict, officers: list[dict]) -> dict:
    from motcua.dossiers.consistency import Claim, half_written, reconcile
    from motcua.dossiers.models import Dossier

    last = {}  # each action's last line: "sent" alone means the run ended before its answer came
    for c in run["claims"]:
        last[(c["code"], c["version"], c["action"])] = c["answer"]
    claims = [Claim(code, version, action, answered=answer == "done")
              for (code, version, action), answer in last.items() if answer in ("done", "no answer", "sent")]
    refused = sum(1 for answer in last.values() if answer == "refused")
    started = time.perf_counter()
    tally = reconcile(claims)
    codes = {c["code"] for c in run["claims"]}
    touched = list(Dossier.objects.filter(code__in=codes).values_list("pk", flat=True))
    problems = half_written(touched)
    return {**tally.as_dict(), "refused": refused, "dossiers_touched": len(touched),
            "half_written": len(problems), "half_written_examples": [str(p) for p in problems[:10]],
            "check_s": round(time.perf_counter() - started, 1)}


def report(args, summary: dict, checked: dict, run: dict, extra: dict) -> None:
    print(f"\n{args.users} officers, {args.run_time}, wait {args.wait} s, motcua serve --workers {args.workers}, "
          f"measured over {summary['window_s']} s; commit {extra['commit']}")
    print(f"load average {extra['load_before']} before, {extra['load_after']} after")
    print(f"{'request':<32} {'requests':>8} {'fail':>5} {'per s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}  ms")
    order = {name: i for i, name in enumerate(("all transitions (POST)", *POSTS, *PAGES))}
    for name, row in sorted(summary["rows"].items(), key=lambda item: order.get(item[0], 99)):
        print(f"{name:<32} {row['requests']:>8} {row['failures']:>5} {row['per_s']:>6} {row['p50']:>6} "
              f"{row['p95']:>6} {row['p99']:>6} {row['max']:>7}")
    print(f"transitions done: {summary['transitions_done']} = {summary['transitions_per_s']}/s")
    print(f"after the run, in SQL ({checked['check_s']} s): confirmed {checked['confirmed']}, lost {checked['lost']}, "
          f"doubled {checked['doubled']}, refused {checked['refused']}, no answer: committed "
          f"{checked['unanswered_committed']}, not committed {checked['unanswered_not_committed']}; "
          f"{checked['dossiers_touched']} dossiers touched, {checked['half_written']} half written")
    for example in checked["lost_examples"] + checked["doubled_examples"] + checked["half_written_examples"]:
        print("   ", example)
    if run["timeline"]:
        print(f"fault: {run['timeline']}")
        print(f"recovery: {extra['recovery']}")
        print("second: requests/failures/transitions  " + "  ".join(
            f"{row['s']}:{row['requests']}/{row['failures']}/{row['transitions']}" for row in extra["timeline"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--dossiers-each", type=int, default=400)
    parser.add_argument("--run-time", default="90s")
    parser.add_argument("--settle", type=float, default=10, help="seconds left out at the start (the logins)")
    parser.add_argument("--wait", default="0,0", help="seconds between an officer's requests, min,max")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8793)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="the PostgreSQL server")
    parser.add_argument("--source", default="motcua_2m", help="the database copied (never written)")
    parser.add_argument("--keep", action="store_true", help="reuse the copy of an earlier run")
    parser.add_argument("--drop", action="store_true", help="drop the copy at the end")
    parser.add_argument("--fault", choices=["kill-worker", "restart-pg"])
    parser.add_argument("--fault-at", type=float, default=40, help="seconds after the start of the load")
    parser.add_argument("--pg-data", default="/tmp/load-pg", help="data directory of the cluster to restart")
    parser.add_argument("--work", default="/tmp/motcua-bench-office")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.fault == "restart-pg" and args.pg.endswith(":5432"):
        raise SystemExit("--fault restart-pg restarts a private cluster only, never the shared one on 5432")

    began = time.perf_counter()
    print(f"machine: {platform.node()} nproc={os.cpu_count()} python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.2f}; commit {git_commit()}", flush=True)
    env = prepare(args)
    from motcua.dossiers.models import Dossier

    officers = make_officers(args.users, args.dossiers_each, secrets.token_urlsafe(16))
    data_file = Path(args.work) / "officers.json"
    data_file.write_text(json.dumps({"officers": officers}))
    print(f"dossiers: {Dossier.objects.count():,}; {len(officers)} officers in {len({o['unit'] for o in officers})} "
          f"units, {sum(len(o['dossiers']) for o in officers)} dossiers to work on; setup "
          f"{time.perf_counter() - began:.1f} s", flush=True)

    server, ready = start_server(args, env, Path(args.work) / "server.log")
    try:
        first = first_answers(args, officers[0])
        print(f"fresh server: first answer {ready:.1f} s after `motcua serve`; first pages of one officer "
              f"(s): {first}", flush=True)
        warmed, warm_failures = warm(args, officers[0])
        print(f"every worker warmed (/chi-so/ in rounds of {args.workers}): {warmed:.1f} s, failures "
              f"{warm_failures or 'none'}", flush=True)
        logins = sign_in(args, officers)
        data_file.write_text(json.dumps({"officers": officers}))
        print(f"{len(logins)} officers logged in one after the other: median {statistics.median(logins):.2f} s, "
              f"max {max(logins):.2f} s", flush=True)
        load_before = os.getloadavg()[0]
        run = run_locust(args, env, data_file, server)
    finally:
        stop(server)
    extra = {"commit": git_commit(), "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
             "first_answer_s": round(ready, 1), "login_median_s": round(statistics.median(logins), 2), "first_pages_s": first, "warm_failures": warm_failures, "timeline": timeline(run),
             "recovery": recovery(run)}
    from django.db import connection

    connection.close()  # after a database restart this process's connection is gone too
    summary = summarise(run, args.settle)
    checked = check(run, officers)
    report(args, summary, checked, run, extra)
    if args.json:
        print(json.dumps({"summary": summary, "check": checked, "fault": run["timeline"], **extra},
                         ensure_ascii=False, default=str))
    print(f"whole benchmark: {time.perf_counter() - began:.0f} s")
    if args.drop:
        connection.close()
        psql(args.pg, f"DROP DATABASE IF EXISTS {NAME}")


if __name__ == "__main__":
    main()
