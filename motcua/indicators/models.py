"""What the live index needs from the database besides the record itself: its change counters.

The live engine (`motcua.indicators.live`) keeps every dossier in memory as columns and, on each
request, asks one cheap question: "what changed since I last looked?". These two tables answer it. They
are written in the same transaction as the change they describe, never by a signal or a background job,
so a committed change is always visible to the next request.
"""

from django.db import models


class IndexClock(models.Model):
    """The change counters of the live index: a single row (pk 1).

    - `seq` grows by one with every transaction that changes dossiers through `changes.dossiers_changed`;
      the changed dossiers carry that number in `DossierStamp`. Updating this one row inside the writing
      transaction also serialises those transactions on PostgreSQL, so `seq` values become visible in
      commit order and a reader can never skip one.
    - `catalog` grows when units, procedures, authority rows, feedback or calendar exceptions change: the
      engine re-reads those small tables (and rebuilds everything only if units or calendars changed).
    - `generation` grows after a bulk change (an import, a deletion): the engine rebuilds from scratch.
    - `token` is replaced with every generation, so a database restored or recreated (tests roll back)
      can never be mistaken for the one the engine read, even if its counters happen to match.
    """

    seq = models.BigIntegerField(default=0)
    catalog = models.BigIntegerField(default=0)
    generation = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = "đồng hồ thay đổi của chỉ số"
        verbose_name_plural = "đồng hồ thay đổi của chỉ số"

    def __str__(self):
        return f"seq {self.seq}, catalog {self.catalog}, generation {self.generation}"


class DossierStamp(models.Model):
    """The last change of one dossier, as the `IndexClock.seq` of the transaction that made it.

    A plain id, not a foreign key: a stamp may outlive its dossier (a deletion is stamped too, and the
    engine drops the row it no longer finds), and bulk deletions must not cascade through it.
    """

    dossier_id = models.BigIntegerField(primary_key=True)
    seq = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = "dấu thay đổi hồ sơ"
        verbose_name_plural = "dấu thay đổi hồ sơ"

    def __str__(self):
        return f"{self.dossier_id}@{self.seq}"
