"""The importer's fast write path (used by the demo) must store exactly what the ORM path stores."""

import json

import pytest

from motcua.demo import reference as ref
from motcua.demo.generator import generate
from motcua.dossiers.models import Dossier, DossierPause
from motcua.interchange import reading as r
from motcua.interchange.importer import _validated_dossiers, import_folder
from tests.conftest import DOSSIERS, write_folder


def test_pass_two_reads_what_pass_one_validated(tmp_path):
    generate(tmp_path / "g", n=1500, seed=9, reference=ref.build_reference())
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n" + "\n".join(json.dumps(d) for d in DOSSIERS) + "\n\n", encoding="utf-8")
    for path in (tmp_path / "g" / "dossiers.jsonl", blank):
        expected = [(line, r.parse_dossier(obj)) for line, obj in r.read_jsonl(path, r.s.DOSSIER_KEYS, r.ProblemLog())]
        assert list(_validated_dossiers(path)) == expected


FIELDS = ["code", "procedure_id", "unit_id", "received_by_id", "channel", "full_online", "status", "received_at",
          "due_at", "due_given", "resolved_at", "returned_at", "ended", "ended_at", "synced_at", "fee_vnd",
          "paid_online_at", "digitized", "e_result_code", "e_result_issued_at", "reused_data", "from_data_store",
          "result_to_data_store", "citizen_data", "rating", "complaint", "holder_id", "position", "applicant_name",
          "assignee_id", "version"]


@pytest.mark.django_db
def test_fast_insert_and_orm_upsert_store_the_same_rows(tmp_path):
    folder = write_folder(tmp_path / "in")
    import_folder(folder)  # all codes new: the plain INSERT path
    fast = {d["code"]: d for d in Dossier.objects.values(*FIELDS)}
    fast_pauses = sorted(DossierPause.objects.values_list("dossier__code", "kind", "requested_at", "completed_at"))
    # The same dossiers again (plus one new code, so the folder's digest differs): every existing code
    # now goes through the ORM upsert, which must store exactly what the fast INSERT stored.
    import_folder(write_folder(tmp_path / "again", dossiers=[*DOSSIERS, DOSSIERS[0] | {"code": "05443-251030-0009"}]))
    slow = {d["code"]: d for d in Dossier.objects.values(*FIELDS)}  # every code existed: the ORM upsert path
    for code, row in fast.items():
        assert {k: v for k, v in slow[code].items() if k != "position"} == \
            {k: v for k, v in row.items() if k != "position"}, code
    assert sorted(DossierPause.objects.values_list("dossier__code", "kind", "requested_at", "completed_at")) == \
        fast_pauses
