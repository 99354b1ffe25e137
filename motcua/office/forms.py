"""Back-office forms: input checks with Vietnamese messages. No business logic: actions change state and
enforce the rules; a form may call an action's `check_*` rule to show its message next to the field.

Every form that changes a dossier carries the dossier's `version` seen when the page was drawn, so a
second post of the same form, or a post after a colleague's change, is refused and changes nothing.
"""

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.lib import filetypes
from motcua.lib.filetypes import HEAD_BYTES
from motcua.office.access import officers_for_assignment
from motcua.office.actions import MAX_STEP_DAYS, RuleViolation, check_apology, check_result_text
from motcua.office.clock import DONE, DUE_SOON, IN_TIME, OVERDUE, PAUSED, URGENCY_LABELS
from motcua.units.models import Unit

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
VN_DATETIME = "%d/%m/%Y %H:%M"


def check_upload(upload):
    """The real kind of an uploaded file (PDF, PNG, JPEG), read from its content; else ValidationError
    (the rule is `motcua.lib.filetypes.check_upload`, shared with the citizen portal)."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    try:
        return filetypes.check_upload(upload.name, upload.size, head, settings.MOTCUA_MAX_UPLOAD_BYTES)
    except filetypes.UploadRefused as exc:
        raise forms.ValidationError(str(exc)) from exc


def _show_rule(form, check, *args):
    """Run an action's rule in `clean`, so its refusal appears next to the field (the action enforces it)."""
    try:
        return check(*args)
    except RuleViolation as error:
        form.add_error(error.field, str(error))
        return None


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=gettext_lazy("Mật khẩu"), strip=False, widget=forms.PasswordInput)


class OtpForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã xác thực (6 chữ số) hoặc mã dự phòng"), max_length=16,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm thủ tục (mã hoặc tên, gõ có dấu hay không dấu đều được)"),
                        required=False, max_length=200)


class ReceiptForm(forms.Form):
    """Receipt at the desk: the competent unit, the applicant, each component (file and/or paper)."""

    token = forms.CharField(widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label=gettext_lazy("Cơ quan giải quyết"), queryset=Unit.objects.none(),
                                  empty_label=None)
    applicant_name = forms.CharField(label=gettext_lazy("Họ và tên người nộp"), max_length=255)
    applicant_id_number = forms.RegexField(
        label=gettext_lazy("Số định danh cá nhân (CCCD)"), regex=r"^\d{12}$", required=False,
        error_messages={"invalid": gettext_lazy("Số định danh cá nhân gồm đúng 12 chữ số.")})
    applicant_phone = forms.RegexField(
        label=gettext_lazy("Số điện thoại"), regex=r"^\+?\d{9,12}$", required=False,
        error_messages={"invalid": gettext_lazy("Số điện thoại không hợp lệ.")})
    applicant_email = forms.EmailField(
        label=gettext_lazy("Thư điện tử (để nhận thông báo)"), required=False, max_length=254,
        error_messages={"invalid": gettext_lazy("Địa chỉ thư điện tử không hợp lệ.")})
    applicant_address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=500, required=False)
    refusal_reason = forms.CharField(label=gettext_lazy("Lý do từ chối tiếp nhận (chỉ khi từ chối)"),
                                     required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, procedure, components, refusing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.component_specs = components  # [(key, name, required)]
        self.refusing = refusing
        self.fields["unit"].queryset = Unit.objects.filter(authorities__procedure=procedure).order_by(
            "authorities__position", "id")
        for key, name, _required in components:
            self.fields[f"file_{key}"] = forms.FileField(
                label=name, required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}))
            self.fields[f"paper_{key}"] = forms.BooleanField(label=gettext_lazy("Nhận bản giấy"), required=False)

    def component_rows(self):
        """(name, required, file field, paper field) for the template."""
        return [(name, required, self[f"file_{key}"], self[f"paper_{key}"])
                for key, name, required in self.component_specs]

    def clean(self):
        cleaned = super().clean()
        self.kinds = {}
        for key, _name, _required in self.component_specs:
            upload = cleaned.get(f"file_{key}")
            if upload:
                try:
                    self.kinds[key] = check_upload(upload)
                except forms.ValidationError as error:
                    self.add_error(f"file_{key}", error)
        if self.refusing:
            if not (cleaned.get("refusal_reason") or "").strip():
                self.add_error("refusal_reason", _("Vui lòng ghi lý do từ chối tiếp nhận."))
            return cleaned
        missing = [name for key, name, required in self.component_specs
                   if required and not cleaned.get(f"file_{key}") and not cleaned.get(f"paper_{key}")
                   and f"file_{key}" not in self.errors]
        if missing:
            raise forms.ValidationError(
                _("Thiếu thành phần hồ sơ bắt buộc: %(names)s. Vui lòng quét, tải lên hoặc đánh dấu đã nhận bản "
                  "giấy.") % {"names": "; ".join(missing)})
        return cleaned


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, dossier=None, **kwargs):
        self.dossier = dossier
        kwargs.setdefault("initial", {})
        if dossier is not None:
            kwargs["initial"].setdefault("version", dossier.version)
        super().__init__(*args, **kwargs)


