"""The hand-over's unit select (office.forms.ManyOptionsSelect), written in one pass: the same options, labels,
selection and attributes as Django's own Select, with labels escaped."""

import re

import pytest
from django import forms

from motcua.office.forms import ManyOptionsSelect

CHOICES = [("", "---------"), (1, "UBND tỉnh Thái Nguyên (19)"), (2, "Phòng <Tư pháp> & Hộ tịch"), (3, "Xã Đại Từ")]
OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def options(html: str) -> list[tuple[str, bool, str]]:
    return [(value, bool(selected), label) for value, selected, label in OPTION.findall(html)]


@pytest.mark.parametrize("value", [None, "", 2, "3"])
def test_the_same_options_and_selection_as_djangos_select(value):
    ours = ManyOptionsSelect(choices=CHOICES).render("to_unit", value, {"id": "id_to_unit", "required": True})
    django = forms.Select(choices=CHOICES).render("to_unit", value, {"id": "id_to_unit", "required": True})
    assert options(ours) == options(django) and len(options(ours)) == len(CHOICES)
    assert ours.startswith('<select name="to_unit" id="id_to_unit" required>') and ours.endswith("</select>")
    assert [selected for _value, selected, _label in options(ours)].count(True) == 1


def test_labels_are_escaped():
    html = ManyOptionsSelect(choices=CHOICES).render("to_unit", None)
    assert "Phòng &lt;Tư pháp&gt; &amp; Hộ tịch" in html and "<Tư pháp>" not in html


def test_a_model_choice_field_with_it_renders_each_unit_and_reads_the_posted_one(db):
    from motcua.office.forms import HandOverForm
    from motcua.units.models import Unit

    for code, name in (("19", "UBND tỉnh"), ("19.STC", "Sở Tài chính")):
        Unit.objects.create(code=code, name=name, kind="department")
    field = HandOverForm.base_fields["to_unit"]
    assert isinstance(field.widget, ManyOptionsSelect)
    units = list(Unit.objects.order_by("pk"))
    field = forms.ModelChoiceField(queryset=Unit.objects.order_by("pk"), widget=ManyOptionsSelect)
    html = field.widget.render("to_unit", units[1].pk)
    assert options(html) == [("", False, "---------"), (str(units[0].pk), False, str(units[0])),
                             (str(units[1].pk), True, str(units[1]))]
    assert field.clean(str(units[1].pk)) == units[1]
