"""Definitions kept per procedure as numbered versions, loaded from a JSON file: the application forms
(`applications.FormDefinition`) and the result templates (`catalog.ResultTemplate`).

Loading is idempotent: a definition equal to its procedure's latest version changes nothing, a different
one becomes the next version; older versions stay (a draft keeps the form it was started on).
"""

import json
from collections.abc import Callable
from pathlib import Path

from motcua.catalog.models import Procedure


def latest_version(model, procedure):
    return model.objects.filter(procedure=procedure).order_by("-version").first()


def store_version(model, procedure, definition: dict, source: str):
    """(row, created): `definition` stored as the procedure's next version unless equal to its latest."""
    current = latest_version(model, procedure)
    if current is not None and current.definition == definition:
        return current, False
    version = current.version + 1 if current else 1
    return model.objects.create(procedure=procedure, version=version, definition=definition, source=source), True


def load_entries(path: Path, store: Callable[[object, dict], bool], error: type[Exception]) -> tuple[dict, set]:
    """Each entry of the JSON list in `path` (its "procedure" key: the procedure's code) handed to
    `store(procedure, entry without "procedure")`, which says whether a version was created. An `error` it
    raises is raised again naming the entry ("forms.json[3] (1.001193): …"). Returns the counts
    {"created", "unchanged", "missing_procedure"} and the primary keys of the procedures stored."""
    counts = {"created": 0, "unchanged": 0, "missing_procedure": 0}
    stored = set()
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise error(f"{path.name}: phải là một danh sách.")
    for i, entry in enumerate(entries):
        entry = dict(entry)
        code = entry.pop("procedure", None)
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            counts["missing_procedure"] += 1
            continue
        try:
            created = store(procedure, entry)
        except error as exc:
            raise error(f"{path.name}[{i}] ({code}): {exc}") from exc
        stored.add(procedure.pk)
        counts["created" if created else "unchanged"] += 1
    return counts, stored
