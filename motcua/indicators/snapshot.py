"""The live index's columns, written once and mapped by every web process.

A snapshot is a folder of `.npy` files (the main block sorted as `columnar.layout` sorts it, its waits,
the small block of rows outside that order, the static ranks) and a `meta.json` naming the change
mark it was read at. Every process opens the files with `np.load(mmap_mode="c")`: the pages live once
in the operating system's page cache and are shared by all the processes that map them, so memory
does not grow with the number of workers. A process's own writes (moving a changed row's old version
to the void unit, renumbering procedures after a catalog edit) are copy-on-write: they touch private
copies of the few pages written, never the files.

Folders live under `VAR_DIR/index/<database>/`, named `<token>-g<generation>-s<seq>-<random>`; whoever
first needs one and finds none for the current token and generation builds it under an exclusive
`fcntl` lock on that directory, writes it to a temporary folder and renames it into place, so a reader
never sees half a snapshot. Older folders are deleted then: a process that maps one keeps its pages
(unlinked files live as long as a mapping does), and readers open folders under the same lock.

Only committed data may be shared: inside a transaction (tests, a request that writes) and before the
change clock exists (a database written without change tracking), the index is built privately.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from motcua.indicators.columnar import Block, WaitTable

FORMAT = 1  # bump when the files' layout changes: older folders are then ignored
_EXTRA = ("sort_key", "id_order")


@dataclass
class Snapshot:
    """One published folder, mapped: the main block, the rows outside its order, and what it was read at."""

    path: Path
    main: Block
    loose: Block
    main_ids: np.ndarray  # the main block's ids in id order (its rows: main.id_order)
    rank_values: np.ndarray  # columnar.StaticRanks.values when it was written
    mark: dict  # the change mark the rows were read at (changes.Watermark as a dict)
    calendars: str  # `calendar_hash` of the catalog the rows were laid out with
    procedure_ids: list[int]  # procedure database ids by position, as the rows number them


def calendar_hash(catalog) -> str:
    """What the rows' unit positions and working-time summaries depend on (columnar.Catalog)."""
    return hashlib.sha256(repr(catalog.calendar_signature).encode()).hexdigest()


def shared_folder(mark) -> Path | None:
    """Where this database's snapshots live, or None when the index must not be shared now."""
    if connection.in_atomic_block or not getattr(mark, "token", ""):
        return None
    settings_dict = connection.settings_dict
    database = repr((connection.vendor, settings_dict.get("NAME"), settings_dict.get("HOST"),
                     settings_dict.get("PORT")))
    folder = Path(settings.VAR_DIR) / "index" / hashlib.sha256(database.encode()).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only VAR_DIR: each process builds its own index, as before snapshots
        return None
    return folder


@contextlib.contextmanager
def locked(folder: Path):
    """The folder's exclusive lock: one builder at a time, and no deletion while a reader opens files."""
    with open(folder / "lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prefix(mark) -> str:
    return f"{mark.token}-g{mark.generation}-"


def latest(folder: Path, mark) -> Path | None:
    """The newest published snapshot of the mark's token and generation (call under `locked`)."""
    best, best_seq = None, -1
    for path in folder.glob(_prefix(mark) + "s*"):
        meta = path / "meta.json"
        if not meta.exists():
            continue
        try:
            seq = int(path.name[len(_prefix(mark)) + 1:].split("-")[0])
        except ValueError:
            continue
        if seq > best_seq:
            best, best_seq = path, seq
    if best is not None and json.loads((best / "meta.json").read_text()).get("format") != FORMAT:
        return None
    return best


def publish(folder: Path, mark, catalog, main: Block, loose: Block, main_ids: np.ndarray,
            rank_values: np.ndarray) -> Path:
    """Write a snapshot of these blocks, read at `mark`, and delete the older ones (call under `locked`)."""
    temporary = Path(tempfile.mkdtemp(prefix=".writing-", dir=folder))
    try:
        _save_block(temporary, "main", main, extra=_EXTRA)
        _save_block(temporary, "loose", loose)
        np.save(temporary / "main_ids.npy", main_ids)
        np.save(temporary / "rank_values.npy", rank_values)
        meta = {"format": FORMAT, "mark": dict(mark._asdict()), "calendars": calendar_hash(catalog),
                "procedure_ids": [int(i) for i in catalog.procedure_ids], "rows": len(main) + len(loose)}
        (temporary / "meta.json").write_text(json.dumps(meta))
        final = folder / f"{_prefix(mark)}s{mark.seq}-{temporary.name.rsplit('-', 1)[-1]}"
        os.rename(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    for old in folder.iterdir():
        if old.is_dir() and old != final:
            shutil.rmtree(old, ignore_errors=True)
    return final


def open_snapshot(path: Path) -> Snapshot:
    """Map a published snapshot (call under `locked`): the main block copy-on-write, the small rest in memory."""
    meta = json.loads((path / "meta.json").read_text())
    return Snapshot(path=path, main=_load_block(path, "main", mapped=True, extra=_EXTRA),
                    loose=_load_block(path, "loose", mapped=False),
                    main_ids=np.load(path / "main_ids.npy", mmap_mode="r").view(np.ndarray),
                    rank_values=np.load(path / "rank_values.npy"), mark=meta["mark"], calendars=meta["calendars"],
                    procedure_ids=meta["procedure_ids"])


def _save_block(folder: Path, name: str, block: Block, extra=()) -> None:
    for column in (*Block.COLUMNS, *extra):
        np.save(folder / f"{name}.{column}.npy", np.ascontiguousarray(getattr(block, column)))
    for column in (*WaitTable.SCALARS, *WaitTable.FLAT, "offset"):
        np.save(folder / f"{name}.waits.{column}.npy", np.ascontiguousarray(getattr(block.waits, column)))


def _load_block(folder: Path, name: str, mapped: bool, extra=()) -> Block:
    def load(file: str) -> np.ndarray:
        # Copy-on-write: writes land in this process's private pages, never in the shared file.
        # A plain ndarray view of the map: numpy's memmap subclass slows every small operation on it.
        return np.load(folder / file, mmap_mode="c").view(np.ndarray) if mapped else np.load(folder / file)

    waits = WaitTable(**{column: load(f"{name}.waits.{column}.npy")
                         for column in (*WaitTable.SCALARS, *WaitTable.FLAT, "offset")})
    columns = {column: load(f"{name}.{column}.npy") for column in (*Block.COLUMNS, *extra)}
    return Block(**columns, waits=waits)
