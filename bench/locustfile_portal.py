"""Locust users for bench/bench_portal.py: each one a signed-in citizen of the portal who browses the
catalog, searches without diacritics, reads procedures, opens or resumes the birth registration draft,
types into it (autosave), submits it with a small PDF, follows his dossiers and looks one up publicly.

Read by locust, not run by itself: bench_portal.py writes the citizens (session cookies made server-side,
never through the identity provider) to the JSON file named by BENCH_PORTAL_DATA and starts
`locust -f bench/locustfile_portal.py --headless ...`. Each user sends from its own loopback address
(127.0.0.2, .3, ...), as a hundred citizens would come from a hundred addresses, so that the per-address
limits (30 public look-ups a minute) apply to each citizen, not to all of them at once. The pauses between
pages are BENCH_PORTAL_WAIT seconds ("1,3" by default).
"""

import itertools
import json
import os
import random
import re
from datetime import date, timedelta
from pathlib import Path

from locust import HttpUser, between, task
from locust.clients import LocustHttpAdapter

DATA = json.loads(Path(os.environ["BENCH_PORTAL_DATA"]).read_text()) if os.environ.get("BENCH_PORTAL_DATA") else {}
WAIT = tuple(float(x) for x in os.environ.get("BENCH_PORTAL_WAIT", "1,3").split(","))
NEXT_CITIZEN = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DRAFT_URL = re.compile(r"/dich-vu-cong/ban-nhap/(\d+)/$")
DOSSIER_URL = re.compile(r"/dich-vu-cong/ho-so-cua-toi/([^/]+)/$")
# What citizens type, without diacritics (the search folds them).
SEARCHES = ["khai sinh", "dang ky ket hon", "ho kinh doanh", "chung thuc", "tinh trang hon nhan", "khai tu",
            "dat dai", "giay phep xay dung", "1.001193", "cap lai", "thay doi", "xac nhan"]
BIRTH = "1.001193"
ANSWERS = {"relationship": "Mẹ", "child_name": "Nguyễn Minh Khôi", "child_sex": "Nam",
           "child_birth_place": "Bệnh viện A Thái Nguyên", "child_ethnicity": "Kinh", "mother_name": "Lê Thị Hoa",
           "mother_id_number": "019195001111", "commitment": "on"}
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


class FromAddress(LocustHttpAdapter):
    """Locust's adapter, connecting from a given local address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(pool_manager=None)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Citizen(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        n = next(NEXT_CITIZEN)
        me = DATA["citizens"][n % len(DATA["citizens"])]
        self.me = me
        self.codes = list(me["dossiers"])
        self.draft = None
        self.csrf = ""
        self.client.mount("http://", FromAddress(f"127.0.0.{2 + n % 250}"))
        self.client.cookies.set("sessionid", me["session"])

    # Reading the catalog (anyone).
    @task(3)
    def catalog(self):
        self.client.get("/dich-vu-cong/", params={"page": random.choice(["1", "1", "2"])}, name="catalog")

    @task(4)
    def search(self):
        self.client.get("/dich-vu-cong/", params={"q": random.choice(SEARCHES)}, name="catalog ?q=")

    @task(3)
    def procedure(self):
        self.client.get(f"/dich-vu-cong/thu-tuc/{random.choice(DATA['procedures'])}/", name="procedure page")

    # Applying.
    def open_draft(self) -> bool:
        """The start button: a new draft or the one being filled, then its form (the CSRF token with it)."""
        with self.client.get(f"/dich-vu-cong/thu-tuc/{BIRTH}/nop-truc-tuyen/", name="apply (open/resume draft)",
                             allow_redirects=False, catch_response=True) as r:
            found = DRAFT_URL.search(r.headers.get("Location", ""))
            if r.status_code != 302 or not found:
                r.failure(f"{r.status_code} to {r.headers.get('Location')!r}")
                return False
        self.draft = found.group(1)
        with self.client.get(f"/dich-vu-cong/ban-nhap/{self.draft}/", name="draft form", allow_redirects=False,
                             catch_response=True) as r:
            token = CSRF.search(r.text)
            if r.status_code != 200 or not token:
                r.failure(f"{r.status_code}, CSRF token {'found' if token else 'missing'}")
                self.draft = None
                return False
        self.csrf = token.group(1)
        return True

    @task(2)
    def apply(self):
        self.open_draft()

    @task(3)
    def autosave(self):
        if self.draft is None and not self.open_draft():
            return
        typed = dict(random.sample(sorted(ANSWERS.items()), 3))
        with self.client.post(f"/dich-vu-cong/ban-nhap/{self.draft}/tu-dong-luu/", name="autosave",
                              data={"csrfmiddlewaretoken": self.csrf, **typed}, catch_response=True) as r:
            if r.status_code != 200 or not r.json().get("saved"):
                r.failure(f"{r.status_code} {r.text[:200]}")

    @task(1)
    def submit(self):
        if self.draft is None and not self.open_draft():
            return
        born = (date.today() - timedelta(days=random.randint(3, 40))).strftime("%d/%m/%Y")
        data = {"csrfmiddlewaretoken": self.csrf, **ANSWERS, "child_birth_date": born, "unit": self.me["unit"],
                "action": "submit"}
        files = {"file_birth_certificate": ("giay-chung-sinh.pdf", MINIMAL_PDF, "application/pdf")}
        with self.client.post(f"/dich-vu-cong/ban-nhap/{self.draft}/", name="submit", data=data, files=files,
                              allow_redirects=False, catch_response=True) as r:
            found = DOSSIER_URL.search(r.headers.get("Location", ""))
            if r.status_code != 302 or not found:
                r.failure(f"{r.status_code} to {r.headers.get('Location')!r}")
                return
        self.draft = None
        self.codes.append(found.group(1))
        self.dossier(found.group(1))

    # Following.
    @task(3)
    def my_dossiers(self):
        with self.client.get("/dich-vu-cong/ho-so-cua-toi/", name="my dossiers", allow_redirects=False,
                             catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    @task(3)
    def a_dossier(self):
        if self.codes:
            self.dossier(random.choice(self.codes))
        else:
            self.my_dossiers()

    def dossier(self, code):
        with self.client.get(f"/dich-vu-cong/ho-so-cua-toi/{code}/", name="dossier page", allow_redirects=False,
                             catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    @task(2)
    def look_up(self):
        code, digits = random.choice(DATA["lookups"])
        with self.client.get("/dich-vu-cong/tra-cuu/", params={"ma": code, "so": digits}, name="public look-up",
                             catch_response=True) as r:
            if r.status_code != 200 or "Không tìm thấy" in r.text:
                r.failure(f"{r.status_code}{' not found' if r.status_code == 200 else ''}")
