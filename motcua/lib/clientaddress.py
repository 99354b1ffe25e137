"""The client's address, decided once for the login lockout, the rate limits (django-ratelimit's "ip" key,
through RATELIMIT_IP_META_KEY) and the usage counts.

Behind a reverse proxy, MOTCUA_CLIENT_ADDRESS_HEADER names the header it writes (e.g. HTTP_X_FORWARDED_FOR):
the LAST address in it is taken, the one our own proxy added (the ones before it can be written by the
client). A request without any address (a unix socket without the header) is "0.0.0.0": such clients share
one bucket of the rate limits rather than failing with a server error.
"""

from django.conf import settings

UNKNOWN = "0.0.0.0"


def client_address(request) -> str:
    header = settings.MOTCUA_CLIENT_ADDRESS_HEADER
    if header:
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or UNKNOWN
