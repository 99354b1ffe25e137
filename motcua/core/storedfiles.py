"""The files under MEDIA_ROOT against the rows that name them (`motcua files orphans|missing`).

Every action writes its file before the transaction that records it (`motcua/lib/storedfiles.py`), so:

- a *missing* file (a row naming a file that is not there) must never happen: it is an error;
- an *orphan* (a file no row names) is what a transaction that failed after writing its file leaves when
  the failure was not seen by the action (the commit itself failed, the process died). Harmless, but it
  takes space: `motcua files orphans --delete` removes those older than a grace period (a file younger than
  that may belong to a transaction still running).

Every `FileField` of every installed model is read, by the app registry, so this knows no app by name.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models


def _file_fields() -> Iterator[tuple[type[models.Model], str]]:
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            for field in model._meta.concrete_fields:
                if isinstance(field, models.FileField):
                    yield model, field.attname


def named_files() -> set[str]:
    """Every file name a row holds (relative to MEDIA_ROOT)."""
    names: set[str] = set()
    for model, attname in _file_fields():
        names.update(model._base_manager.exclude(**{attname: ""}).exclude(**{f"{attname}__isnull": True})
                     .values_list(attname, flat=True).iterator(chunk_size=10_000))
    return names


def stored_files(root: Path | None = None) -> dict[str, float]:
    """Every file under MEDIA_ROOT: its name (as a row would hold it) and its modification time."""
    root = Path(root or settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {path.relative_to(root).as_posix(): path.stat().st_mtime for path in root.rglob("*") if path.is_file()}


def orphans(older_than_s: float = 0.0) -> list[str]:
    """Files no row names, written at least `older_than_s` seconds ago (sorted)."""
    cutoff = time.time() - older_than_s
    named = named_files()
    return sorted(name for name, mtime in stored_files().items() if name not in named and mtime <= cutoff)


def missing() -> list[str]:
    """File names held by rows with no file behind them (sorted); must always be empty."""
    stored = stored_files()
    return sorted(name for name in named_files() if name not in stored)


def delete(names: list[str]) -> None:
    root = Path(settings.MEDIA_ROOT)
    for name in names:
        (root / name).unlink(missing_ok=True)
