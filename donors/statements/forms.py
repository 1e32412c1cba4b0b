"""Forms of the bank statement pages: upload, column mapping, matching a line and marking it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from donors.models import MARKED_STATUSES, DateFormat, LineStatus, NumberFormat, Pledge, StatementFormat
from donors.statements.parsing import COLUMN_LABELS, COLUMNS, PRESETS, Mapping, check_statement_upload
from donors.transfer_codes import PLEDGE, find_codes
from portal.money import VndFormField
from portal.numbers import CountFormField

PARTS = 4  # pledges one line can be split across on the page


def format_choices(province_id: int) -> list[tuple[str, str]]:
    """The province's saved mappings, then the ready ones whose bank has none saved yet."""
    saved = list(StatementFormat.objects.filter(province_id=province_id).values_list("pk", "name"))
    names = {name for _pk, name in saved}
    ready = [(f"p:{key}", _("%(name)s (mẫu có sẵn)") % {"name": m.name}) for key, m in PRESETS.items()]
    return [(f"f:{pk}", name) for pk, name in saved] + [
        (value, label) for value, label in ready if PRESETS[value[2:]].name not in names
    ]


def mapping_of(choice: str, province_id: int) -> tuple[Mapping, StatementFormat | None]:
    if choice.startswith("f:"):
        saved = StatementFormat.objects.get(pk=int(choice[2:]), province_id=province_id)
        return Mapping.of(saved), saved
    return PRESETS[choice[2:]], None


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp sao kê"),
        help_text=_("Tệp Excel (.xlsx) hoặc CSV tải từ ngân hàng, không sửa; tối đa 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    mapping = forms.ChoiceField(label=_("Mẫu sao kê (ngân hàng)"))

    def __init__(self, *args, province_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = format_choices(province_id)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        data, _kind = check_statement_upload(upload)
        return data


class MappingForm(forms.Form):
    """Which column holds what, by the header's text ("|" between several spellings)."""

    header_row = CountFormField(label=_("Tìm dòng tiêu đề từ dòng"), min_value=1, max_value=1000)
    date = forms.CharField(label=COLUMN_LABELS["date"], max_length=120)
    credit = forms.CharField(label=COLUMN_LABELS["credit"], max_length=120)
    description = forms.CharField(label=COLUMN_LABELS["description"], max_length=120)
    debit = forms.CharField(label=COLUMN_LABELS["debit"], max_length=120, required=False)
    reference = forms.CharField(label=COLUMN_LABELS["reference"], max_length=120, required=False)
    balance = forms.CharField(label=COLUMN_LABELS["balance"], max_length=120, required=False)
    date_format = forms.ChoiceField(label=_("Cách ghi ngày"), choices=DateFormat.choices)
    number_format = forms.ChoiceField(label=_("Cách ghi số tiền"), choices=NumberFormat.choices)
    save_as = forms.CharField(
        label=_("Lưu cách đọc này cho ngân hàng"),
        max_length=80,
        required=False,
        help_text=_("Tên ngân hàng, ví dụ Vietcombank; lần tải sau sẽ có sẵn mẫu này."),
    )

    def __init__(self, *args, headers=(), **kwargs):
        super().__init__(*args, **kwargs)
        for column in COLUMNS:
            self.fields[column].widget.attrs["list"] = "statement-headers"
        self.headers = headers

    @classmethod
    def initial_of(cls, mapping: Mapping) -> dict:
        return {**mapping.as_dict(), "save_as": ""}

    def mapping(self, name: str) -> Mapping:
        data = {key: value for key, value in self.cleaned_data.items() if key != "save_as"}
        return Mapping.from_dict({**data, "name": name})


def _pledge_id(typed: str) -> int | None:
    typed = typed.strip().lstrip("#")
    if typed.isdigit():
        return int(typed)
    codes = [code for code in find_codes(typed) if code.kind == PLEDGE]
    return codes[0].number if codes else None


class LineMatchForm(forms.Form):
    """Up to PARTS (pledge, amount) pairs; one pair for a line matched whole."""

    confirm_beyond_pledge = forms.BooleanField(
        label=_("Đã kiểm tra: nhà tài trợ chuyển nhiều hơn đã cam kết"), required=False
    )

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        for n in range(1, PARTS + 1):
            self.fields[f"pledge_{n}"] = forms.CharField(
                label=_("Cam kết (số # hoặc mã chuyển khoản)"), max_length=40, required=n == 1
            )
            self.fields[f"amount_{n}"] = VndFormField(label=_("Số tiền (đồng)"), required=False)

    def pairs(self):
        return [(self[f"pledge_{n}"], self[f"amount_{n}"]) for n in range(1, PARTS + 1)]

    def clean(self):
        cleaned = super().clean()
        parts = []
        for n in range(1, PARTS + 1):
            typed = (cleaned.get(f"pledge_{n}") or "").strip()
            if not typed:
                continue
            pledge_id = _pledge_id(typed)
            if (
                pledge_id is None
                or not Pledge.objects.filter(pk=pledge_id, donor__province_id=self.line.province_id).exists()
            ):
                self.add_error(f"pledge_{n}", _("Không tìm thấy cam kết này trong tỉnh."))
                continue
            amount = cleaned.get(f"amount_{n}")
            if amount is None and n == 1 and not any(cleaned.get(f"pledge_{m}") for m in range(2, PARTS + 1)):
                amount = self.line.amount  # one pledge: the whole line
            if amount is None:
                self.add_error(f"amount_{n}", _("Nhập số tiền của phần này."))
                continue
            parts.append((pledge_id, amount))
        cleaned["parts"] = parts
        return cleaned


class LineMarkForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Dòng này là"), choices=[(s.value, s.label) for s in LineStatus if s in MARKED_STATUSES]
    )
    reason = forms.CharField(label=_("Lý do"), max_length=250)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Cần ghi lý do."))
        return reason


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Chờ đối chiếu")), ("all", _("Tất cả")), *LineStatus.choices[1:]],
    )
