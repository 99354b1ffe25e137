"""Form definitions as data: reading them, checking answers, loading versions."""

from datetime import date

import pytest

from motcua.applications import formdef
from motcua.applications.definitions import FORMS_FILE, latest, load_forms
from motcua.applications.models import FormDefinition

TODAY = date(2025, 11, 5)
SPEC = formdef.parse({
    "title": "Tờ khai thử",
    "fields": [
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True, "source": "full_name"},
        {"name": "child_birth_date", "label": "Ngày sinh", "type": "date", "required": True},
        {"name": "phone", "label": "Điện thoại", "type": "phone"},
        {"name": "sex", "label": "Giới tính", "type": "choice", "choices": ["Nam", "Nữ"], "required": True},
        {"name": "mother_id", "label": "Số định danh của mẹ", "type": "id_number"},
    ],
    "components": [{"key": "proof", "name": "Giấy chứng sinh"}],
})


@pytest.mark.parametrize(("definition", "names"), [
    ({"fields": []}, "title"),
    ({"title": "x", "fields": [{"name": "Bad Name", "label": "x"}]}, "fields[0].name"),
    ({"title": "x", "fields": [{"name": "a", "label": "x", "type": "colour"}]}, "fields[0].type"),
    ({"title": "x", "fields": [{"name": "a", "label": "x", "source": "salary"}]}, "fields[0].source"),
    ({"title": "x", "fields": [{"name": "a", "label": "x", "type": "choice"}]}, "fields[0].choices"),
    ({"title": "x", "fields": [{"name": "a", "label": "x"}, {"name": "a", "label": "y"}]}, "fields[1].name"),
    ({"title": "x", "components": [{"key": "p", "name": "x", "accept": ["exe"]}]}, "components[0].accept"),
])
def test_a_broken_definition_is_refused_naming_its_place(definition, names):
    with pytest.raises(formdef.DefinitionError, match=names.replace("[", r"\[").replace("]", r"\]")):
        formdef.parse(definition)


def test_prefilled_fields_take_the_population_data_whatever_was_posted():
    values, errors = formdef.clean_answers(SPEC, {"full_name": "Kẻ Giả Mạo", "child_birth_date": "01/11/2025",
                                                  "sex": "Nữ"}, {"full_name": "Nguyễn Văn An"}, TODAY)
    assert errors == {}
    assert values["full_name"] == "Nguyễn Văn An"


def test_a_prefilled_field_without_known_data_is_asked():
    _values, errors = formdef.clean_answers(SPEC, {"child_birth_date": "01/11/2025", "sex": "Nữ"}, {}, TODAY)
    assert set(errors) == {"full_name"}


@pytest.mark.parametrize(("answers", "field", "message"), [
    ({"child_birth_date": "2025-11-01"}, "child_birth_date", "ngày/tháng/năm"),
    ({"child_birth_date": "06/11/2025"}, "child_birth_date", "sau ngày hôm nay"),
    ({"phone": "12345"}, "phone", "10 chữ số"),
    ({"sex": "Khác"}, "sex", "trong danh sách"),
    ({"mother_id": "01909000123"}, "mother_id", "12 chữ số"),
])
def test_wrong_values_get_a_vietnamese_message_next_to_their_field(answers, field, message):
    base = {"child_birth_date": "01/11/2025", "sex": "Nam"}
    _values, errors = formdef.clean_answers(SPEC, {**base, **answers}, {"full_name": "An"}, TODAY)
    assert set(errors) == {field}
    assert message in errors[field]


def test_a_draft_being_saved_reports_wrong_values_but_not_missing_ones():
    _values, errors = formdef.clean_answers(SPEC, {"phone": "abc"}, {}, TODAY, complete=False)
    assert set(errors) == {"phone"}


def test_loading_is_idempotent_and_a_changed_form_is_a_new_version(portal_world, tmp_path):
    birth = portal_world.birth
    first = latest(birth)
    assert first.version == 1 and first.source == FORMS_FILE.name
    count = FormDefinition.objects.count()
    assert load_forms()["created"] == 0
    assert FormDefinition.objects.count() == count
    changed = FORMS_FILE.read_text(encoding="utf-8").replace("Tờ khai đăng ký khai sinh", "Tờ khai khai sinh (mới)")
    other = tmp_path / "forms.json"
    other.write_text(changed, encoding="utf-8")
    load_forms(other)
    assert latest(birth).version == 2
    assert latest(birth).definition["title"] == "Tờ khai khai sinh (mới)"
    assert FormDefinition.objects.get(procedure=birth, version=1).definition["title"] == "Tờ khai đăng ký khai sinh"


def test_a_procedure_without_its_own_form_gets_one_from_its_catalog_components(portal_world):
    definition = latest(portal_world.business).definition
    spec = formdef.parse(definition)
    # The declaration is the form itself; the other components are uploads.
    assert [c.name for c in spec.components] == ["Bản sao giấy tờ pháp lý của chủ hộ"]
    assert {f.source for f in spec.fields if f.source} >= {"full_name", "id_number", "phone"}


def test_the_shipped_forms_are_all_valid():
    import json
    for entry in json.loads(FORMS_FILE.read_text(encoding="utf-8")):
        formdef.parse({k: v for k, v in entry.items() if k != "procedure"})
