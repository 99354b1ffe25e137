"""The form of the target page: a new target, or a change of one with its reason."""

from django import forms
from django.contrib.auth import get_user_model

from motcua.office.access import role_of, unit_ids_of
from motcua.targets import measures
from motcua.targets.access import MANAGERS
from motcua.targets.models import Comparison, Scope, Target
from motcua.targets.officers import OFFICER_ROLES
from motcua.units.models import Unit

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_field(label, required=True):
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        m = user.membership
        return f"{m.full_name or user.username} – {m.get_role_display()}, {m.unit.name if m.unit else ''}"


class TargetForm(forms.ModelForm):
    measure = forms.ChoiceField(label="Chỉ tiêu về")
    start = _date_field("Từ ngày")
    end = _date_field("Đến ngày")
    document_date = _date_field("Ngày văn bản", required=False)
    officer = OfficerChoice(label="Cán bộ", queryset=get_user_model().objects.none(), required=False)
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             help_text="Bắt buộc khi điều chỉnh: ví dụ văn bản giao lại chỉ tiêu, kết quả thương lượng.")

    class Meta:
        model = Target
        fields = ("measure", "comparison", "value", "scope", "unit", "officer", "start", "end", "programme",
                  "document_number", "document_date", "document_title", "note", "reason")
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, changing: Target | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.changing = user, changing
        self.fields["measure"].choices = measures.choices()
        self.fields["comparison"].choices = Comparison.choices
        officers = (get_user_model().objects.filter(membership__role__in=OFFICER_ROLES, is_active=True)
                    .select_related("membership", "membership__unit").order_by("membership__unit__position", "username"))
        units = Unit.objects.exclude(kind="province").order_by("position", "id")
        if role_of(user) not in MANAGERS:  # a unit leader: only his officers' targets
            mine = unit_ids_of(user)
            officers = officers.filter(membership__unit_id__in=mine)
            units = units.filter(pk__in=mine)
            self.fields["scope"].choices = [(Scope.OFFICER.value, Scope.OFFICER.label)]
            self.fields["measure"].choices = [(m.key, m.label) for m in measures.MEASURES.values()
                                              if "officer" in m.scopes]
        self.fields["officer"].queryset = officers
        self.fields["unit"].queryset = units
        self.fields["unit"].required = False
        if changing is not None:
            self.fields["reason"].required = True

    def clean(self):
        data = super().clean()
        if role_of(self.user) not in MANAGERS and data.get("scope") != Scope.OFFICER:
            raise forms.ValidationError("Lãnh đạo đơn vị chỉ giao chỉ tiêu cho cán bộ của đơn vị mình.")
        return data

    def content(self) -> dict:
        """The cleaned content fields, for `history.create_target` / `change_target`."""
        from motcua.targets.history import CONTENT_FIELDS

        return {name: self.cleaned_data.get(name) for name in CONTENT_FIELDS}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Lý do thu hồi", widget=forms.Textarea(attrs={"rows": 2}))
