"""The usage tests' world: the portal's (units, procedures, forms, citizens) and browsers that say who
they are, since requests without a user agent are not counted."""

from django.test import Client

from tests.office.conftest import client_of, media_root, password_hash, world  # noqa: F401
from tests.portal.conftest import citizen_client, portal_world  # noqa: F401

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


def browser(user_agent=FIREFOX, address="203.0.113.7", user=None) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    if user is not None:
        client.force_login(user)
    return client