class NoteForm(VersionForm):
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(VersionForm):
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("Vui lòng ghi lý do.")})


class ConfirmedReasonForm(ReasonForm):
    """Refuse, stop, withdraw: they end the dossier and cannot be undone, so the officer ticks a
    confirmation, checked here on the server (no script needed)."""

    confirm = forms.BooleanField(
        label=gettext_lazy("Tôi xác nhận thao tác này kết thúc hồ sơ và không thể hoàn tác."),
        error_messages={"required": gettext_lazy("Vui lòng đánh dấu ô xác nhận trước khi thực hiện.")})


class SignForm(VersionForm):
    """The leader approves and signs the result: he ticks that he has read it (the unsigned preview, a
    link beside the form), checked here on the server; a leader with his own token (settings
    MOTCUA_SIGNING_TOKENS, `token=True`) types its PIN, used for this signature only and never stored."""

    reviewed = forms.BooleanField(
        label=gettext_lazy("Tôi đã xem nội dung kết quả"),
        error_messages={"required": gettext_lazy("Vui lòng xem trước kết quả và đánh dấu ô “Tôi đã xem nội dung "
                                                 "kết quả” trước khi ký số.")})

    def __init__(self, *args, token=False, remote=False, **kwargs):
        super().__init__(*args, **kwargs)
        # A leader who signs through a remote-signing service (settings MOTCUA_REMOTE_SIGNERS) confirms on his
        # phone: the page tells him so, and the button says it.
        self.remote = remote and not token
        if self.remote:
            self.submit_label = _("Ký số từ xa (xác nhận trên điện thoại)")
            self.phone_notice = _(
                "Bạn ký số từ xa: sau khi bấm nút, ứng dụng ký số trên điện thoại của bạn sẽ nhận yêu cầu “Phê duyệt "
                "kết quả hồ sơ %(code)s”. Mở ứng dụng và xác nhận trong vòng %(seconds)s giây; trang này chờ đến "
                "khi bạn xác nhận. Nếu bạn từ chối hoặc hết thời gian, hồ sơ không có thay đổi nào."
            ) % {"code": self.dossier.code, "seconds": settings.MOTCUA_REMOTE_SIGNING_WAIT}
        if token:
            self.fields["pin"] = forms.CharField(
                label=gettext_lazy("Mã PIN của thiết bị ký số"), max_length=64, strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
                error_messages={"required": gettext_lazy("Vui lòng nhập mã PIN của thiết bị ký số.")})


class SupplementRequestForm(VersionForm):
    reason = forms.CharField(label=gettext_lazy("Nội dung cần bổ sung, hoàn thiện"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("Vui lòng ghi nội dung cần bổ sung.")})


class AssignForm(VersionForm):
    assignee = forms.ModelChoiceField(label=gettext_lazy("Cán bộ xử lý"), queryset=None)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers_for_assignment(self.dossier)
        self.fields["assignee"].label_from_instance = (
            lambda user: f"{user.membership.full_name or user.get_username()} ({user.membership.unit})")


