"""`identity_provider`: the identity-provider stand-in (motcua.standins.identity) running as its own process,
once per test session; `oidc` points motcua's settings at it for one test.

Other test folders reuse them by importing them into their conftest or module:

    from tests.citizens.conftest import identity_provider, oidc  # noqa: F401

    def test_something(client, oidc):
        oidc.sign_in(client, "019090000001")          # the real code flow; `client` is now the citizen
        ...

`identity_provider.url` is the issuer, `.client_id` / `.client_secret` the registered client, `.password`
the demo password of every seeded person, `.people` the seeded records (docs/interop-identity.md),
`.standin` the StandinProcess (faults, down, kill, restart). `authorize(url, identifier)` drives the
provider's sign-in page with a real HTTP client and returns the redirect back (with the code).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx
import pytest

from motcua.standins.process import StandinProcess

CLIENT_ID = "motcua-test"
CLIENT_SECRET = "motcua-test-secret"
AN = "019090000001"  # Nguyễn Văn An, the first fixed person
AN_PHAT = "4601234567"  # Công ty TNHH Thương mại Dịch vụ An Phát


class SignInRefused(AssertionError):
    """The provider's sign-in page answered with the form again (wrong identifier or password)."""


class IdentityProvider:
    def __init__(self, standin: StandinProcess):
        self.standin = standin
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        listing = standin._control("GET", "people")
        self.password = listing["password"]
        self.people = listing["people"]

    @property
    def url(self) -> str:
        return self.standin.url

    def person(self, identifier: str) -> dict:
        return next(p for p in self.people if p["identifier"] == identifier)

    def configure(self, settings) -> None:
        """Point motcua at the stand-in (pytest-django's `settings` fixture)."""
        settings.MOTCUA_OIDC_ISSUER = self.url
        settings.MOTCUA_OIDC_CLIENT_ID = self.client_id
        settings.MOTCUA_OIDC_CLIENT_SECRET = self.client_secret

    def authorize(self, authorize_url: str, identifier: str, password: str | None = None) -> str:
        """Follow `authorize_url` at the provider, sign in on its page, return where it sends the browser
        back (the redirect URI with `code` and `state`, or with `error`)."""
        with httpx.Client(timeout=15.0) as http:
            answer = http.get(authorize_url)
            if answer.status_code != 302:
                raise AssertionError(f"authorize: {answer.status_code} {answer.text[:300]}")
            login_url = urljoin(authorize_url, answer.headers["location"])
            if "/dang-nhap/" not in login_url:
                return login_url  # already an answer for the client (an error)
            page = http.get(login_url)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            next_url = re.search(r'name="next" value="([^"]*)"', page.text).group(1)
            answer = http.post(login_url, data={"csrfmiddlewaretoken": token, "username": identifier,
                                                "password": self.password if password is None else password,
                                                "next": next_url.replace("&amp;", "&")})
            if answer.status_code == 200:
                raise SignInRefused(answer.text)
            answer = http.get(urljoin(login_url, answer.headers["location"]))
            assert answer.status_code == 302, (answer.status_code, answer.text[:300])
            return answer.headers["location"]

    def sign_in(self, client, identifier: str, next_url: str | None = None, **extra):
        """The whole code flow with Django's test `client`: motcua's sign-in, the provider's page, the
        callback. Returns the callback's response."""
        start = client.get("/dich-vu-cong/dang-nhap/", {"next": next_url} if next_url else {}, **extra)
        assert start.status_code == 302, start.content[:500]
        back = self.authorize(start["Location"], identifier)
        return client.get(back, **extra)


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("identity")
    standin = StandinProcess(module="motcua.standins.identity", token="identity-test-token",
                             state_file=folder / "identity.sqlite3", startup_timeout=90,
                             extra_args=("--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET))
    standin.start()
    try:
        yield IdentityProvider(standin)
    finally:
        standin.stop()


@pytest.fixture
def oidc(identity_provider, settings):
    """The stand-in with motcua's settings pointing at it, its faults cleared and the sign-in rate limits
    forgotten before and after the test."""
    from django.core.cache import cache

    if not identity_provider.standin.running:
        identity_provider.standin.restart()
    identity_provider.standin.clear()
    identity_provider.configure(settings)
    cache.clear()
    yield identity_provider
    cache.clear()
    if identity_provider.standin.running:
        identity_provider.standin.clear()
