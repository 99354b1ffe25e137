"""The identity-provider stand-in (motcua.standins.identity) as a real OIDC provider, driven over HTTP."""

import base64
import hashlib
import re
import secrets
import time
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from motcua.standins.identity.population import DEMO_PASSWORD, population
from tests.citizens.conftest import AN, AN_PHAT, SignInRefused, identity_provider  # noqa: F401

REDIRECT = "http://127.0.0.1:8000/dich-vu-cong/dang-nhap/ve/"


@pytest.fixture
def idp(identity_provider):  # noqa: F811 - the imported fixture
    if not identity_provider.standin.running:
        identity_provider.standin.restart()
    identity_provider.standin.clear()
    yield identity_provider
    if identity_provider.standin.running:
        identity_provider.standin.clear()


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(idp, challenge=None, scope="openid profile citizen", redirect=REDIRECT, **extra):
    params = {"response_type": "code", "client_id": idp.client_id, "redirect_uri": redirect, "scope": scope,
              "state": "s1", "nonce": "n1", **extra}
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return f"{idp.url}/authorize/?{urlencode(params)}"


def code_for(idp, identifier, challenge, **kwargs):
    back = idp.authorize(authorize_url(idp, challenge, **kwargs), identifier)
    query = parse_qs(urlsplit(back).query)
    assert query["state"] == ["s1"], back
    return query["code"][0]


def exchange(idp, code, verifier=None, redirect=REDIRECT):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect}
    if verifier is not None:
        data["code_verifier"] = verifier
    return httpx.post(f"{idp.url}/token/", data=data, auth=(idp.client_id, idp.client_secret), timeout=10)


def signed_in_http(idp, identifier) -> httpx.Client:
    """An HTTP client signed in at the provider's page (as a browser would be)."""
    http = httpx.Client(timeout=10)
    page = http.get(f"{idp.url}/dang-nhap/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = http.post(f"{idp.url}/dang-nhap/", data={"csrfmiddlewaretoken": token, "username": identifier,
                                                       "password": idp.password, "next": "/"})
    assert answer.status_code == 302
    return http


def id_token_claims(idp, token: str) -> dict:
    keys = KeySet.import_key_set(httpx.get(f"{idp.url}/.well-known/jwks.json").json())
    decoded = jwt.decode(token, keys)
    assert decoded.header["alg"] == "RS256"
    return decoded.claims


def test_discovery_names_the_issuer_its_endpoints_and_the_claims(idp):
    meta = httpx.get(f"{idp.url}/.well-known/openid-configuration").json()
    assert meta["issuer"] == idp.url
    assert meta["authorization_endpoint"] == f"{idp.url}/authorize/"
    assert meta["token_endpoint"] == f"{idp.url}/token/"
    assert meta["userinfo_endpoint"] == f"{idp.url}/userinfo/"
    assert "S256" in meta["code_challenge_methods_supported"]
    assert {"openid", "profile", "citizen"} <= set(meta["scopes_supported"])
    assert {"id_number", "household_code", "commune_code", "tax_code"} <= set(meta["claims_supported"])
    jwks = httpx.get(meta["jwks_uri"]).json()
    assert [k["kty"] for k in jwks["keys"]] == ["RSA"]


