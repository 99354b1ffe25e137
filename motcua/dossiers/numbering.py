"""Issuing dossier codes, unique under concurrency: each (unit, day) counter moves by compare-and-update."""

from datetime import date

from django.db import IntegrityError, transaction

from motcua.dossiers.models import DossierCodeSequence
from motcua.lib.dossier_codes import format_dossier_code


def next_dossier_code(unit_code: str, day: date) -> str:
    """Reserve the next sequence number of `unit_code` on `day` and return the dossier code."""
    while True:
        sequence = DossierCodeSequence.objects.filter(unit_code=unit_code, day=day).first()
        if sequence is None:
            try:
                with transaction.atomic():
                    DossierCodeSequence.objects.create(unit_code=unit_code, day=day, last=1)
                return format_dossier_code(unit_code, day, 1)
            except IntegrityError:
                continue  # another desk created the counter first; take the next number from it
        updated = DossierCodeSequence.objects.filter(pk=sequence.pk, last=sequence.last).update(last=sequence.last + 1)
        if updated == 1:
            return format_dossier_code(unit_code, day, sequence.last + 1)
