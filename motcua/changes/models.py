"""What readers of the record (the live index today, connectors tomorrow) need to see what changed.

These two tables are written in the same transaction as the change they describe, never by a signal or a
background job, so a committed change is always visible to the next reader. They sit below every app
that writes dossiers (the lifecycle, the importer, payments), so those apps import nothing above them.
"""

from django.db import models


class ChangeClock(models.Model):
    """The change counters of the record: a single row (pk 1).

    - `seq` (SQLite only) grows by one with every transaction that changes dossiers through
      `tracking.dossiers_changed`; the changed dossiers carry that number in `DossierStamp`. SQLite
      serialises writers anyway, so its values become visible in commit order. On PostgreSQL dossier
      changes never touch this row (it would make every transition wait for the previous one to commit):
      stamps carry their transaction's id instead, see `DossierStamp`.
    - `catalog` grows when units, procedures, authority rows, feedback or calendar exceptions change:
      readers re-read those small tables.
    - `generation` grows after a bulk change (an import, a deletion): readers rebuild from scratch.
    - `token` is replaced with every generation, so a database restored or recreated (tests roll back)
      can never be mistaken for the one a reader read, even if its counters happen to match.
    """

    seq = models.BigIntegerField(default=0)
    catalog = models.BigIntegerField(default=0)
    generation = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = "đồng hồ thay đổi"
        verbose_name_plural = "đồng hồ thay đổi"

    def __str__(self):
        return f"seq {self.seq}, catalog {self.catalog}, generation {self.generation}"


class DossierStamp(models.Model):
    """The last change of one dossier: `seq` orders the changes (`ChangeClock.seq` on SQLite, the sequence
    `changes_stamp_seq` on PostgreSQL); `xid` is the writing transaction's id on PostgreSQL (0 on SQLite),
    which a reader compares with the snapshot it last read (`tracking.stamped_since`) — so a transaction
    that took its `seq` early and committed late is still seen.

    A plain id, not a foreign key: a stamp may outlive its dossier (a deletion is stamped too, and a
    reader drops the row it no longer finds), and bulk deletions must not cascade through it.
    """

    dossier_id = models.BigIntegerField(primary_key=True)
    seq = models.BigIntegerField(db_index=True)
    xid = models.BigIntegerField(default=0, db_index=True)

    class Meta:
        verbose_name = "dấu thay đổi hồ sơ"
        verbose_name_plural = "dấu thay đổi hồ sơ"

    def __str__(self):
        return f"{self.dossier_id}@{self.seq}"
