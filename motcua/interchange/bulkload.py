"""Bulk-load help for large imports: write into a table first, build its secondary indexes after.

Maintaining a dozen growing B-trees row by row costs more than building them once from sorted data, on
SQLite and PostgreSQL alike. Both run DDL inside a transaction, so the indexes are back, or the whole
import is rolled back, before anyone else sees the table. Unique indexes and the primary key stay: the
load still relies on them.
"""

from contextlib import contextmanager

from django.db import connections, router


def _secondary_index_definitions(connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's non-unique indexes, read from the catalog."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
                "JOIN pg_index x ON x.indexrelid = c.oid "
                "WHERE i.tablename = %s AND i.schemaname = current_schema() AND NOT x.indisunique", [table])
            return list(cursor.fetchall())
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                           "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'", [table])
            return list(cursor.fetchall())
    return []


@contextmanager
def secondary_indexes_dropped(model, enabled: bool = True):
    """Inside an atomic block: drop `model`'s non-unique indexes, and recreate them on the way out."""
    connection = connections[router.db_for_write(model)]
    definitions = _secondary_index_definitions(connection, model._meta.db_table) if enabled else []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, _statement in definitions:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    if not definitions:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; PostgreSQL refuses CREATE INDEX while their checks are
            # pending, so run the checks now (a violation still aborts the whole import).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, statement in definitions:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
