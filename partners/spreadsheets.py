"""A partner organisation's support records from Excel, on the shared preview-then-confirm mechanism
(portal.spreadsheets): every bad row shown before anything is saved, then all rows or none.

A row is support to one child (record code) or to a group in a commune (village optional). Each row is checked
by the same service as the page (allocations.services.partner_support_build) and the same no-overlap rule
(allocations.rules): against what is saved and against the file's earlier rows; an overlapping row needs the
"reason" column. Evidence files are attached afterwards on each record's page, not through the list.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from allocations.models import PartnerSupport
from allocations.rules import SupportKey, overlap_message, support_overlaps_of
from allocations.services import partner_support_build, partner_supports_import
from needs.models import Category
from needs.seasons import season_choices
from partners.selectors import children_by_codes, partners_of
from portal.models import AdministrativeUnit, Village
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
from portal.text import collated

COLUMNS = [
    Column(
        "child_code",
        gettext_lazy("Mã hồ sơ của trẻ"),
        help=gettext_lazy("Hỗ trợ cho một trẻ; bỏ trống nếu hỗ trợ cho nhóm."),
        width=14,
    ),
    Column(
        "commune", gettext_lazy("Xã"), help=gettext_lazy("Bắt buộc khi hỗ trợ cho nhóm."), choices="ds_xa", width=22
    ),
    Column("village", gettext_lazy("Thôn/bản"), width=18),
    Column("category", gettext_lazy("Loại hỗ trợ"), True, choices="ds_loai", width=24),
    Column("description", gettext_lazy("Nội dung hỗ trợ"), True, width=30),
    Column("value", gettext_lazy("Giá trị (đồng)"), True, kind=MONEY, width=14),
    Column("quantity", gettext_lazy("Số lượng"), True, kind=INTEGER, width=10),
    Column(
        "children_count",
        gettext_lazy("Số trẻ được nhận"),
        help=gettext_lazy("Hỗ trợ cho nhóm: số trẻ đã nhận."),
        kind=INTEGER,
        width=10,
    ),
    Column("given_on", gettext_lazy("Ngày hỗ trợ"), True, kind=DATE, width=12),
    Column(
        "season",
        gettext_lazy("Mùa/đợt"),
        help=gettext_lazy("Bỏ trống: theo ngày hỗ trợ."),
        choices="ds_mua",
        width=18,
    ),
    Column(
        "overlap_reason",
        gettext_lazy("Lý do hỗ trợ trùng"),
        help=gettext_lazy("Khi trẻ đã được hỗ trợ cùng loại trong mùa này."),
        width=30,
    ),
]


def may_import(user) -> bool:
    return partners_of(user).exists()


class PartnerSupportResource(ScopedImportResource):
    """One row = one support the user's organisation gave, in its province."""

    description = Field(attribute="description", column_name="description", widget=TextWidget(max_length=250))

    class Meta(ScopedImportResource.Meta):
        model = PartnerSupport
        fields = ["description"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widgets = {
            "child_code": TextWidget(max_length=24),
            "commune": TextWidget(),
            "village": TextWidget(),
            "category": LookupWidget(
                choice_mapping(Category.choices), _("Không có loại hỗ trợ “%(value)s”; chọn trong danh sách.")
            ),
            "value": VndWidget(),
            "quantity": IntegerWidget(minimum=1),
            "children_count": IntegerWidget(minimum=1),
            "given_on": DateWidget(),
            "season": LookupWidget(
                choice_mapping(season_choices_for_import()),
                _("Không có mùa/đợt “%(value)s”; chọn trong danh sách."),
            ),
            "overlap_reason": TextWidget(max_length=250),
        }
        self.in_file: dict[tuple, int] = {}

    def prepare(self, dataset):
        self.partner = partners_of(self.user).first()
        province_id = self.partner.province_id if self.partner else None
        communes = AdministrativeUnit.objects.communes().current().filter(province_id=province_id)
        self.communes = {}
        for commune in communes:
            self.communes[commune.code] = commune
            self.communes[label_key(commune.name)] = commune
        self.villages = {
            (village.commune_id, label_key(village.name)): village
            for village in Village.objects.filter(commune__province_id=province_id, active=True)
        }
        codes = (
            {text(code) for code in dataset["child_code"] if not is_empty(code)}
            if "child_code" in dataset.headers
            else set()
        )
        self.children = children_by_codes(user=self.user, codes=codes)

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update({key: list(messages) for key, messages in error.message_dict.items()})
        values = {}
        for key, widget in self.widgets.items():
            try:
                values[key] = widget.clean(row.get(key), row=row)
            except ValueError as error:
                errors[key] = [str(error)]
                values[key] = None
        for column in COLUMNS:
            if column.required and is_empty(row.get(column.key)) and column.key not in errors:
                errors[column.key] = [_("Chưa nhập.")]
        child = commune = village = None
        if values["child_code"]:
            child = self.children.get(values["child_code"])
            if child is None:
                errors["child_code"] = [_("Không có trẻ mang mã hồ sơ này trong tỉnh.")]
        elif values["commune"]:
            commune = self.communes.get(values["commune"]) or self.communes.get(label_key(values["commune"]))
            if commune is None:
                errors["commune"] = [_("“%(value)s” không phải là xã của tỉnh.") % {"value": values["commune"]}]
        elif "commune" not in errors:
            errors["commune"] = [_("Chọn xã, hoặc ghi mã hồ sơ của trẻ.")]
        where = child.commune if child else commune
        if values["village"] and where is not None:
            village = self.villages.get((where.pk, label_key(values["village"])))
            if village is None:
                errors["village"] = [_("Không có thôn/bản này trong xã.")]
        if errors:
            raise ValidationError(errors)
        try:
            support = partner_support_build(
                partner=self.partner,
                child=child,
                commune=commune,
                village=village,
                category=values["category"],
                season=values["season"] or "",
                description=instance.description,
                value=values["value"],
                quantity=values["quantity"],
                children_count=values["children_count"],
                given_on=values["given_on"],
                overlap_reason=values["overlap_reason"] or "",
            )
        except ValidationError as error:
            raise ValidationError({key: list(messages) for key, messages in error.message_dict.items()}) from None
        self._refuse_overlap(support, row)
        for field in (
            "partner", "child", "commune", "village", "category", "season", "value", "quantity", "children_count",
            "given_on", "overlap_reason",
        ):  # fmt: skip
            setattr(instance, field, getattr(support, field))

    def _refuse_overlap(self, support, row) -> None:
        """Overlap with what is saved (the one rule), or with an earlier row of the file, needs a reason."""
        if support.child_id is None:
            return
        key = (support.child_id, support.category, support.season)
        earlier = self.in_file.get(key)
        self.in_file.setdefault(key, row[ROW_KEY])
        if support.overlap_reason:
            return
        if earlier is not None:
            raise ValidationError(
                {
                    "overlap_reason": [
                        _("Trùng với dòng %(row)s (cùng trẻ, loại hỗ trợ, mùa): ghi lý do.") % {"row": earlier}
                    ]
                }
            )
        overlaps = support_overlaps_of([SupportKey(*key)])
        if overlaps:
            raise ValidationError({"overlap_reason": [overlap_message(next(iter(overlaps.values())))]})

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.create_instances:
            return
        supports = list(self.create_instances)
        try:
            if not dry_run:
                reason = _("Nhập từ Excel: %(name)s") % {"name": self.record.original_name}
                partner_supports_import(user=self.user, supports=supports, reason=reason)
            self.count("supports", len(supports))
            self.count("value", sum(support.value for support in supports))
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()


def season_choices_for_import():
    return season_choices(timezone.localdate(), years_back=2)


SPEC = ImportSpec(
    kind="partners.supports",
    title=gettext_lazy("Nhập danh sách hỗ trợ của tổ chức từ Excel"),
    sheet_name="HoTro",
    columns=COLUMNS,
    resource_class=PartnerSupportResource,
    count_labels={"supports": gettext_lazy("Lần hỗ trợ"), "value": gettext_lazy("Tổng giá trị (đồng)")},
    hint=gettext_lazy("Mỗi dòng là một lần hỗ trợ: cho một trẻ (mã hồ sơ) hoặc cho một nhóm trẻ của một xã."),
    preview_columns=("child_code", "commune", "category", "description", "value", "given_on"),
)


def template_lists(user) -> dict[str, list[str]]:
    partner = partners_of(user).first()
    communes = AdministrativeUnit.objects.communes().current().filter(province_id=getattr(partner, "province_id", None))
    return {
        "ds_xa": list(communes.order_by(collated("name")).values_list("name", flat=True)),
        "ds_loai": [str(label) for _value, label in Category.choices],
        "ds_mua": [label for _code, label in season_choices_for_import()],
    }


def template_instructions() -> list[str]:
    return [
        _("MẪU NHẬP DANH SÁCH HỖ TRỢ CỦA TỔ CHỨC PHỐI HỢP"),
        _("Điền dữ liệu vào trang “HoTro”, bắt đầu từ dòng 2; không đổi tên, thứ tự hay gộp ô ở dòng tiêu đề."),
        _("Hỗ trợ cho một trẻ: ghi mã hồ sơ do xã cấp. Hỗ trợ cho nhóm: ghi xã (thôn/bản nếu có) và số trẻ."),
        _("Trẻ đã được Sở hay tổ chức khác hỗ trợ cùng loại trong mùa này: ghi lý do, nếu không dòng bị từ chối."),
        _("Ngày ghi theo dạng ngày/tháng/năm, ví dụ 10/01/2026. Cột có dấu (*) là bắt buộc."),
        _(
            "Sau khi tải lên, cổng kiểm tra mọi dòng và chưa lưu gì cho tới khi bạn xác nhận; "
            "có dòng lỗi thì không lưu dòng nào."
        ),
    ]
