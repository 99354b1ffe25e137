"""Citizens sign in through the identity-provider stand-in with the real code flow (PKCE S256)."""

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.citizens.models import AccountEvent, Citizen, Kind
from motcua.core.models import Membership, Role
from tests.citizens.conftest import AN, AN_PHAT

pytestmark = pytest.mark.django_db


def start(client, **params):
    response = client.get("/dich-vu-cong/dang-nhap/", params)
    assert response.status_code == 302
    return response["Location"]


def test_the_flow_asks_for_a_code_with_pkce_s256(client, oidc):
    query = parse_qs(urlsplit(start(client)).query)
    assert urlsplit(start(client)).netloc == urlsplit(oidc.url).netloc
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [oidc.client_id]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert set(query["scope"][0].split()) == {"openid", "profile", "citizen"}
    assert query["nonce"] and query["state"]


def test_sign_in_creates_the_citizen_with_the_population_data(client, oidc):
    before = timezone.now()
    response = oidc.sign_in(client, AN)

    assert response.status_code == 302
    assert response["Location"] == "/dich-vu-cong/ho-so-cua-toi/"
    person = oidc.person(AN)
    citizen = Citizen.objects.get(id_number=AN)
    assert citizen.kind == Kind.PERSON
    assert citizen.subject == person["subject"]
    assert citizen.full_name == "Nguyễn Văn An"
    assert citizen.birth_date == date(1990, 5, 12)
    assert citizen.sex == "Nam"
    assert citizen.permanent_address == "Tổ 5, phường Phan Đình Phùng, tỉnh Thái Nguyên"
    assert citizen.commune_code == "05443"
    assert citizen.household_code == person["household_code"]
    assert citizen.phone == person["phone"]
    assert citizen.email == person["email"]
    user = citizen.user
    assert user.username == AN and not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.unit, membership.full_name) == (Role.CITIZEN, None, "Nguyễn Văn An")
    # Signed in in the session, with the moment recorded.
    assert int(client.session["_auth_user_id"]) == user.pk
    signed_in_at = datetime.fromisoformat(client.session["signed_in_at"])
    assert before <= signed_in_at <= timezone.now()
    event = AccountEvent.objects.get(citizen=citizen)
    assert event.action == AccountEvent.Action.CREATED
    assert event.changes["full_name"] == [None, "Nguyễn Văn An"]


def test_a_second_sign_in_brings_the_account_up_to_date(client, oidc):
    oidc.sign_in(client, AN)
    Citizen.objects.filter(id_number=AN).update(phone="0000000000", full_name="Nguyễn Văn Cũ", household_code="")
    client.post("/dich-vu-cong/dang-xuat/")

    response = oidc.sign_in(client, AN)

    assert response.status_code == 302
    citizen = Citizen.objects.get(id_number=AN)
    assert Citizen.objects.filter(subject=citizen.subject).count() == 1
    assert get_user_model().objects.filter(username=AN).count() == 1
    assert citizen.phone == oidc.person(AN)["phone"]
    assert citizen.full_name == "Nguyễn Văn An"
    last = citizen.events.filter(action=AccountEvent.Action.SIGNED_IN).get()
    assert last.changes == {"full_name": ["Nguyễn Văn Cũ", "Nguyễn Văn An"],
                            "household_code": ["", oidc.person(AN)["household_code"]],
                            "phone": ["0000000000", oidc.person(AN)["phone"]]}
    assert citizen.events.filter(action=AccountEvent.Action.SIGNED_OUT).count() == 1


def test_a_business_signs_in_with_its_tax_code(client, oidc):
    response = oidc.sign_in(client, AN_PHAT)

    assert response.status_code == 302
    citizen = Citizen.objects.get(tax_code=AN_PHAT)
    assert citizen.kind == Kind.BUSINESS
    assert citizen.identifier == AN_PHAT == citizen.user.username
    assert citizen.organization_name == "Công ty TNHH Thương mại Dịch vụ An Phát"
    assert citizen.full_name == citizen.organization_name
    assert citizen.id_number == "" and citizen.birth_date is None
    assert citizen.commune_code == "05443"
    assert citizen.user.membership.role == Role.CITIZEN


def test_a_generated_person_signs_in_too(client, oidc):
    person = next(p for p in oidc.people[10:] if p["kind"] == "person" and p["birth_date"] < "2000")
    oidc.sign_in(client, person["identifier"])
    citizen = Citizen.objects.get(id_number=person["identifier"])
    assert citizen.full_name == person["full_name"]
    assert citizen.permanent_address == person["permanent_address"]
    assert citizen.sex == {"male": "Nam", "female": "Nữ"}[person["gender"]]


def test_next_is_kept_when_it_is_on_this_site(client, oidc):
    response = oidc.sign_in(client, AN, next_url="/dich-vu-cong/thu-tuc/1.001193/")
    assert response["Location"] == "/dich-vu-cong/thu-tuc/1.001193/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "http://evil.example/dich-vu-cong/",
                                    "javascript:alert(1)"])
def test_next_to_another_site_is_refused(client, oidc, target):
    response = oidc.sign_in(client, AN, next_url=target)
    assert response.status_code == 302
    assert response["Location"] == "/dich-vu-cong/ho-so-cua-toi/"


