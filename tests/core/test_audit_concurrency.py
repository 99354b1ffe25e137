"""PostgreSQL, many writers at once: entries written without a shared lock, sealed after their commits by
whichever sealer holds the tail, end up as one unbroken chain with nothing left unsealed."""

import threading

import pytest
from django.db import connection, connections

from motcua.core import audit
from motcua.core.models import AuditEntry, AuditTail

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent sealers: PostgreSQL only")]
WRITERS, EACH = 8, 15


def test_concurrent_commits_and_sealers_make_one_unbroken_chain():
    start = threading.Barrier(WRITERS)
    errors = []

    def write(n):
        try:
            start.wait(10)
            for i in range(EACH):
                audit.record("test.concurrent", object_id=f"{n}-{i}")  # autocommit: sealed right after
        except BaseException as error:  # noqa: BLE001 — reported by the test thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert audit.unsealed() == 0  # no commit's entry was left behind by a sealer that was turned away
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == \
        list(range(1, WRITERS * EACH + 1))
    assert AuditTail.objects.get(pk=1).seq == WRITERS * EACH
    assert audit.verify() == (WRITERS * EACH, None)
