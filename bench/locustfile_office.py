"""Locust users for bench/bench_office.py: each one an officer (a unit leader) of the back office, logged in
once with his password (by the benchmark, through the login form, before the clock starts), who then works through his own dossiers: opens the dossier page, posts the next action its
forms offer (receive → start → assign → resolve → return the result), reads the page the server sends him back
to (the message says whether it was done), and now and then opens his queue, the /chi-so/ index and one
indicator's drill-down.

Read by locust, not run by itself: bench_office.py writes the officers (username, password, the codes of the
dossiers they work on) to the JSON file named by BENCH_OFFICE_DATA. Every action posted is appended, as one
JSON line, to BENCH_OFFICE_CLAIMS (dossier, the version the form carried, the action; "sent" before the POST,
then the answer: "done", "refused" or "no answer"), written at once so that the file survives whatever happens to the server; the
benchmark checks them against the database afterwards (motcua.dossiers.consistency). Pauses between requests
are BENCH_OFFICE_WAIT seconds ("0,0": as fast as the server answers).
"""

import html
import itertools
import json
import os
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

DATA = json.loads(Path(os.environ["BENCH_OFFICE_DATA"]).read_text()) if os.environ.get("BENCH_OFFICE_DATA") else {}
WAIT = tuple(float(x) for x in os.environ.get("BENCH_OFFICE_WAIT", "0,0").split(","))
CLAIMS = open(os.environ["BENCH_OFFICE_CLAIMS"], "a", buffering=1) if os.environ.get("BENCH_OFFICE_CLAIMS") else None
REQUESTS = (open(os.environ["BENCH_OFFICE_REQUESTS"], "a", buffering=1) if os.environ.get("BENCH_OFFICE_REQUESTS")
            else None)
NEXT_OFFICER = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*id="action-(\w+)"[^>]*>(.*?)</form>', re.S)
VERSION = re.compile(r'name="version" value="(\d+)"')
ASSIGNEE = re.compile(r'<select name="assignee"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
MESSAGE = re.compile(r'<li class="(success|error|warning|info)">(.*?)</li>', re.S)
DRILL_DOWN = re.compile(r'href="(/chi-so/chi-tieu/[^"]+)"')
# The order in which an officer takes a dossier through its steps; "assign" once more after "start" (a
# re-assignment), then resolved, and returned when the procedure has no written result to sign first.
STEPS = ("receive", "start", "assign", "resolve", "return_result")


@events.request.add_listener
def _log_request(request_type, name, response_time, exception=None, **_kwargs):
    """Every request, as it ends: the benchmark computes its percentiles and the timeline from these."""
    if REQUESTS is not None:
        REQUESTS.write(json.dumps({"t": round(time.time(), 3), "name": name, "ms": round(response_time, 1),
                                   "ok": exception is None, "error": str(exception)[:120] if exception else ""})
                       + "\n")


@events.quitting.add_listener
def _close_logs(**_kwargs):
    for log in (CLAIMS, REQUESTS):
        if log is not None:
            log.close()


def claim(code: str, version: int, action: str, answer: str, status: int) -> None:
    if CLAIMS is not None:
        CLAIMS.write(json.dumps({"code": code, "version": version, "action": action, "answer": answer,
                                 "status": status, "t": round(time.time(), 3)}) + "\n")


class Officer(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        n = next(NEXT_OFFICER)
        self.me = DATA["officers"][n % len(DATA["officers"])]
        self.todo = list(self.me["dossiers"])
        self.current = None  # (code, the set of steps already posted on it)
        self.drill_down = None
        if self.me.get("cookies"):  # logged in by the benchmark through the same form, before the clock
            for name, value in self.me["cookies"].items():
                self.client.cookies.set(name, value)
            self.logged_in = True
        else:
            self.logged_in = self.login()

    def login(self) -> bool:
        with self.client.get("/dang-nhap/", name="login page", catch_response=True) as r:
            token = CSRF.search(r.text)
            if r.status_code != 200 or not token:
                r.failure(f"{r.status_code}, CSRF token {'found' if token else 'missing'}")
                return False
        with self.client.post("/dang-nhap/", name="login", allow_redirects=False, catch_response=True, data={
                "csrfmiddlewaretoken": token.group(1), "username": self.me["username"],
                "password": self.me["password"]}) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code}")
                return False
        return True

    def page(self, path: str, name: str):
        """GET a page that must answer 200 (a 302 to the login page means the session was lost)."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")
                if r.status_code == 302 and "/dang-nhap/" in r.headers.get("Location", ""):
                    self.logged_in = self.login()
                return None
            return r.text

    # The work: one action per task run, each followed by the page it leads to.
    @task(10)
    def act(self):
        if not self.logged_in:
            self.logged_in = self.login()
            return
        if self.current is None:
            if not self.todo:
                self.queue()
                return
            self.current = (self.todo.pop(0), set())
        code, posted = self.current
        text = self.page(f"/ho-so/{code}/", "dossier page")
        if text is None:
            return
        forms = {action: (url, body) for url, action, body in FORM.findall(text)}
        step = next((s for s in STEPS if s in forms and s not in posted), None)
        if step is None:  # nothing left for this officer to do on it: the next dossier
            self.current = None
            return
        url, body = forms[step]
        version = int(VERSION.search(body).group(1))
        data = {"csrfmiddlewaretoken": CSRF.search(body).group(1), "version": version}
        if step in ("start", "assign"):
            options = OPTION.findall(ASSIGNEE.search(body).group(1))
            data["assignee"] = options[len(posted) % len(options)]
        if step == "resolve":
            data["result_text"] = "Đồng ý cấp theo đề nghị của người nộp hồ sơ."
        posted.add(step)
        # Claimed before it is sent: a user stopped mid-request (the end of the run) leaves a claim without an
        # answer, which the check counts committed or not, instead of an event nobody seems to have asked for.
        claim(code, version, step, "sent", 0)
        try:
            with self.client.post(html.unescape(url), name=f"POST {step}", data=data, allow_redirects=False,
                                  catch_response=True) as r:
                if r.status_code != 302:
                    r.failure(f"{r.status_code}")
                    claim(code, version, step, "no answer", r.status_code)
                    return
        except Exception:  # the connection itself broke: the outcome is unknown, the checker finds it
            claim(code, version, step, "no answer", 0)
            raise
        after = self.page(f"/ho-so/{code}/", "dossier page")
        if after is None:
            claim(code, version, step, "no answer", 302)
            return
        kinds = [kind for kind, _text in MESSAGE.findall(after)]
        claim(code, version, step, "done" if "success" in kinds else "refused" if "error" in kinds else "no answer",
              302)

    @task(2)
    def queue(self):
        if self.logged_in:
            self.page("/hang-doi/", "queue")

    @task(1)
    def index(self):
        if not self.logged_in:
            return
        text = self.page("/chi-so/", "index page /chi-so/")
        if text is not None and self.drill_down is None:
            found = DRILL_DOWN.search(text)
            self.drill_down = html.unescape(found.group(1)) if found else None

    @task(1)
    def drill(self):
        if self.logged_in and self.drill_down:
            self.page(self.drill_down, "drill-down /chi-so/chi-tieu/")