def test_a_callback_whose_state_was_not_issued_to_this_browser_is_refused(client, oidc):
    back = oidc.authorize(start(client), AN)
    code = parse_qs(urlsplit(back).query)["code"][0]

    response = client.get("/dich-vu-cong/dang-nhap/ve/", {"code": code, "state": "forged-state"})

    assert response.status_code == 400
    assert "Phiên đăng nhập không hợp lệ" in response.content.decode()
    assert 'href="/dich-vu-cong/dang-nhap/"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Citizen.objects.exists()


def test_a_callback_replayed_in_another_browser_is_refused(client, oidc):
    from django.test import Client

    back = oidc.authorize(start(client), AN)
    other = Client()
    response = other.get(back)
    assert response.status_code == 400
    assert "_auth_user_id" not in other.session
    assert not Citizen.objects.exists()


def test_a_refusal_from_the_provider_is_a_vietnamese_page(client, oidc):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get("/dich-vu-cong/dang-nhap/ve/", {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "đã không đồng ý đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_down_gives_a_vietnamese_page_and_no_session(client, oidc, caplog):
    back = oidc.authorize(start(client), AN)
    oidc.standin.faults({"kind": "down", "path": "/token/"})

    response = client.get(back)

    assert response.status_code == 503
    assert "tạm thời không phản hồi" in response.content.decode()
    assert 'href="/dich-vu-cong/dang-nhap/"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Citizen.objects.exists()
    assert any("did not answer properly" in r.getMessage() or "token exchange failed" in r.getMessage()
               for r in caplog.records)
    # Once it is back, signing in again works.
    assert oidc.sign_in(client, AN).status_code == 302
    assert Citizen.objects.filter(id_number=AN).exists()


def test_a_provider_that_does_not_answer_at_all_gives_a_vietnamese_page(client, oidc, settings):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        settings.MOTCUA_OIDC_ISSUER = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.MOTCUA_OIDC_TIMEOUT = 2
    response = client.get("/dich-vu-cong/dang-nhap/")
    assert response.status_code == 503
    assert "tạm thời không phản hồi" in response.content.decode()


def test_a_killed_provider_gives_a_vietnamese_page_and_comes_back(client, oidc, settings):
    back = oidc.authorize(start(client), AN)
    oidc.standin.kill()
    try:
        response = client.get(back)
        assert response.status_code == 503
        assert "tạm thời không phản hồi" in response.content.decode()
    finally:
        oidc.standin.restart()
    oidc.configure(settings)  # the same port if it was free, else another
    assert oidc.sign_in(client, AN).status_code == 302


def test_an_id_token_not_signed_by_the_provider_is_refused(client, oidc):
    import time

    from joserfc import jwt
    from joserfc.jwk import RSAKey

    start_url = start(client)
    query = parse_qs(urlsplit(start_url).query)
    back = oidc.authorize(start_url, AN)
    forger = RSAKey.generate_key(2048)
    now = int(time.time())
    forged = jwt.encode({"alg": "RS256", "kid": "forged"},
                        {"iss": oidc.url, "aud": oidc.client_id, "sub": oidc.person(AN)["subject"], "iat": now,
                         "exp": now + 300, "nonce": query["nonce"][0], "name": "Kẻ Mạo Danh",
                         "id_number": AN, "kind": "person"}, forger)
    oidc.standin.faults({"kind": "status", "status": 200, "path": "/token/",
                         "body": {"access_token": "forged", "token_type": "Bearer", "expires_in": 300,
                                  "id_token": forged}})

    response = client.get(back)

    assert response.status_code == 502
    assert "Không xác thực được thông tin đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Citizen.objects.exists()


def test_a_wrong_client_secret_is_refused_by_the_provider(client, oidc, settings):
    settings.MOTCUA_OIDC_CLIENT_SECRET = "not-the-secret"
    back = oidc.authorize(start(client), AN)
    response = client.get(back)
    assert response.status_code == 502
    assert "_auth_user_id" not in client.session


def test_sign_in_is_rate_limited_per_address(client, oidc, settings):
    settings.MOTCUA_SIGNIN_RATE = "3/m"
    for _ in range(3):
        assert client.get("/dich-vu-cong/dang-nhap/", REMOTE_ADDR="198.51.100.7").status_code == 302
    response = client.get("/dich-vu-cong/dang-nhap/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert "Quá nhiều lần đăng nhập" in response.content.decode()
    assert response["Retry-After"] == "60"
    # The callback shares the count; another address is not affected.
    assert client.get("/dich-vu-cong/dang-nhap/ve/", {"code": "x", "state": "y"},
                      REMOTE_ADDR="198.51.100.7").status_code == 429
    assert client.get("/dich-vu-cong/dang-nhap/", REMOTE_ADDR="198.51.100.8").status_code == 302


def test_sign_out_ends_the_session(client, oidc):
    oidc.sign_in(client, AN)
    assert client.get("/dich-vu-cong/dang-xuat/").status_code == 405
    response = client.post("/dich-vu-cong/dang-xuat/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_signed_in_citizen_is_sent_on_at_once(client, oidc):
    oidc.sign_in(client, AN)
    response = client.get("/dich-vu-cong/dang-nhap/", {"next": "/dich-vu-cong/"})
    assert response["Location"] == "/dich-vu-cong/"


def test_without_a_configured_provider_the_page_says_so(client, settings):
    settings.MOTCUA_OIDC_ISSUER = ""
    response = client.get("/dich-vu-cong/dang-nhap/")
    assert response.status_code == 503
    assert "chưa được cấu hình" in response.content.decode()


def test_the_session_keeps_the_project_idle_timeout(settings):
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE) == timedelta(minutes=15)
