"""The back office's feedback forms: they check the input's shape; the rules live in `feedback_actions`."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from motcua.feedback.constants import About
from motcua.office.access import PROCESSING
from motcua.units.models import Unit


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        if item is not None and not self.is_bound:
            self.initial["version"] = item.version


class NoteForm(VersionForm):
    note = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AssignForm(VersionForm):
    assignee = forms.ModelChoiceField(label=_("Cán bộ xử lý"), queryset=get_user_model().objects.none())

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, item=item, **kwargs)
        if item is not None:
            units = Unit.objects.subtree_ids(item.unit_id)
            self.fields["assignee"].queryset = (
                get_user_model().objects.filter(is_active=True, membership__unit_id__in=units,
                                                membership__role__in=PROCESSING)
                .select_related("membership").order_by("membership__full_name", "username"))
            self.fields["assignee"].label_from_instance = lambda u: u.membership.full_name or u.get_username()


class TransferForm(VersionForm):
    unit = forms.ModelChoiceField(label=_("Đơn vị có thẩm quyền"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("Lý do chuyển"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, item=item, **kwargs)
        queryset = Unit.objects.exclude(kind="office").order_by("position", "code")
        self.fields["unit"].queryset = queryset.exclude(pk=item.unit_id) if item is not None else queryset


class AnswerForm(VersionForm):
    text = forms.CharField(label=_("Nội dung trả lời (in trong văn bản ký số)"),
                           widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)


class PublishForm(VersionForm):
    text = forms.CharField(label=_("Nội dung công khai (thông tin cá nhân được ẩn tự động)"),
                           widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)

    def __init__(self, *args, item=None, draft="", **kwargs):
        super().__init__(*args, item=item, **kwargs)
        if not self.is_bound:
            self.initial["text"] = draft


class DeskFeedbackForm(forms.Form):
    """Feedback brought to the desk: filed on the submitter's behalf in the officer's unit."""

    about = forms.ChoiceField(label=_("Phản ánh về"), choices=About.choices)
    procedure = forms.CharField(label=_("Mã thủ tục (nếu về thủ tục)"), required=False, max_length=64)
    dossier = forms.CharField(label=_("Mã hồ sơ (nếu về hồ sơ)"), required=False, max_length=64)
    officer = forms.CharField(label=_("Cán bộ, bộ phận bị phản ánh (nếu về hành vi)"), required=False,
                              max_length=255)
    subject = forms.CharField(label=_("Tiêu đề"), max_length=500)
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    name = forms.CharField(label=_("Họ và tên người phản ánh"), max_length=255)
    phone = forms.CharField(label=_("Số điện thoại"), required=False, max_length=20)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
