"""Files written before the transaction that records them.

A row that names a file must never exist without the file. So a file is written first, under a name nobody
else can take (a random uuid), and only then does the transaction record it: if the transaction fails, the
file is an orphan at worst (deleted here when the failure is seen, otherwise listed by `motcua files
orphans`); if it commits, the file is already there. Writing the file first also keeps slow storage out of
the transaction, which holds the dossier's row lock while it runs.

    files = StoredFiles()
    name = files.save("results", "pdf", ContentFile(pdf))   # before the transaction
    with files.recording():                                  # transaction.atomic()
        ...  # rows naming `name`

`recording` deletes the files only when its block raises (the rows rolled back with certainty). A failure of
the commit itself, or of an on_commit callback after a successful commit, leaves them: the commit's outcome
is not known there, and deleting a committed row's file is the one thing that must never happen.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import date

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone


class StoredFiles:
    """The files one action writes, deleted again if the block that records them fails."""

    def __init__(self):
        self.names: list[str] = []

    def save(self, prefix: str, extension: str, content, day: date | None = None) -> str:
        """Write `content` now as prefix/yyyy/mm/<uuid>.<extension>; returns the stored name."""
        day = day or timezone.localdate()
        name = default_storage.save(f"{prefix}/{day:%Y/%m}/{uuid.uuid4().hex}.{extension}", content)
        self.names.append(name)
        return name

    def discard(self) -> None:
        for name in self.names:
            default_storage.delete(name)
        self.names.clear()

    @contextmanager
    def recording(self):
        """`transaction.atomic()` for the rows that name the files; the files go if the block fails."""
        failed_inside = False
        try:
            with transaction.atomic():
                try:
                    yield self
                except BaseException:
                    failed_inside = True  # the rows roll back: nothing names the files
                    raise
        finally:
            if failed_inside:
                self.discard()
