"""The identity provider as an OpenID Connect client (Authlib's Django client): authorization code with
PKCE (S256), endpoints and keys from the provider's discovery document. The provider is settings only:
MOTCUA_OIDC_ISSUER (its base URL), MOTCUA_OIDC_CLIENT_ID, MOTCUA_OIDC_CLIENT_SECRET, MOTCUA_OIDC_SCOPE,
MOTCUA_OIDC_TIMEOUT (docs/interop-identity.md)."""

from __future__ import annotations

import threading

from authlib.integrations.django_client import OAuth
from django.conf import settings

_clients: dict[tuple, object] = {}
_lock = threading.Lock()


class NotConfigured(RuntimeError):
    """MOTCUA_OIDC_ISSUER is not set: citizens cannot sign in."""


def provider():
    """The Authlib client for the current settings (one per configuration, so that its discovery document and
    keys, once read, are kept; settings changed by the demo or a test make a new one)."""
    issuer = settings.MOTCUA_OIDC_ISSUER.rstrip("/")
    if not issuer:
        raise NotConfigured("MOTCUA_OIDC_ISSUER")
    key = (issuer, settings.MOTCUA_OIDC_CLIENT_ID, settings.MOTCUA_OIDC_CLIENT_SECRET, settings.MOTCUA_OIDC_SCOPE,
           settings.MOTCUA_OIDC_TIMEOUT)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = OAuth().register(
                name="identity",
                client_id=settings.MOTCUA_OIDC_CLIENT_ID,
                client_secret=settings.MOTCUA_OIDC_CLIENT_SECRET,
                server_metadata_url=f"{issuer}/.well-known/openid-configuration",
                client_kwargs={"scope": settings.MOTCUA_OIDC_SCOPE, "code_challenge_method": "S256",
                               "default_timeout": settings.MOTCUA_OIDC_TIMEOUT},
            )
            _clients[key] = client
        return client
