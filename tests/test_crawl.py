"""A crawl of every page per role: from the pages the navigation links, follow every same-site link (GET
only, at most MAX_PAGES per role, no logout, no file downloads) with the test client on a small world with
dossiers, feedback and a payment order, the citizens' identity provider running as its stand-in (links to
it leave the site and are not followed), and collect every 5xx. The run fails with the full list.

Issue 12: "a crawl test of every page per role finds no 5xx". Roles: anonymous, citizen, desk officer,
processing officer, leader, viewer, provincial monitor, administrator (second factor marked done).
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client

from motcua.office import actions
from motcua.payments.models import Purpose
from motcua.payments.online import start_order
from tests.citizens.conftest import identity_provider, oidc  # noqa: F401 (the citizens' sign-in, a real stand-in)
from tests.feedback.conftest import file_item
from tests.office.conftest import AT, client_of, media_root, password_hash, receive, world  # noqa: F401
from tests.payments.conftest import payment_settings  # noqa: F401 (autouse: online payment configured)
from tests.portal.conftest import portal_world  # noqa: F401

MAX_PAGES = 300
START = ["/", "/dich-vu-cong/", "/chi-so/", "/hang-doi/"]
SKIP_PREFIXES = ("/dang-xuat/", "/static/", "/media/")
DOWNLOADS = ("application/pdf", "application/vnd.", "application/zip", "application/octet-stream", "text/csv",
             "image/", "application/xml")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _same_site(base: str, href: str) -> str | None:
    url = urldefrag(urljoin(base, href))[0]
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
        return None
    return path


def crawl(client: Client, start=START, limit=MAX_PAGES):
    """(visited, failures): every page reached, and (url, status, referrer) of each 5xx."""
    client.raise_request_exception = False
    queue = deque((url, None) for url in start)
    seen = set(start)
    visited, failures = [], []
    while queue and len(visited) < limit:
        url, referrer = queue.popleft()
        response = client.get(url)
        visited.append((url, response.status_code))
        if response.status_code >= 500:
            failures.append((url, response.status_code, referrer))
            continue
        content_type = response.get("Content-Type", "")
        if response.status_code in (301, 302, 303, 307, 308):
            target = _same_site(url, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
            continue
        if not content_type.startswith("text/html") or content_type.startswith(DOWNLOADS):
            continue
        parser = _Links()
        parser.feed(response.content.decode("utf-8", "replace"))
        for href in parser.links:
            target = _same_site(url, href)
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
    return visited, failures


@pytest.fixture
def crawl_world(portal_world):  # noqa: F811
    """Dossiers at several steps, a feedback item, a payment order: enough that every list has rows."""
    w = portal_world
    waiting = receive(w)
    assigned = receive(w)
    actions.do_assign(assigned, actor=w.leader_a, assignee=w.processor_a, version=assigned.version, at=AT)
    receive(w, procedure=w.copy)
    fee = receive(w, procedure=w.copy)
    start_order(fee, purpose=Purpose.SUBMISSION, actor=w.citizen, at=AT)
    receive(w, desk=w.desk_b, unit=w.commune_b, id_number="019090009999")
    file_item(w)
    w.people.dossiers = [waiting, assigned, fee]
    return w


ROLES = ["anonymous", "citizen", "desk_a", "processor_a", "leader_a", "viewer_a", "monitor", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_reachable_from_the_navigation_answers_a_server_error(crawl_world, client_of, role,  # noqa: F811
                                                                     settings, oidc):  # noqa: F811
    settings.MOTCUA_API_RATE = ""  # a crawl of 300 pages is not an attack
    client = Client() if role == "anonymous" else client_of(getattr(crawl_world, role))
    visited, failures = crawl(client)
    assert len(visited) > 5, visited  # the crawl did reach pages (the navigation's links were followed)
    report = "\n".join(f"{status} {url}  (linked from {referrer})" for url, status, referrer in failures)
    assert not failures, f"{len(failures)} of {len(visited)} pages answered 5xx for {role}:\n{report}"


# -- the first visitor's problems (issue 12) --------------------------------------------------------------

def _header_links(html: str) -> list[str]:
    header = html.split("<header>", 1)[1].split("</header>", 1)[0]
    parser = _Links()
    parser.feed(header)
    return [link for link in (_same_site("/", href) for href in parser.links) if link]


@pytest.mark.django_db
def test_a_first_visitor_who_clicks_the_index_is_asked_to_sign_in_not_told_the_session_expired(client):
    links = _header_links(client.get("/").content.decode())
    assert "/chi-so/" in links
    response = client.get("/chi-so/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/dang-nhap/?next=")
    page = response.content.decode()
    assert "Trang này dành cho cán bộ, công chức: vui lòng đăng nhập để xem." in page
    assert "hết hạn" not in page


@pytest.mark.django_db
def test_a_browser_with_a_stale_session_is_told_it_expired(client, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "phien-cu-da-het-han"
    page = client.get("/chi-so/", follow=True).content.decode()
    assert "Phiên làm việc đã hết hạn" in page


def test_every_link_of_the_citizens_header_answers(crawl_world, client_of):  # noqa: F811
    client = client_of(crawl_world.citizen)
    links = _header_links(client.get("/").content.decode())
    assert "/dich-vu-cong/ho-so-cua-toi/" in links and "/hang-doi/" not in links and "/chi-so/" not in links
    answers = {link: client.get(link).status_code for link in links}
    assert all(status < 400 for status in answers.values()), answers