class ManyOptionsSelect(forms.Select):
    """A select written in one pass instead of through Django's templates (two included templates per
    option): the hand-over's 608 units took about 0.1 s of every dossier page (docs/benchmarks.md, the back
    office under load). Same HTML for flat choices (a model choice field's): the attributes, then each option,
    the current value selected."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join("", '\n  <option value="{}"{}>{}</option>', (
            (key, mark_safe(" selected") if str(key) in selected else "", label) for key, label in self.choices))
        return format_html('<select name="{}"{}>{}\n</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           options)


class HandOverForm(VersionForm):
    to_unit = forms.ModelChoiceField(label=gettext_lazy("Chuyển đến đơn vị"), queryset=None,
                                     widget=ManyOptionsSelect)
    days = forms.DecimalField(label=gettext_lazy("Thời gian xử lý của bước (ngày làm việc)"), min_value=0,
                              max_value=MAX_STEP_DAYS, decimal_places=1, initial=1)
    note = forms.CharField(label=gettext_lazy("Nội dung chuyển"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = Unit.objects.exclude(pk=self.dossier.holder_id).order_by("position", "id")
        self.fields["to_unit"].label_from_instance = lambda unit: f"{unit.name} ({unit.code})"


class FeesForm(VersionForm):
    amount_vnd = forms.IntegerField(label=gettext_lazy("Số tiền phải nộp (đồng)"), min_value=0)
    note = forms.CharField(label=gettext_lazy("Nội dung nghĩa vụ tài chính"), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.dossier is not None:
            self.fields["amount_vnd"].initial = self.dossier.fee_vnd


class SupplementDoneForm(NoteForm):
    file = forms.FileField(label=gettext_lazy("Tệp giấy tờ bổ sung (nếu có)"), required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        self.kind = check_upload(upload) if upload else None
        return upload


class ResolveForm(VersionForm):
    result_text = forms.CharField(label=gettext_lazy("Nội dung kết quả giải quyết"), required=False,
                                  max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        cleaned = super().clean()
        if "result_text" in cleaned:
            _show_rule(self, check_result_text, self.dossier, cleaned["result_text"])
        return cleaned


class ApologyForm(VersionForm):
    reason = forms.CharField(label=gettext_lazy("Lý do chậm trễ"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("Vui lòng ghi lý do chậm trễ.")})
    # A text input in the Vietnamese order (dd/mm/yyyy HH:MM): the browser's datetime-local shows the
    # browser's locale order (mm/dd/yyyy on most machines). ISO (year first, unambiguous) is still read,
    # for scripts: Django's DateTimeField accepts it whatever the input formats.
    new_due = forms.DateTimeField(
        label=gettext_lazy("Thời gian hẹn trả mới (ngày/tháng/năm giờ:phút)"),
        input_formats=[VN_DATETIME, "%d/%m/%Y %H:%M:%S", "%d-%m-%Y %H:%M", DATETIME_LOCAL],
        widget=forms.DateTimeInput(format=VN_DATETIME,
                                   attrs={"placeholder": "12/11/2025 16:00", "autocomplete": "off"}),
        help_text=gettext_lazy("Ví dụ: 12/11/2025 16:00 (ngày 12 tháng 11 năm 2025, 16 giờ 00)."),
        error_messages={"required": gettext_lazy("Vui lòng nhập thời gian hẹn trả mới."),
                        "invalid": gettext_lazy("Thời gian hẹn trả mới không đúng dạng ngày/tháng/năm giờ:phút, "
                                                "ví dụ 12/11/2025 16:00.")})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_due") is not None:
            _show_rule(self, check_apology, self.dossier, cleaned["new_due"], timezone.now())
        return cleaned


class QueueFilterForm(forms.Form):
    TABS = [("mine", gettext_lazy("Chờ tôi xử lý")), ("unit", gettext_lazy("Đơn vị tôi")),
            ("all", gettext_lazy("Tất cả trong phạm vi"))]
    # The labels are the office clock's (one definition); this is only their order in the filter.
    URGENCIES = [("", gettext_lazy("Tất cả"))] + [(u, URGENCY_LABELS[u])
                                                  for u in (OVERDUE, DUE_SOON, IN_TIME, PAUSED, DONE)]

    tab = forms.ChoiceField(choices=TABS, required=False, widget=forms.HiddenInput)
    q = forms.CharField(label=gettext_lazy("Mã hồ sơ hoặc tên người nộp"), required=False, max_length=200)
    urgency = forms.ChoiceField(label=gettext_lazy("Thời hạn"), choices=URGENCIES, required=False)
    status = forms.TypedChoiceField(label=gettext_lazy("Trạng thái"), required=False, coerce=int, empty_value=None)
    ended = forms.BooleanField(label=gettext_lazy("Hiện cả hồ sơ đã kết thúc, đã trả kết quả"), required=False)

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tất cả"))] + [(s.value, s.label) for s in statuses]
