"""Who may GET every URL of motcua.urls: a table written by hand, checked against the URL configuration.

The walk resolves every include; a pattern missing from TABLE (or a row whose pattern is gone) fails the
test, so a new page cannot be added without saying who may open it. Parameters are filled with real
objects of a small world (tests/office/conftest.py `world`, tests/portal/conftest.py `portal_world`): a
dossier of commune A filed for the citizen, one of its components, a feedback item of the citizen about
commune A, a draft of the citizen, commune A's code for the unit pages, commune A's target, a plan with a task
led by commune A and its evidence, a survey with an opening, and a published weekly report. Each row gives the outcome of a GET
for every role, in the order of ROLES:

    anonymous, citizen (the dossier's and feedback's owner), another citizen,
    desk / processor / leader / viewer of commune A (the object's unit),
    desk officer of commune B (an officer of another unit), provincial monitor, administrator

Outcomes: O 200, L a redirect to a login page, R another redirect, F 403, N 404, P 405 (POST only),
B 400, A 401 (the JSON APIs), U 503 (citizens' sign-in: no identity provider configured in tests).
Parameters set to ABSENT use a key no object has: those rows check who is turned away before the lookup
(login and role checks); scoping of the object itself is checked by the rows with real objects.
The Django admin (every pattern under admin/, generated per model) is one rule: the administrator only.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from motcua.applications.models import Draft, FormDefinition
from motcua.plans.models import Evidence, Plan, Task
from motcua.reports import publishing
from motcua.reports.letterhead import default_letterhead
from motcua.targets import history
from motcua.targets.models import Scope
from tests.feedback.conftest import file_item
from tests.office.conftest import media_root, password_hash, receive, world  # noqa: F401
from tests.portal.conftest import portal_world  # noqa: F401
from tests.secondfactor import pass_second_factor
from tests.surveys.conftest import open_opening

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "citizen", "other_citizen", "desk_a", "processor_a", "leader_a", "viewer_a", "desk_b", "monitor", "admin")
ADMIN_PREFIX = "admin/"
LOGIN_PAGES = ("/dang-nhap/", "/dich-vu-cong/dang-nhap/", "/admin/login/")
ABSENT = "999999"

# Parameters by name; a row may override them (see ROW_PARAMETERS).
def _parameters(objects) -> dict:
    return {"code": objects["dossier"].code, "pk": ABSENT, "procedure_code": objects["procedure"].code,
            "draft_id": ABSENT, "event_id": ABSENT, "indicator_id": ABSENT, "fmt": "pdf", "token": ABSENT,
            "order_code": ABSENT, "key": "khong-co"}


ROW_PARAMETERS = {
    "ho-so/<str:code>/thanh-phan/<int:pk>/": lambda o: {"pk": o["component"].pk},
    "dich-vu-cong/thu-tuc/<str:code>/": lambda o: {"code": o["procedure"].code},
    "dich-vu-cong/thu-tuc/<str:code>/nop-truc-tuyen/": lambda o: {"code": o["procedure"].code},
    "dich-vu-cong/ban-nhap/<int:pk>/": lambda o: {"pk": o["draft"].pk},
    "dich-vu-cong/ban-nhap/<int:pk>/tu-dong-luu/": lambda o: {"pk": o["draft"].pk},
    "dieu-hanh/don-vi/<str:code>/": lambda o: {"code": o["unit"].code},
    "dieu-hanh/don-vi/<str:code>/so-lieu.json": lambda o: {"code": o["unit"].code},
    "ke-hoach/minh-chung/<int:pk>/": lambda o: {"pk": o["evidence"].pk},
    "ke-hoach/nhiem-vu/<int:pk>/": lambda o: {"pk": o["task"].pk},
}
for _route, _name in (("bao-cao/da-phat-hanh/<int:pk>/", "report"), ("bao-cao/da-phat-hanh/<int:pk>/so-sanh/", "report"),
                      ("bao-cao/da-phat-hanh/<int:pk>/tep.<str:fmt>", "report"), ("chi-tieu/<int:pk>/", "target"),
                      ("chi-tieu/<int:pk>/dieu-chinh/", "target"), ("khao-sat/<int:pk>/", "survey"),
                      ("khao-sat/<int:pk>/mo-dot/", "survey"), ("khao-sat/dot/<int:pk>/", "opening"),
                      ("khao-sat/dot/<int:pk>/ket-qua.xlsx", "opening")):
    ROW_PARAMETERS[_route] = lambda o, name=_name: {"pk": o[name].pk}
for _route in ("ke-hoach/<slug:key>/", "ke-hoach/<slug:key>/bao-cao-thang/", "ke-hoach/<slug:key>/chua-bao-cao/",
               "ke-hoach/<slug:key>/cua-toi/"):
    ROW_PARAMETERS[_route] = lambda o: {"key": o["plan"].key}
for _route in ("phan-anh/<str:code>/", "phan-anh/<str:code>/phan-cong/", "phan-anh/<str:code>/de-nghi-bo-sung/",
               "phan-anh/<str:code>/da-bo-sung/", "phan-anh/<str:code>/tra-loi/", "phan-anh/<str:code>/tu-choi/",
               "phan-anh/<str:code>/chuyen-don-vi/", "phan-anh/<str:code>/cong-khai/",
               "phan-anh/<str:code>/tra-loi.pdf", "dich-vu-cong/phan-anh/cua-toi/<str:code>/",
               "dich-vu-cong/phan-anh/cua-toi/<str:code>/danh-gia/",
               "dich-vu-cong/phan-anh/cua-toi/<str:code>/phan-anh-lai/",
               "dich-vu-cong/phan-anh/cua-toi/<str:code>/bo-sung/",
               "dich-vu-cong/phan-anh/cua-toi/<str:code>/tra-loi.pdf"):
    ROW_PARAMETERS[_route] = lambda o: {"code": o["feedback"].code}

PUBLIC = "OOOOOOOOOO"  # everybody, signed in or not
OFFICERS = "LFFOOOOOOO"  # every officer, monitor and administrator; citizens refused
UNIT_OBJECT = "LFFOOOONOO"  # officers of the object's unit, monitor and administrator; another unit's officer gets 404
DESK = "LFFOFOFOFF"  # desk officers and leaders (receipt, the desk rating tablet)
LEADERS = "LFFFFOFFOO"  # a unit's leader, the monitor and the administrator
PROVINCE = "LFFFFFFFOO"  # the provincial monitor and the administrator
OFFICE_POST = "LFFPPPPPPP"  # office actions: POST only, citizens and anonymous turned away first
PROVINCE_POST = "LFFFFFFFPP"  # the province's actions: POST only
OFFICE_ABSENT = "LFFNNNNNNN"  # office pages of an absent object (or a document not issued yet): 404 for officers
CITIZENS = "LOOFFFFFFF"  # a citizen's own lists; officers refused
OWN = "LONFFFFFFF"  # the citizen's own object: another citizen gets 404, officers 403
CITIZEN_POST = "LPPFFFFFFF"  # a citizen's actions: POST only
CITIZEN_ABSENT = "LNNFFFFFFF"  # a citizen's page of an absent object (or a document not issued yet)
LINK_ABSENT = "NNNNNNNNNN"  # a link with a token that does not exist; the QR code with no enrolment pending
POST_ONLY = "PPPPPPPPPP"  # POST only for everyone (logout, the platform callback)

TABLE: dict[str, str] = {
    # PUBLIC
    '': PUBLIC,
    'dang-nhap/': PUBLIC,
    'dich-vu-cong/': PUBLIC,
    'dich-vu-cong/khao-sat/cam-on/': PUBLIC,
    'dich-vu-cong/phan-anh/': PUBLIC,
    'dich-vu-cong/phan-anh/gui/': PUBLIC,
    'dich-vu-cong/thu-tuc/<str:code>/': PUBLIC,
    'dich-vu-cong/tra-cuu/': PUBLIC,
    'favicon.ico': PUBLIC,
    # OFFICERS
    'bao-cao/chi-so-766-tuan.pdf': OFFICERS,
    'bao-cao/chi-so-766-tuan.xlsx': OFFICERS,
    'bao-cao/da-phat-hanh/': OFFICERS,
    'canh-bao-tre-han/': OFFICERS,
    'chi-so/': OFFICERS,
    'chi-so/tut-hau/': OFFICERS,
    'chi-so/toan-quoc/': OFFICERS,
    'chi-so/xep-hang/': OFFICERS,
    'dong-bo/': OFFICERS,
    'hang-doi/': OFFICERS,
    'ke-hoach/chien-dich/': OFFICERS,
    'phan-anh/': OFFICERS,
    'phan-anh/qua-han/': OFFICERS,
    'thong-bao/loi/': OFFICERS,
    # UNIT_OBJECT
    'ho-so/<str:code>/': UNIT_OBJECT,
    'ho-so/<str:code>/giay-tiep-nhan.pdf': UNIT_OBJECT,
    'ho-so/<str:code>/phieu-kiem-soat.pdf': UNIT_OBJECT,
    'ho-so/<str:code>/thanh-phan/<int:pk>/': UNIT_OBJECT,
    'phan-anh/<str:code>/': UNIT_OBJECT,
    # DESK
    'danh-gia-tai-quay/': DESK,
    'danh-gia-tai-quay/cam-on/': DESK,
    'tiep-nhan-truc-tuyen/': DESK,
    'tiep-nhan/': DESK,
    'tiep-nhan/<str:procedure_code>/': DESK,
    'tiep-nhan/<str:procedure_code>/truc-tuyen/': DESK,
    # LEADERS
    'chi-so/viec-can-lam/': LEADERS,
    'chi-tieu/': LEADERS,
    'chi-tieu/moi/': LEADERS,
    'dieu-hanh/don-vi/<str:code>/': LEADERS,
    'dieu-hanh/don-vi/<str:code>/so-lieu.json': LEADERS,
    'du-bao/': LEADERS,
    'muc-do-hai-long/it-hai-long.xlsx': LEADERS,
    'muc-do-hai-long/it-hai-long/': LEADERS,
    'su-dung-dich-vu-cong/': LEADERS,
    # PROVINCE
    'bao-cao/phat-hanh/': PROVINCE,
    'dich-vu-cong/thoi-gian-nop-ho-so/': PROVINCE,
    'dieu-hanh/so-lieu.json': PROVINCE,
    'khao-sat/': PROVINCE,
    'khao-sat/moi/': PROVINCE,
    'thanh-toan/doi-soat/': PROVINCE,
    # OFFICE_POST
    'chi-tieu/<int:pk>/thu-hoi/': OFFICE_POST,
    'dong-bo/gui-lai/<int:pk>/': OFFICE_POST,
    'ho-so/<str:code>/chuyen-lien-thong/': OFFICE_POST,
    'ho-so/<str:code>/da-bo-sung/': OFFICE_POST,
    'ho-so/<str:code>/da-nop-phi/': OFFICE_POST,
    'ho-so/<str:code>/dung-xu-ly/': OFFICE_POST,
    'ho-so/<str:code>/phan-cong/': OFFICE_POST,
    'ho-so/<str:code>/phe-duyet-ky-so/': OFFICE_POST,
    'ho-so/<str:code>/rut-ho-so/': OFFICE_POST,
    'ho-so/<str:code>/tiep-nhan/': OFFICE_POST,
    'ho-so/<str:code>/tra-ket-qua/': OFFICE_POST,
    'ho-so/<str:code>/tu-choi/': OFFICE_POST,
    'ho-so/<str:code>/xin-loi-hen-lai/': OFFICE_POST,
    'ho-so/<str:code>/xu-ly-xong/': OFFICE_POST,
    'ho-so/<str:code>/yeu-cau-bo-sung/': OFFICE_POST,
    'ho-so/<str:code>/yeu-cau-nghia-vu-tai-chinh/': OFFICE_POST,
    'ke-hoach/nhiem-vu/<int:pk>/cap-nhat/': OFFICE_POST,
    'ke-hoach/nhiem-vu/<int:pk>/minh-chung/': OFFICE_POST,
    'phan-anh/<str:code>/chuyen-don-vi/': OFFICE_POST,
    'phan-anh/<str:code>/cong-khai/': OFFICE_POST,
    'phan-anh/<str:code>/da-bo-sung/': OFFICE_POST,
    'phan-anh/<str:code>/de-nghi-bo-sung/': OFFICE_POST,
    'phan-anh/<str:code>/phan-cong/': OFFICE_POST,
    'phan-anh/<str:code>/tra-loi/': OFFICE_POST,
    'phan-anh/<str:code>/tu-choi/': OFFICE_POST,
    # PROVINCE_POST
    'khao-sat/<int:pk>/phien-ban-moi/': PROVINCE_POST,
    'khao-sat/<int:pk>/sua/': PROVINCE_POST,
    'khao-sat/dot/<int:pk>/gui-loi-moi/': PROVINCE_POST,
    # OFFICE_ABSENT
    'ho-so/<str:code>/ket-qua-xem-truoc.pdf': OFFICE_ABSENT,
    'ho-so/<str:code>/ket-qua.pdf': OFFICE_ABSENT,
    'ho-so/<str:code>/ket-qua/kiem-tra-chu-ky/': OFFICE_ABSENT,
    'ho-so/<str:code>/phieu-tu-choi.pdf': OFFICE_ABSENT,
    'ho-so/<str:code>/phieu-yeu-cau-bo-sung.pdf': OFFICE_ABSENT,
    'ho-so/<str:code>/van-ban-xin-loi/<int:event_id>.pdf': OFFICE_ABSENT,
    'phan-anh/<str:code>/tra-loi.pdf': OFFICE_ABSENT,
    # CITIZENS
    'dich-vu-cong/ban-nhap/': CITIZENS,
    'dich-vu-cong/ho-so-cua-toi/': CITIZENS,
    'dich-vu-cong/khao-sat/': CITIZENS,
    'dich-vu-cong/phan-anh/cua-toi/': CITIZENS,
    # OWN
    'dich-vu-cong/ban-nhap/<int:pk>/': OWN,
    'dich-vu-cong/ho-so-cua-toi/<str:code>/': OWN,
    'dich-vu-cong/phan-anh/cua-toi/<str:code>/': OWN,
    # CITIZEN_POST
    'dich-vu-cong/ban-nhap/<int:pk>/tu-dong-luu/': CITIZEN_POST,
    'dich-vu-cong/ho-so-cua-toi/<str:code>/bo-sung/': CITIZEN_POST,
    'dich-vu-cong/ho-so-cua-toi/<str:code>/danh-gia/': CITIZEN_POST,
    'dich-vu-cong/phan-anh/cua-toi/<str:code>/bo-sung/': CITIZEN_POST,
    'dich-vu-cong/phan-anh/cua-toi/<str:code>/danh-gia/': CITIZEN_POST,
    'dich-vu-cong/phan-anh/cua-toi/<str:code>/phan-anh-lai/': CITIZEN_POST,
    # Commune A's target and plan task, a survey and its opening, a published report (objects of the world)
    'bao-cao/da-phat-hanh/<int:pk>/': OFFICERS,
    'bao-cao/da-phat-hanh/<int:pk>/so-sanh/': OFFICERS,
    'bao-cao/da-phat-hanh/<int:pk>/tep.<str:fmt>': OFFICERS,
    'chi-tieu/<int:pk>/': "LFFNNONNOO",  # commune A's target: its leader and the province; others 404
    'chi-tieu/<int:pk>/dieu-chinh/': "LFFNNFNNOO",  # changed by the province only; the unit's leader sees it
    'ke-hoach/<slug:key>/': UNIT_OBJECT,
    'ke-hoach/<slug:key>/bao-cao-thang/': "LFFFFOFFFF",  # the monthly report: a lead unit's leader
    'ke-hoach/<slug:key>/chua-bao-cao/': PROVINCE,
    'ke-hoach/<slug:key>/cua-toi/': "LFFOOOOONN",  # an officer's own unit's tasks; the province has no unit in it
    'ke-hoach/minh-chung/<int:pk>/': UNIT_OBJECT,
    'ke-hoach/nhiem-vu/<int:pk>/': UNIT_OBJECT,
    'khao-sat/<int:pk>/': PROVINCE,
    'khao-sat/<int:pk>/mo-dot/': PROVINCE,
    'khao-sat/dot/<int:pk>/': PROVINCE,
    'khao-sat/dot/<int:pk>/ket-qua.xlsx': PROVINCE,
    # CITIZEN_ABSENT
    'dich-vu-cong/ho-so-cua-toi/<str:code>/ket-qua.pdf': CITIZEN_ABSENT,
    'dich-vu-cong/ho-so-cua-toi/<str:code>/ket-qua/kiem-tra-chu-ky/': CITIZEN_ABSENT,
    'dich-vu-cong/khao-sat/<int:pk>/': CITIZEN_ABSENT,
    'dich-vu-cong/phan-anh/cua-toi/<str:code>/tra-loi.pdf': CITIZEN_ABSENT,
    # LINK_ABSENT
    'dang-nhap/ma-xac-thuc/ma-qr.svg': LINK_ABSENT,
    'danh-gia/<str:token>/': LINK_ABSENT,
    'dich-vu-cong/khao-sat/tra-loi/<str:token>/': LINK_ABSENT,
    # POST_ONLY
    'dang-xuat/': POST_ONLY,
    'dich-vu-cong/dang-xuat/': POST_ONLY,
    'thanh-toan/thong-bao/': POST_ONLY,
    # Rules of their own
    'ke-hoach/': "LFFRRRRRRR",  # officers: sent on to the plan when there is one
    'api/v1/fix-first': "AFFFFBFFBB",  # JSON: 401 anonymous, a leader's own unit (400: no period given)
    'api/v1/index': "BBBBBBBBBB",  # public JSON (400: no period given)
    'api/v1/index/extras': "BBBBBBBBBB",  # public JSON (400: no period given)
    'bao-cao/phat-hanh/xem-truoc.<str:fmt>': "LFFFFFFFBB",  # the issuing form's preview (400: no form data)
    'chi-so/chi-tieu/<str:indicator_id>/': "LFFBBBBBBB",  # officers (400: no such indicator)
    'dang-nhap/ma-xac-thuc/': "LRRRRRRRRR",  # second factor: only after the password step
    'dich-vu-cong/dang-nhap/': "URRUUUUUUU",  # the identity provider (503 unconfigured); signed-in citizens sent on
    'dich-vu-cong/dang-nhap/ve/': "UUUUUUUUUU",  # the provider's callback (503 unconfigured)
    'dich-vu-cong/thu-tuc/<str:code>/nop-truc-tuyen/': "LRRFFFFFFF",  # citizens: sent on to a new draft
    'dieu-hanh/': "LFFFFRFFOO",  # the province's dashboard; a leader is sent to his unit's
    'ho-so-cho-bo-sung/': "LFFOOOFOOO",  # officers except the read-only viewer
    'ho-so/<str:code>/danh-gia-tai-quay/': "LFFOFOFNFF",  # desk and leader of the dossier's unit
    'phan-anh/tiep-nhan/': "LFFOOOFOFF",  # officers who file feedback at a desk (not the viewer, monitor, admin)
    'thanh-toan/ho-so/<str:code>/thanh-toan/': "LPPPPPPPPP",  # starting a payment: POST only
    'thanh-toan/ket-qua/<str:order_code>/': "LNNNNNNNNN",  # the platform's return page of an absent order
    'tiep-nhan/<str:procedure_code>/truc-tuyen/<int:draft_id>/': "LFFNFNFNFF",  # DESK, for an absent draft
}


def walk(patterns=None, prefix=""):
    """Every URL pattern as its full route, includes resolved."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _fill(route: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def _outcome(response) -> str:
    code = response.status_code
    if code in (301, 302):
        return "L" if response["Location"].split("?")[0].endswith(LOGIN_PAGES) else "R"
    return {200: "O", 401: "A", 403: "F", 404: "N", 405: "P", 400: "B", 503: "U"}.get(code, f"[{code}]")