def test_a_code_flow_with_pkce_gives_a_signed_id_token_with_the_population_data(idp):
    verifier, challenge = pkce()
    answer = exchange(idp, code_for(idp, AN, challenge), verifier)
    assert answer.status_code == 200, answer.text
    token = answer.json()
    claims = id_token_claims(idp, token["id_token"])
    person = idp.person(AN)
    assert claims["iss"] == idp.url and claims["aud"] == idp.client_id and claims["nonce"] == "n1"
    assert claims["sub"] == person["subject"]
    assert claims["name"] == "Nguyễn Văn An"
    assert claims["id_number"] == claims["so_dinh_danh"] == AN
    assert claims["birthdate"] == "1990-05-12" and claims["gender"] == "male"
    assert claims["household_code"] == person["household_code"]
    assert claims["commune_code"] == "05443"
    assert claims["permanent_address"] == "Tổ 5, phường Phan Đình Phùng, tỉnh Thái Nguyên"
    assert claims["address"]["formatted"] == claims["permanent_address"]
    assert claims["phone_number"] == person["phone"] and claims["kind"] == "person"
    assert "tax_code" not in claims
    userinfo = httpx.get(f"{idp.url}/userinfo/", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert userinfo.status_code == 200
    assert userinfo.json()["id_number"] == AN and userinfo.json()["sub"] == person["subject"]


def test_a_business_has_its_tax_code_name_and_legal_representative(idp):
    verifier, challenge = pkce()
    claims = id_token_claims(idp, exchange(idp, code_for(idp, AN_PHAT, challenge), verifier).json()["id_token"])
    assert claims["kind"] == "business"
    assert claims["tax_code"] == AN_PHAT
    assert claims["organization_name"] == claims["name"] == "Công ty TNHH Thương mại Dịch vụ An Phát"
    assert claims["legal_representative"] == {"name": "Nguyễn Văn An", "id_number": AN}
    assert "id_number" not in claims and "birthdate" not in claims


def test_without_the_citizen_scope_no_identity_number_is_given(idp):
    verifier, challenge = pkce()
    code = code_for(idp, AN, challenge, scope="openid profile")
    claims = id_token_claims(idp, exchange(idp, code, verifier).json()["id_token"])
    assert claims["name"] == "Nguyễn Văn An"
    assert "id_number" not in claims and "household_code" not in claims


def test_pkce_is_required_at_the_authorization_endpoint(idp):
    back = idp.authorize(authorize_url(idp, challenge=None), AN)
    query = parse_qs(urlsplit(back).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query


def test_a_code_exchanged_without_the_verifier_or_with_a_wrong_one_fails(idp):
    verifier, challenge = pkce()
    code = code_for(idp, AN, challenge)
    missing = exchange(idp, code, None)
    assert missing.status_code == 400 and missing.json()["error"] in ("invalid_request", "invalid_grant")
    verifier2, challenge2 = pkce()
    code2 = code_for(idp, AN, challenge2)
    wrong = exchange(idp, code2, verifier)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert exchange(idp, code2, verifier2).status_code == 200  # only the right verifier gets the tokens
    assert exchange(idp, code2, verifier2).status_code == 400  # and a code is used once


def test_a_wrong_client_secret_and_a_foreign_redirect_uri_are_refused(idp):
    verifier, challenge = pkce()
    code = code_for(idp, AN, challenge)
    answer = httpx.post(f"{idp.url}/token/", auth=(idp.client_id, "wrong"),
                        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                              "code_verifier": verifier})
    assert answer.status_code == 401
    http = signed_in_http(idp, AN)
    try:
        foreign = http.get(authorize_url(idp, challenge, redirect="https://evil.example/cb"))
    finally:
        http.close()
    assert foreign.status_code == 400
    assert "location" not in foreign.headers


def test_a_loopback_redirect_uri_on_another_port_is_accepted(idp):
    verifier, challenge = pkce()
    other = "http://127.0.0.1:49152/dich-vu-cong/dang-nhap/ve/"
    code = code_for(idp, AN, challenge, redirect=other)
    assert exchange(idp, code, verifier, redirect=other).status_code == 200


def test_a_wrong_password_or_unknown_number_is_refused_on_the_sign_in_page(idp):
    _verifier, challenge = pkce()
    with pytest.raises(SignInRefused) as refused:
        idp.authorize(authorize_url(idp, challenge), AN, password="sai-mat-khau-123")
    assert "Số định danh (mã số thuế) hoặc mật khẩu không đúng" in str(refused.value)
    with pytest.raises(SignInRefused):
        idp.authorize(authorize_url(idp, challenge), "019999999999")


def test_the_sign_in_page_is_in_vietnamese_with_its_own_cookies(idp):
    answer = httpx.get(f"{idp.url}/dang-nhap/")
    assert answer.status_code == 200
    assert "Số định danh cá nhân / Mã số thuế" in answer.text and 'lang="vi"' in answer.text
    assert "vneid_csrftoken" in answer.cookies and "csrftoken" not in answer.cookies


def test_faults_down_on_the_token_endpoint_then_slow(idp):
    verifier, challenge = pkce()
    code = code_for(idp, AN, challenge)
    idp.standin.faults({"kind": "down", "path": "/token/"})
    down = exchange(idp, code, verifier)
    assert down.status_code == 503 and down.json()["error"] == "temporarily_unavailable"
    assert exchange(idp, code, verifier).status_code == 200  # the fault used up; the code was not spent
    idp.standin.faults({"kind": "slow", "seconds": 0.6, "path": "*"})
    began = time.monotonic()
    assert httpx.get(f"{idp.url}/.well-known/openid-configuration").status_code == 200
    assert time.monotonic() - began >= 0.6


def test_down_for_every_path_until_cleared(idp):
    idp.standin.down()
    assert httpx.get(f"{idp.url}/.well-known/openid-configuration").status_code == 503
    assert idp.standin.state()["down_for"] == "until clear"
    idp.standin.clear()
    assert httpx.get(f"{idp.url}/.well-known/openid-configuration").status_code == 200


def test_the_control_paths_need_the_token(idp):
    assert httpx.get(f"{idp.url}/_standin/people").status_code == 401
    assert httpx.post(f"{idp.url}/_standin/faults", json={"kind": "down"},
                      headers={"Authorization": "Bearer wrong"}).status_code == 401
    bad = httpx.post(f"{idp.url}/_standin/faults", json={"kind": "explode"},
                     headers={"Authorization": f"Bearer {idp.standin.token}"})
    assert bad.status_code == 400


def test_the_seeded_population(idp):
    people = idp.people
    assert idp.password == DEMO_PASSWORD
    assert [p["identifier"] for p in people[:4]] == ["019090000001", "019192000002", "019075000003",
                                                      "019305000004"]
    persons = [p for p in people if p["kind"] == "person"]
    businesses = [p for p in people if p["kind"] == "business"]
    assert len(persons) == 500 and len(businesses) == 30
    assert len({p["identifier"] for p in people}) == len(people)
    assert len({p["subject"] for p in people}) == len(people)
    for p in persons:
        born = date.fromisoformat(p["birth_date"])
        assert re.fullmatch(r"019[0-3]\d{8}", p["id_number"]), p
        century = 0 if born.year < 2000 else 2
        assert int(p["id_number"][3]) == century + (0 if p["gender"] == "male" else 1), p
        assert p["id_number"][4:6] == f"{born.year % 100:02d}"
        assert p["permanent_address"].endswith(", tỉnh Thái Nguyên")
        assert p["household_code"].startswith(p["commune_code"] + "-")
        assert re.fullmatch(r"0\d{9}", p["phone"])
    for b in businesses:
        assert re.fullmatch(r"46\d{8}", b["tax_code"]) and b["representative_name"]
    households = {}
    for p in persons:
        households.setdefault(p["household_code"], []).append(p)
    assert max(len(members) for members in households.values()) >= 3
    assert len({p["commune_code"] for p in persons}) >= 50
    assert any(ch in p["full_name"] for p in persons for ch in "ễịầọ")


def test_the_population_is_the_same_for_a_seed_and_differs_for_another():
    assert population(7) == population(7)
    seven, eight = population(7), population(8)
    assert seven[:4] == eight[:4] and seven[500] == eight[500]  # the fixed people and business
    assert seven[500]["tax_code"] == AN_PHAT
    assert seven[4:500] != eight[4:500]


def test_a_killed_provider_restarts_with_its_people_and_its_signing_key(idp):
    before = httpx.get(f"{idp.url}/.well-known/jwks.json").json()
    idp.standin.kill()
    assert not idp.standin.running
    idp.standin.restart()
    after = httpx.get(f"{idp.url}/.well-known/jwks.json").json()
    assert before == after
    assert idp.standin.state()["people"] == 530
