"""`python -m motcua.standins.identity`: start the identity-provider stand-in (see the package doc).

- `--state-file F`: the SQLite database (people, grants, tokens); the RS256 signing key is kept beside it
  in `F.key.pem`, made at the first start. Without it, both live in a temporary folder for this run only.
- The population (population.py, from `--seed`) is written at the first start, when the database has none.
- One confidential client is registered (or updated) at every start: `--client-id` (default "motcua"),
  `--client-secret` (default: the `--token`), `--redirect-uri` (repeatable; default the demo's callback on
  127.0.0.1:8000 and localhost:8000, and http://testserver/… for Django's test client). A registered
  http://127.0.0.1 or http://localhost URI matches any port (RFC 8252 loopback redirects).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from motcua.standins.serving import run

CALLBACK_PATH = "/dich-vu-cong/dang-nhap/ve/"
DEFAULT_REDIRECT_URIS = (f"http://127.0.0.1:8000{CALLBACK_PATH}", f"http://localhost:8000{CALLBACK_PATH}",
                         f"http://testserver{CALLBACK_PATH}")


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class Handler(WSGIRequestHandler):
    verbose = False

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        if self.verbose:
            super().log_message(format, *args)


def signing_key(path: Path) -> str:
    """The RS256 private key (PEM), made and written (mode 600) at the first start."""
    if path.exists():
        return path.read_text(encoding="ascii")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(pem)
    return pem


def seed_population(seed: int, people: int, businesses: int) -> int:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction

    from motcua.standins.identity.people.models import Person
    from motcua.standins.identity.population import DEMO_PASSWORD, population

    if Person.objects.exists():
        return 0
    records = population(seed, people, businesses)
    password = make_password(DEMO_PASSWORD)  # one hash for all: the demo password is published anyway
    with transaction.atomic():
        users = User.objects.bulk_create([User(username=r["identifier"], password=password,
                                               first_name=r["full_name"][:150]) for r in records])
        Person.objects.bulk_create([Person(user=u, kind=r["kind"], identifier=r["identifier"],
                                           subject=r["subject"], data=r) for u, r in zip(users, records, strict=True)])
    return len(records)


def register_client(client_id: str, secret: str, redirect_uris: list[str]) -> None:
    from oauth2_provider.models import get_application_model

    application = get_application_model()
    application.objects.update_or_create(client_id=client_id, defaults={
        "name": "motcua — Hệ thống một cửa", "client_type": application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": application.GRANT_AUTHORIZATION_CODE, "client_secret": secret,
        "hash_client_secret": False, "redirect_uris": " ".join(redirect_uris), "skip_authorization": True,
        "algorithm": application.RS256_ALGORITHM,
    })


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m motcua.standins.identity",
                                     description="Identity-provider stand-in (OpenID Connect, VNeID-style).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--token", required=True, help="the Bearer token of the /_standin/ control paths")
    parser.add_argument("--state-file", help="the SQLite database (the signing key is kept beside it)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    parser.add_argument("--client-id", default="motcua")
    parser.add_argument("--client-secret", help="default: the --token")
    parser.add_argument("--redirect-uri", action="append", dest="redirect_uris", help="repeatable")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--businesses", type=int, default=30)
    args = parser.parse_args(argv)

    if args.state_file:
        database = Path(args.state_file).resolve()
        database.parent.mkdir(parents=True, exist_ok=True)
    else:
        database = Path(tempfile.mkdtemp(prefix="motcua-identity-")) / "identity.sqlite3"
    key = signing_key(database.with_name(database.name + ".key.pem"))

    Handler.verbose = args.verbose
    server = make_server(args.host, args.port, lambda environ, start: [], ThreadingWSGIServer, Handler)
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}"

    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.standins.identity.settings"
    os.environ["MOTCUA_IDENTITY_DB"] = str(database)
    os.environ["MOTCUA_IDENTITY_ISSUER"] = url
    os.environ["MOTCUA_IDENTITY_RSA_KEY"] = key
    os.environ["MOTCUA_IDENTITY_TOKEN"] = args.token
    os.environ["MOTCUA_IDENTITY_SECRET"] = hashlib.sha256(key.encode("ascii")).hexdigest()

    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    seed_population(args.seed, args.people, args.businesses)
    register_client(args.client_id, args.client_secret or args.token,
                    args.redirect_uris or list(DEFAULT_REDIRECT_URIS))
    server.set_app(get_wsgi_application())
    return run(server, url)


if __name__ == "__main__":
    sys.exit(main())