def test_every_url_pattern_is_in_the_table():
    routes = {route for route in walk() if not route.startswith(ADMIN_PREFIX)}
    assert sorted(routes - TABLE.keys()) == [], "URL patterns without a row in TABLE"
    assert sorted(TABLE.keys() - routes) == [], "rows of TABLE without a URL pattern"


@pytest.fixture
def objects(portal_world):  # noqa: F811
    w = portal_world
    dossier = receive(w)
    form = FormDefinition.objects.filter(procedure=w.birth).order_by("-version").first()
    draft = Draft.objects.create(owner=w.citizen, procedure=w.birth, form=form, unit=w.commune_a)
    feedback = file_item(w, user=w.citizen)
    return {"dossier": dossier, "component": dossier.components.order_by("pk").first(), "procedure": w.birth,
            "draft": draft, "feedback": feedback, "unit": w.commune_a, **_province_objects(w)}


def _province_objects(w) -> dict:
    """Commune A's target and plan task (with its evidence), a survey and its opening, a published report."""
    target = history.create_target(measure="online", scope=Scope.UNIT, unit=w.commune_a, value=Decimal(92),
                                   start=date(2025, 11, 3), end=date(2025, 11, 14), programme="Chiến dịch 45 ngày",
                                   by=w.monitor, reason="Giao chỉ tiêu")
    plan = Plan.objects.create(key="kh-thu", title="Kế hoạch thử", period_start=date(2025, 10, 1),
                               period_end=date(2025, 12, 31), reports_from=date(2025, 10, 1))
    task = Task.objects.create(plan=plan, number="1", title="Số hóa hồ sơ", deadline=date(2025, 12, 1))
    task.lead_units.add(w.commune_a)
    evidence = Evidence.objects.create(
        task=task, unit=w.commune_a, name="bien-ban.pdf", file=ContentFile(b"%PDF-1.4\n%%EOF\n", "bien-ban.pdf"),
        content_type="application/pdf", size=15, at=timezone.now(), by=w.leader_a)
    opening = open_opening(w)
    day = date(2025, 11, 14)
    report = publishing.issue_report("weekly", publishing.weekly_parameters(day, "qd766", False),
                                     default_letterhead("weekly", day).with_(number="125/BC-VPUB"))
    return {"target": target, "plan": plan, "task": task, "evidence": evidence, "survey": opening.survey,
            "opening": opening, "report": report}


