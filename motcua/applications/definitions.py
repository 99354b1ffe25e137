"""Loading and choosing the form definitions: the files of `data/forms.json` for the procedures that have
their own form, a plain form built from the catalog's components for every other procedure offered online.

Loading is idempotent: a definition equal to the latest version of its procedure changes nothing; a
different one becomes the next version (drafts keep the version they were started on).
"""

from pathlib import Path

from django.db import transaction

from motcua.applications import formdef
from motcua.applications.models import FormDefinition
from motcua.catalog.models import OnlineLevel, Procedure
from motcua.catalog.versions import latest_version, load_entries, store_version

FORMS_FILE = Path(__file__).resolve().parent / "data" / "forms.json"
# The form itself is the declaration (tờ khai): the catalog component for it is not asked as an upload.
DECLARATION_PREFIXES = ("tờ khai", "giấy đề nghị", "đơn đề nghị", "phiếu yêu cầu", "đơn yêu cầu")


def latest(procedure) -> FormDefinition | None:
    return latest_version(FormDefinition, procedure)


def spec_of(definition: FormDefinition) -> formdef.FormSpec:
    return formdef.parse(definition.definition)


def _store(procedure, definition: dict, source: str) -> tuple[FormDefinition, bool]:
    formdef.parse(definition)  # refuse a broken definition before it is stored
    return store_version(FormDefinition, procedure, definition, source)


def catalog_form(procedure) -> dict:
    components = [(c.name, c.required) for c in procedure.components.all()
                  if not c.name.casefold().startswith(DECLARATION_PREFIXES)]
    return formdef.catalog_definition(procedure.name, components, for_business=not procedure.for_citizens)


@transaction.atomic
def load_forms(path: Path = FORMS_FILE) -> dict[str, int]:
    """Store the file's definitions and a catalog form for each other procedure offered online.
    Returns counts: {"created": n, "unchanged": n, "missing_procedure": n}."""
    counts, own = load_entries(path, lambda procedure, entry: _store(procedure, entry, path.name)[1],
                               formdef.DefinitionError)
    for procedure in Procedure.objects.exclude(online_level=OnlineLevel.NONE).exclude(pk__in=own).prefetch_related(
            "components"):
        _, created = _store(procedure, catalog_form(procedure), "catalog")
        counts["created" if created else "unchanged"] += 1
    return counts
