"""What the portal reads from the citizen's session: when he signed in (set by `motcua.citizens` at the
OpenID Connect callback), to measure the time from sign-in to submission."""

from datetime import datetime


def signed_in_at(request) -> datetime | None:
    value = request.session.get("signed_in_at")
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None
