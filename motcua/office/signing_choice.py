"""How a leader signs a result: with his own key on a token (settings.MOTCUA_SIGNING_TOKENS), through a
remote-signing service that asks his phone (settings.MOTCUA_REMOTE_SIGNERS), or with his unit's certificate.

One rule, read by the sign form (which must not import pyHanko) and by `pdfs.personal_signer`: a leader
listed for a token signs with it even if he is listed for remote signing too (docs/signing.md)."""

from django.conf import settings

TOKEN, REMOTE, UNIT = "token", "remote", "unit"


def signing_way(user) -> str:
    if user is None:
        return UNIT
    username = user.get_username()
    if username in settings.MOTCUA_SIGNING_TOKENS:
        return TOKEN
    if settings.MOTCUA_REMOTE_SIGNERS.get(username):
        return REMOTE
    return UNIT
