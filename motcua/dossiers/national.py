"""Telling the national portal about a dossier's versions (interop.md §1): the outbox item of each
version, written by the lifecycle in the transaction of the change.

The portal's version (`PhienBan`) of a dossier is its `version` + 1: 1 when it enters the system (created
here or imported), one more with every later change. What is sent is built at delivery from the dossier
as it then stands (`motcua.sync`), so an item only names its dossier (the group) and its version (the key).
"""

from __future__ import annotations

from django.db import connections

from motcua.outbox.models import Item, State
from motcua.outbox.queue import enqueue

KIND = "portal.dossier"


def portal_version(version: int) -> int:
    return version + 1


def idempotency_key(code: str, portal_version: int) -> str:
    """`{MaHoSo}:{PhienBan}`: the same on every retry, so the portal stores a version once."""
    return f"{code}:{portal_version}"


def report_version(code: str, version: int, at) -> None:
    """The dossier's `version` (its `Dossier.version`) must reach the portal: call inside the change's
    transaction."""
    enqueue(KIND, idempotency_key(code, portal_version(version)), {}, group=code, at=at)


def report_imported(connection_alias: str, where_sql: str, params: list, at, new: bool) -> int:
    """The current version of each dossier an import wrote (rows of the dossier table matching
    `where_sql`), in one INSERT … SELECT. A `new` dossier's version 1 counts as acknowledged at its
    `synced_at` when the exchange file says the portal holds it, and waits (backfill) when `synced_at` is
    null; a changed dossier's new version always waits. Returns the number of items written."""
    from motcua.dossiers.models import Dossier

    connection = connections[connection_alias]
    quote = connection.ops.quote_name
    item, dossier = Item._meta, Dossier._meta

    def column(meta, name):
        return quote(meta.get_field(name).column)

    code, version, synced = column(dossier, "code"), column(dossier, "version"), column(dossier, "synced_at")
    key = f"{code} || ':' || CAST({version} + 1 AS TEXT)" if connection.vendor != "postgresql" else \
        f"{code} || ':' || ({version} + 1)::text"
    columns = ", ".join(column(item, name) for name in (
        "kind", "key", "group", "payload", "state", "attempts", "created_at", "next_attempt_at",
        "acknowledged_at", "last_error"))
    sql = (f"INSERT INTO {quote(item.db_table)} ({columns}) "
           f"SELECT %s, {key}, {code}, %s, CASE WHEN {synced} IS NULL OR %s THEN %s ELSE %s END, 0, %s, %s, "
           f"CASE WHEN {synced} IS NULL OR %s THEN NULL ELSE {synced} END, '' "
           f"FROM {quote(dossier.db_table)} WHERE {where_sql} ON CONFLICT DO NOTHING")
    payload = item.get_field("payload").get_db_prep_save({}, connection)
    now = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(sql, [KIND, payload, not new, State.WAITING.value, State.ACKNOWLEDGED.value, now, now, not new,
                             *params])
        return cursor.rowcount
