"""Donors and pledges from Excel: two imports on the shared preview-then-confirm mechanism (portal.spreadsheets).

Why two lists, each on its own sheet and uploaded on its own: a donor is registered once and pledges many times.
The department keeps a donor list (the registry it already has in Excel) and, after each campaign, a list of who
pledged what. The pledge list names each donor by tax code or by name, as officers already write it, so a
pledge row never repeats the donor's address and contacts; a donor new to the portal is added with the donor
list first. A combined "donor + pledge" row (as the children's list does) would make officers retype a donor's
details on every pledge, and a pledge's donor would silently differ from the registry when one copy is mistyped.
Both imports are all-or-nothing and save only into provinces where the user manages donors.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from donors.models import Campaign, Donor, DonorType, Pledge, PledgeItem, PledgeKind
from donors.rules import pledge_date_problems
from donors.services import pledge_bulk_create
from needs.models import Category
from needs.spreadsheets import PhoneWidget
from portal.bulk import history_copy
from portal.models import AdministrativeUnit
from portal.models.units import UnitLevel
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.spreadsheets.cells import (
    DateWidget,
    IntegerWidget,
    LookupWidget,
    TextWidget,
    VndWidget,
    choice_mapping,
    is_empty,
    text,
)
from portal.spreadsheets.columns import DATE, INTEGER, MONEY, Column, label_key
from portal.spreadsheets.importing import ImportSpec, ScopedImportResource
from portal.spreadsheets.upload import ROW_KEY
from portal.text import collated, fold

YES_NO = "ds_co_khong"


def may_import(user) -> bool:
    return scope_for(user).has_perm(Perm.MANAGE_DONORS)


def managed_provinces(user):
    return AdministrativeUnit.objects.visible_to(user, Perm.MANAGE_DONORS).filter(level=UnitLevel.PROVINCE)


def _province_mapping(provinces) -> dict:
    mapping = {}
    for unit in provinces:
        mapping[unit.code] = unit
        mapping[label_key(unit.name)] = unit
        short = label_key(unit.name).removeprefix("tinh ").removeprefix("thanh pho ")
        mapping.setdefault(short, unit)
    return mapping


def _invalid(errors: dict[str, list[str]]) -> ValidationError:
    return ValidationError(errors)


def _required(columns: list[Column], row, errors) -> None:
    for column in columns:
        if column.required and is_empty(row.get(column.key)) and column.key not in errors:
            errors[column.key] = [_("Chưa nhập.")]


def _clean(widgets: dict, row, errors) -> dict:
    values = {}
    for key, widget in widgets.items():
        try:
            values[key] = widget.clean(row.get(key), row=row)
        except ValueError as error:
            errors[key] = [str(error)]
            values[key] = None
    return values


# --- Donors -------------------------------------------------------------------------------------------------
DONOR_COLUMNS = [
    Column("name", gettext_lazy("Tên nhà tài trợ"), True, gettext_lazy("Tên đầy đủ, có dấu."), width=36),
    Column(
        "type", gettext_lazy("Loại nhà tài trợ"), True, gettext_lazy("Chọn trong danh sách."), choices="ds_loai_ntt"
    ),
    Column(
        "tax_code",
        gettext_lazy("Mã số thuế"),
        help=gettext_lazy("Không trùng với nhà tài trợ đã có trong tỉnh; cá nhân có thể bỏ trống."),
        width=14,
    ),
    Column(
        "country", gettext_lazy("Quốc gia"), help=gettext_lazy("Mã 2 chữ cái, ví dụ VN, JP; bỏ trống là VN."), width=8
    ),
    Column(
        "province",
        gettext_lazy("Tỉnh/thành phố"),
        help=gettext_lazy("Bỏ trống nếu bạn chỉ phụ trách một tỉnh."),
        choices="ds_tinh",
        width=20,
    ),
    Column("address", gettext_lazy("Địa chỉ"), width=30),
    Column("phone", gettext_lazy("Điện thoại"), width=14),
    Column("email", gettext_lazy("Thư điện tử"), width=24),
    Column(
        "anonymous_publicly",
        gettext_lazy("Không công khai tên"),
        help=gettext_lazy("Có hoặc Không; bỏ trống là Không."),
        choices=YES_NO,
        width=10,
    ),
    Column("notes", gettext_lazy("Ghi chú"), width=30),
]


def _yes_no() -> dict:
    return choice_mapping(
        [("yes", gettext_lazy("Có")), ("no", gettext_lazy("Không"))], ("x", "yes"), ("1", "yes"), ("0", "no")
    )


class DonorResource(ScopedImportResource):
    """One row = one new donor in a province the user manages; a tax code already used there refuses the row."""

    name = Field(attribute="name", column_name="name", widget=TextWidget(max_length=200))

    class Meta(ScopedImportResource.Meta):
        model = Donor
        fields = ["name"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widgets = {
            "type": LookupWidget(
                choice_mapping(DonorType.choices), _("Không có loại nhà tài trợ “%(value)s”; chọn trong danh sách.")
            ),
            "tax_code": TextWidget(max_length=14),
            "country": TextWidget(),
            "address": TextWidget(max_length=250),
            "phone": PhoneWidget(max_length=20),
            "email": TextWidget(max_length=254),
            "anonymous_publicly": LookupWidget(_yes_no(), _("Ghi Có hoặc Không, không phải “%(value)s”.")),
            "notes": TextWidget(),
        }
        self.in_file_tax_codes: dict[tuple[int, str], int] = {}

    def prepare(self, dataset):
        self.provinces = list(managed_provinces(self.user))
        self.province_by_key = _province_mapping(self.provinces)
        self.existing_tax_codes = {}
        self.existing_names = {}
        for province_id, tax_code, name, name_key in Donor.objects.filter(province__in=self.provinces).values_list(
            "province_id", "tax_code", "name", "name_key"
        ):
            if tax_code:
                self.existing_tax_codes[(province_id, tax_code)] = name
            self.existing_names[(province_id, name_key)] = name

    def _province(self, row, errors):
        typed = row.get("province")
        if is_empty(typed):
            if len(self.provinces) == 1:
                return self.provinces[0]
            errors["province"] = [_("Bạn phụ trách nhiều tỉnh: hãy chọn tỉnh.")]
            return None
        unit = self.province_by_key.get(label_key(text(typed)))
        if unit is None:
            errors["province"] = [_("“%(value)s” không thuộc phạm vi bạn phụ trách.") % {"value": text(typed)}]
        return unit

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update({key: list(messages) for key, messages in error.message_dict.items()})
        values = _clean(self.widgets, row, errors)
        province = self._province(row, errors)
        _required(DONOR_COLUMNS, row, errors)
        country = (values["country"] or "VN").upper()
        if "country" not in errors and (len(country) != 2 or not country.isalpha()):
            errors["country"] = [_("Ghi mã quốc gia 2 chữ cái, ví dụ VN.")]
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                errors["email"] = [_("“%(value)s” không phải là địa chỉ thư điện tử.") % {"value": values["email"]}]
        tax_code = values["tax_code"] or ""
        if tax_code and province is not None and "tax_code" not in errors:
            first_row = self.in_file_tax_codes.get((province.pk, tax_code))
            existing = self.existing_tax_codes.get((province.pk, tax_code))
            if first_row is not None:
                errors["tax_code"] = [_("Trùng mã số thuế với dòng %(row)s.") % {"row": first_row}]
            elif existing is not None:
                errors["tax_code"] = [
                    _("Mã số thuế %(code)s đã có trong danh sách nhà tài trợ (%(name)s).")
                    % {"code": tax_code, "name": existing}
                ]
        if errors:
            raise _invalid(errors)
        if tax_code:
            self.in_file_tax_codes[(province.pk, tax_code)] = row[ROW_KEY]
        instance.province = province
        instance.name_key = fold(instance.name)
        instance.type = values["type"]
        instance.tax_code = tax_code
        instance.country = country
        for key in ("address", "phone", "email", "notes"):
            setattr(instance, key, values[key] or "")
        instance.anonymous_publicly = values["anonymous_publicly"] == "yes"
        similar = self.existing_names.get((province.pk, instance.name_key))
        if similar:
            self.warn(row, _("Tên trùng với nhà tài trợ đã có “%(name)s”: hãy kiểm tra.") % {"name": similar})

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.create_instances:
            return
        donors = list(self.create_instances)
        if dry_run:
            self.count("donors", len(donors))
            self.create_instances.clear()
            return
        try:
            with transaction.atomic():
                Donor.objects.bulk_create(donors, batch_size=batch_size)
                reason = _("Nhập từ Excel: %(name)s") % {"name": self.record.original_name}
                history_copy(Donor, [donor.pk for donor in donors], user=self.user, reason=reason)
            self.count("donors", len(donors))
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()


DONOR_SPEC = ImportSpec(
    kind="donors.donors",
    title=gettext_lazy("Nhập danh sách nhà tài trợ từ Excel"),
    sheet_name="NhaTaiTro",
    columns=DONOR_COLUMNS,
    resource_class=DonorResource,
    count_labels={"donors": gettext_lazy("Nhà tài trợ mới")},
    hint=gettext_lazy("Mỗi dòng là một nhà tài trợ mới; mã số thuế không được trùng với nhà tài trợ đã có."),
)


# --- Pledges ------------------------------------------------------------------------------------------------
PLEDGE_COLUMNS = [
    Column(
        "donor",
        gettext_lazy("Nhà tài trợ (mã số thuế hoặc tên)"),
        True,
        gettext_lazy("Mã số thuế, hoặc tên đúng như trong danh sách nhà tài trợ của cổng."),
        width=32,
    ),
    Column(
        "kind", gettext_lazy("Hình thức"), True, gettext_lazy("Tiền hoặc Hiện vật."), choices="ds_hinh_thuc", width=10
    ),
    Column(
        "pledged_on",
        gettext_lazy("Ngày cam kết"),
        True,
        gettext_lazy("Ngày/tháng/năm, ví dụ 10/01/2026."),
        kind=DATE,
        width=12,
    ),
    Column(
        "amount",
        gettext_lazy("Số tiền cam kết (đồng)"),
        help=gettext_lazy("Bắt buộc với cam kết bằng tiền; số nguyên, ví dụ 50.000.000."),
        kind=MONEY,
        width=16,
    ),
    Column(
        "category",
        gettext_lazy("Loại hỗ trợ"),
        help=gettext_lazy("Với tiền: chỉ dùng cho loại này (bỏ trống là mọi loại). Với hiện vật: loại của mặt hàng."),
        choices="ds_loai",
        width=24,
    ),
    Column(
        "item",
        gettext_lazy("Mặt hàng"),
        help=gettext_lazy("Bắt buộc với hiện vật, ví dụ: áo ấm cỡ 6–7 tuổi."),
        width=26,
    ),
    Column("quantity", gettext_lazy("Số lượng"), help=gettext_lazy("Bắt buộc với hiện vật."), kind=INTEGER, width=9),
    Column(
        "unit_value",
        gettext_lazy("Đơn giá (đồng)"),
        help=gettext_lazy("Bắt buộc với hiện vật; giá trị cam kết = số lượng × đơn giá."),
        kind=MONEY,
        width=14,
    ),
    Column(
        "campaign",
        gettext_lazy("Đợt vận động"),
        help=gettext_lazy("Chọn trong danh sách, có thể bỏ trống."),
        choices="ds_dot",
        width=28,
    ),
    Column(
        "receive_by",
        gettext_lazy("Hạn chuyển/giao"),
        help=gettext_lazy("Ngày/tháng/năm, có thể bỏ trống."),
        kind=DATE,
        width=12,
    ),
    Column("note", gettext_lazy("Ghi chú"), width=30),
]


class PledgeResource(ScopedImportResource):
    """One row = one pledge (cash, or goods of one kind) of a donor already in a province the user manages."""

    note = Field(attribute="note", column_name="note", widget=TextWidget())

    class Meta(ScopedImportResource.Meta):
        model = Pledge
        fields = ["note"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.today = timezone.localdate()
        self.widgets = {
            "kind": LookupWidget(
                choice_mapping(PledgeKind.choices, ("tien mat", PledgeKind.CASH), ("hang", PledgeKind.IN_KIND)),
                _("Hình thức “%(value)s” không rõ; ghi Tiền hoặc Hiện vật."),
            ),
            "pledged_on": DateWidget(),
            "receive_by": DateWidget(),
            "amount": VndWidget(minimum=1),
            "category": LookupWidget(choice_mapping(Category.choices), _("Không có loại hỗ trợ “%(value)s”.")),
            "item": TextWidget(max_length=200),
            "quantity": IntegerWidget(minimum=1),
            "unit_value": VndWidget(minimum=0),
        }
        self.items: dict[int, PledgeItem] = {}  # id(pledge) → its one item

    def prepare(self, dataset):
        provinces = list(managed_provinces(self.user))
        self.donor_by_tax, self.donor_by_name = {}, {}
        for donor in Donor.objects.filter(province__in=provinces).only(
            "id", "name", "name_key", "tax_code", "province"
        ):
            if donor.tax_code:
                self.donor_by_tax.setdefault(donor.tax_code, []).append(donor)
            self.donor_by_name.setdefault(donor.name_key, []).append(donor)
        self.campaigns = {}
        for campaign in Campaign.objects.filter(province__in=provinces):
            self.campaigns.setdefault((campaign.province_id, label_key(campaign.name)), campaign)
        self.outside = None  # donors of other provinces, loaded only to tell "unknown" from "not yours"

    def _donor(self, typed, errors):
        if is_empty(typed):
            return None
        value = text(typed)
        found = self.donor_by_tax.get(value) or self.donor_by_name.get(fold(value)) or []
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            errors["donor"] = [_("Có nhiều nhà tài trợ “%(value)s”; hãy ghi mã số thuế.") % {"value": value}]
            return None
        if self.outside is None:
            self.outside = set()
            for tax_code, name_key in Donor.objects.values_list("tax_code", "name_key"):
                self.outside |= {tax_code, name_key} - {""}
        if value in self.outside or fold(value) in self.outside:
            errors["donor"] = [_("Nhà tài trợ “%(value)s” không thuộc phạm vi bạn phụ trách.") % {"value": value}]
        else:
            errors["donor"] = [
                _("Chưa có nhà tài trợ “%(value)s”; hãy nhập danh sách nhà tài trợ trước.") % {"value": value}
            ]
        return None

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update({key: list(messages) for key, messages in error.message_dict.items()})
        values = _clean(self.widgets, row, errors)
        donor = self._donor(row.get("donor"), errors)
        _required(PLEDGE_COLUMNS, row, errors)
        kind = values["kind"]
        if kind == PledgeKind.CASH:
            if values["amount"] is None and "amount" not in errors:
                errors["amount"] = [_("Cam kết bằng tiền cần số tiền.")]
        elif kind == PledgeKind.IN_KIND:
            for key in ("category", "item", "quantity", "unit_value"):
                if values[key] in (None, "") and key not in errors:
                    errors[key] = [_("Cam kết hiện vật cần ghi cột này.")]
        for field, problem in pledge_date_problems(
            values["pledged_on"], values["receive_by"], today=self.today
        ).items():
            if field not in errors:
                errors[field] = [problem]
        campaign = None
        if donor is not None and not is_empty(row.get("campaign")):
            campaign = self.campaigns.get((donor.province_id, label_key(text(row["campaign"]))))
            if campaign is None:
                errors["campaign"] = [
                    _("Không có đợt vận động “%(value)s” trong tỉnh của nhà tài trợ.")
                    % {"value": text(row["campaign"])}
                ]
        if errors:
            raise _invalid(errors)
        instance.donor, instance.campaign, instance.kind = donor, campaign, kind
        instance.pledged_on, instance.receive_by = values["pledged_on"], values["receive_by"]
        instance.note = instance.note or ""
        if kind == PledgeKind.CASH:
            instance.amount = values["amount"]
            instance.earmark_categories = [values["category"]] if values["category"] else []
        else:
            item = PledgeItem(
                category=values["category"],
                description=values["item"],
                quantity=values["quantity"],
                unit_value=values["unit_value"],
            )
            instance.amount = item.quantity * item.unit_value
            if instance.amount <= 0:
                raise _invalid({"unit_value": [_("Giá trị cam kết phải lớn hơn 0.")]})
            self.items[id(instance)] = item

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.create_instances:
            return
        pledges = list(self.create_instances)
        if dry_run:
            self.count("pledges", len(pledges))
            self.count("amount", sum(pledge.amount for pledge in pledges))
            self.create_instances.clear()
            return
        try:
            reason = _("Nhập từ Excel: %(name)s") % {"name": self.record.original_name}
            rows = [(pledge, [self.items[id(pledge)]] if id(pledge) in self.items else []) for pledge in pledges]
            pledge_bulk_create(actor=self.user, rows=rows, reason=reason)
            self.count("pledges", len(pledges))
            self.count("amount", sum(pledge.amount for pledge in pledges))
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()


PLEDGE_SPEC = ImportSpec(
    kind="donors.pledges",
    title=gettext_lazy("Nhập danh sách cam kết tài trợ từ Excel"),
    sheet_name="CamKet",
    columns=PLEDGE_COLUMNS,
    resource_class=PledgeResource,
    count_labels={"pledges": gettext_lazy("Cam kết mới"), "amount": gettext_lazy("Tổng giá trị cam kết (đồng)")},
    hint=gettext_lazy(
        "Mỗi dòng là một cam kết của một nhà tài trợ đã có trên cổng, ghi theo mã số thuế hoặc tên; "
        "hiện vật mỗi dòng một mặt hàng."
    ),
)


# --- Templates ----------------------------------------------------------------------------------------------
def donor_template_lists(user) -> dict[str, list[str]]:
    return {
        "ds_loai_ntt": [str(label) for _value, label in DonorType.choices],
        "ds_tinh": list(managed_provinces(user).order_by(collated("name")).values_list("name", flat=True)),
        YES_NO: [_("Có"), _("Không")],
    }


def pledge_template_lists(user) -> dict[str, list[str]]:
    since = timezone.localdate() - dt.timedelta(days=730)
    campaigns = (
        Campaign.objects.filter(province__in=managed_provinces(user), end_date__gte=since)
        .order_by("-start_date")
        .values_list("name", flat=True)
    )
    return {
        "ds_hinh_thuc": [str(label) for _value, label in PledgeKind.choices],
        "ds_loai": [str(label) for _value, label in Category.choices],
        "ds_dot": list(dict.fromkeys(campaigns)),
    }


ALL_OR_NOTHING = gettext_lazy(
    "Sau khi tải lên, cổng kiểm tra mọi dòng và chưa lưu gì cho tới khi bạn xác nhận; "
    "có dòng lỗi thì không lưu dòng nào."
)


def donor_template_instructions() -> list[str]:
    return [
        _("MẪU NHẬP DANH SÁCH NHÀ TÀI TRỢ"),
        _("Điền dữ liệu vào trang “NhaTaiTro”, bắt đầu từ dòng 2; không đổi tên, thứ tự hay gộp ô ở dòng tiêu đề."),
        _("Mỗi dòng là một nhà tài trợ mới. Cột có dấu (*) là bắt buộc."),
        _("Mã số thuế không được trùng trong tệp hay với nhà tài trợ đã có trong tỉnh."),
        ALL_OR_NOTHING,
    ]


def pledge_template_instructions() -> list[str]:
    return [
        _("MẪU NHẬP DANH SÁCH CAM KẾT TÀI TRỢ"),
        _("Điền dữ liệu vào trang “CamKet”, bắt đầu từ dòng 2; không đổi tên, thứ tự hay gộp ô ở dòng tiêu đề."),
        _("Nhà tài trợ phải có sẵn trên cổng: ghi mã số thuế, hoặc tên đúng như trong danh sách nhà tài trợ."),
        _("Cam kết bằng tiền: ghi số tiền. Cam kết hiện vật: ghi loại hỗ trợ, mặt hàng, số lượng và đơn giá."),
        _("Ngày ghi theo dạng ngày/tháng/năm, ví dụ 10/01/2026. Cột có dấu (*) là bắt buộc."),
        ALL_OR_NOTHING,
    ]