def _clients(people) -> dict:
    """A client per role, from an address of its own (rate limits count per address in a process-wide cache)."""
    address = f"192.0.2.{uuid.uuid4().int % 250 + 1}"
    clients = {}
    for role in ROLES:
        client = clients[role] = Client(REMOTE_ADDR=address)
        if role != "anonymous":
            pass_second_factor(client, getattr(people, role))  # the administrator's second factor too
    return clients


def test_the_admin_is_the_administrators_only(portal_world):  # noqa: F811
    assert any(route.startswith(ADMIN_PREFIX) for route in walk())
    clients = _clients(portal_world)
    for url in ("/admin/", "/admin/dossiers/dossier/", "/admin/core/membership/"):
        got = "".join(_outcome(clients[role].get(url)) for role in ROLES)
        assert got == "LLLLLLLLLO", (url, got)


def test_who_may_get_each_url(portal_world, objects, settings):  # noqa: F811
    settings.MOTCUA_OIDC_ISSUER = ""  # the citizens' sign-in answers 503 "not configured"
    clients = _clients(portal_world)
    parameters = _parameters(objects)
    wrong = []
    for route in sorted(TABLE):
        values = parameters | ROW_PARAMETERS.get(route, lambda o: {})(objects)
        url = _fill(route, values)
        got = "".join(_outcome(clients[role].get(url)) for role in ROLES)
        if got != TABLE[route]:
            wrong.append(f"{route!r}: {TABLE[route]!r},  # got {got!r} for {url}")
    assert not wrong, "\n".join(wrong)
