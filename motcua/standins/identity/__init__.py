"""Stand-in of the identity provider (VNeID-style OpenID Connect, interop.md §4, docs/interop-identity.md).

A real OIDC provider built from django-oauth-toolkit, with its own Django settings (settings.py) and its
own SQLite database, run as its own process:

    python -m motcua.standins.identity --port 0 --token T --state-file F.sqlite3 \
        [--client-id motcua] [--client-secret S] [--redirect-uri URI ...] [--seed 2025]

It prints `listening on URL` once ready; URL is the issuer. This package imports nothing of motcua above
the lib layer: the communes come from `vietnam-provinces`.
"""
