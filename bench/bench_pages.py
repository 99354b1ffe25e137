"""Back-office pages on a big record (issue 12 point 6): p50/p95 of each page, one request at a time,
through Django's test client in this process (no HTTP: what is measured is the view, its queries and the
template).

The database is the one DATABASE_URL names (a copy of the 2,000,000-dossier `motcua_2m`, never the
original: this script adds two users and, with --transition, changes one dossier). The pages:

- the home page (anonymous);
- the work queue of a provincial monitor (every unit) and of a commune's processing officer (tab "all he
  may see"), first page and page 50;
- a dossier page; the index table /chi-so/; the drill-down behind indicator 2.1 for the province over the
  last week, month and year (page 1).

Each page is requested once to warm up (the live index is built on first use, each process once), then
--repeat times; the report gives p50, p95, the maximum and the number of SQL queries of the last request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pgfast2m MOTCUA_VAR_DIR=/tmp/pgfast-var \\
        .venv/bin/python bench/bench_pages.py [--repeat 20] [--json]

With --links, instead: for a week, a month, a year (each ending today) and a month a year ago, one
drill-down opened before the period's index, then the index page /chi-so/ of the period and every
drill-down it links to (22 indicators × all/counted, for the period and the one it is compared with:
88 links), each requested once, as a leader clicks them.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "mot-mat-khau-dai-cho-do-dac-2026"


def users():
    """A provincial monitor and a processing officer of the commune with the most dossiers (made once)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from motcua.core.models import Membership, Role
    from motcua.dossiers.models import Dossier
    from motcua.units.models import Unit, UnitKind

    User = get_user_model()
    province = Unit.objects.get(parent__isnull=True)
    commune_id = (Dossier.objects.filter(unit__kind=UnitKind.COMMUNE).values("unit_id").annotate(n=Count("id"))
                  .order_by("-n").values_list("unit_id", flat=True).first())
    made = {}
    for username, role, unit in (("bench.giamsat", Role.PROVINCIAL_MONITOR, province),
                                 ("bench.canboxa", Role.PROCESSING_OFFICER, Unit.objects.get(pk=commune_id))):
        user, _ = User.objects.get_or_create(username=username)
        Membership.objects.update_or_create(user=user, defaults={"role": role, "unit": unit,
                                                                 "full_name": f"Đo đạc {username}"})
        made[username] = user
    return made["bench.giamsat"], made["bench.canboxa"]


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection, reset_queries

    response = client.get(url)  # warm-up (and the live index's first build)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {"url": url, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 1),
            "max_ms": round(times[-1], 1), "queries": len(connection.queries)}


def linked_drilldowns(client, periods: dict) -> dict:
    """Each period's index page, then every drill-down link on it once (what a leader clicks)."""
    import re

    found, every = {}, []
    for name, (start, end) in periods.items():
        # A drill-down opened before its period's index (a bookmark): it judges the period's rows itself.
        started = time.perf_counter()
        cold = client.get(f"/chi-so/chi-tieu/2.1/?tu_ngay={start.isoformat()}&den_ngay={end.isoformat()}")
        cold_ms = round((time.perf_counter() - started) * 1000, 1)
        assert cold.status_code == 200, (name, cold.status_code)
        page = client.get(f"/chi-so/?ky=range&tu_ngay={start.isoformat()}&den_ngay={end.isoformat()}")
        assert page.status_code == 200, (name, page.status_code)
        links = sorted(set(re.findall(r'href="(/chi-so/chi-tieu/[^"]+)"', page.content.decode())))
        times = []
        for link in links:
            started = time.perf_counter()
            response = client.get(link.replace("&amp;", "&"))
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (link, response.status_code)
        every += times
        times.sort()
        found[name] = {"before_the_index_ms": cold_ms, "links": len(links), "p50_ms": round(statistics.median(times), 1),
                       "p95_ms": round(times[int(round(0.95 * (len(times) - 1)))], 1), "max_ms": round(times[-1], 1)}
    every.sort()
    found["all"] = {"links": len(every), "p50_ms": round(statistics.median(every), 1),
                    "p95_ms": round(every[int(round(0.95 * (len(every) - 1)))], 1), "max_ms": round(every[-1], 1)}
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", help="measure only the pages whose name contains this")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--links", action="store_true",
                        help="instead: every drill-down linked from /chi-so/ for a week, a month, a year and a past "
                             "month, each requested once after the index page of its period (p50/p95/max over all), "
                             "and one opened before it")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from motcua.dossiers.models import Dossier
    from motcua.lib.periods import local_date

    setup_test_environment()  # the test client's context capture; DEBUG stays off
    settings.DEBUG = False
    connection.force_debug_cursor = True  # count queries
    monitor, officer = users()
    today = local_date(timezone.now())
    code = Dossier.objects.order_by("-id").values_list("code", flat=True).first()
    anonymous, as_monitor, as_officer = Client(), Client(), Client()
    as_monitor.force_login(monitor)
    as_officer.force_login(officer)

    def drill(days):
        start = today - timedelta(days=days - 1)
        return f"/chi-so/chi-tieu/2.1/?tu_ngay={start.isoformat()}&den_ngay={today.isoformat()}"

    pages = [
        ("home (anonymous)", anonymous, "/"),
        ("queue, province monitor, page 1", as_monitor, "/hang-doi/"),
        ("queue, province monitor, page 50", as_monitor, "/hang-doi/?page=50"),
        ("queue, commune officer (all), page 1", as_officer, "/hang-doi/?tab=all"),
        ("queue, commune officer (all), page 50", as_officer, "/hang-doi/?tab=all&page=50"),
        ("queue, commune officer (mine), page 1", as_officer, "/hang-doi/"),
        ("dossier page", as_monitor, f"/ho-so/{code}/"),
        ("index table /chi-so/", as_monitor, "/chi-so/"),
        ("drill-down 2.1, week", as_monitor, drill(7)),
        ("drill-down 2.1, month", as_monitor, drill(30)),
        ("drill-down 2.1, year", as_monitor, drill(365)),
        ("drill-down 2.1, year, page 100", as_monitor, drill(365) + "&trang=100"),
    ]
    if args.links:
        periods = {"week": (today - timedelta(days=6), today), "month": (today - timedelta(days=29), today),
                   "year": (today - timedelta(days=364), today),
                   "past month": (today.replace(year=today.year - 1, day=1), today.replace(year=today.year - 1, day=28))}
        report = linked_drilldowns(as_monitor, periods)
        print(json.dumps(report, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))
        return
    results = {}
    for name, client, url in pages:
        if args.only and args.only not in name:
            continue
        results[name] = measure(client, url, args.repeat)
        if not args.json:
            r = results[name]
            print(f"{name:45} p50 {r['p50_ms']:8.1f} ms  p95 {r['p95_ms']:8.1f} ms  max {r['max_ms']:8.1f} ms  "
                  f"{r['queries']:3d} queries", flush=True)
    if args.json:
        print(json.dumps({"dossiers": Dossier.objects.count(), "repeat": args.repeat, "pages": results}, indent=2))


if __name__ == "__main__":
    main()
