"""Children and their needs in Excel: one import of "child + need" rows, the template, the list exports.

Why one combined row: commune officers already keep one list per support round — one line per child with what
the child needs. One sheet where a child with two needs simply takes two lines is what they can fill by hand;
two linked sheets would ask them to copy codes between sheets, which is where hand-filled lists go wrong.
Rows naming the same child (same name without diacritics, birth date and commune) become one child, and a child
already registered is reused (and flagged in the preview) rather than created twice.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from needs.models import Category, Child, Need, NeedStatus, Priority, SchoolLevel, Sex
from needs.rules import birth_date_problem, season_problem
from needs.seasons import SEASON_CODE, season_choices, season_for, season_label
from needs.services import child_need_bulk_create
from portal.models import AdministrativeUnit, EthnicGroup, Village
from portal.permissions import Perm
from portal.reference_data import ETHNIC_ALIASES
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
from portal.spreadsheets.exporting import ExportColumn
from portal.spreadsheets.importing import ImportSpec, ScopedImportResource
from portal.spreadsheets.upload import ROW_KEY
from portal.text import collated, fold

_UNIT_PREFIX = re.compile(r"^(xa|phuong|thi tran|dac khu) ")
_VILLAGE_PREFIX = re.compile(r"^(thon|ban|lang|xom|to|ap|buon|plei|khu) ")

COLUMNS = [
    Column(
        "full_name", gettext_lazy("Họ và tên trẻ"), True, gettext_lazy("Ghi đủ họ, tên đệm và tên, có dấu."), width=26
    ),
    Column("sex", gettext_lazy("Giới tính"), True, gettext_lazy("Nam hoặc Nữ."), choices="ds_gioi_tinh", width=10),
    Column(
        "birth_date",
        gettext_lazy("Ngày sinh"),
        True,
        gettext_lazy("Ngày/tháng/năm, ví dụ 14/03/2018 (năm ghi đủ 4 chữ số)."),
        kind=DATE,
        width=12,
    ),
    Column("ethnic_group", gettext_lazy("Dân tộc"), True, gettext_lazy("Chọn trong danh sách."), choices="ds_dan_toc"),
    Column(
        "commune",
        gettext_lazy("Xã"),
        True,
        gettext_lazy("Chọn trong danh sách: chỉ các xã bạn phụ trách."),
        choices="ds_xa",
        width=22,
    ),
    Column(
        "village",
        gettext_lazy("Thôn/bản"),
        False,
        gettext_lazy("Chọn trong danh sách thôn/bản của xã."),
        choices="ds_thon",
    ),
    Column("guardian_name", gettext_lazy("Họ tên cha, mẹ hoặc người giám hộ"), width=26),
    Column("guardian_phone", gettext_lazy("Điện thoại người giám hộ"), width=14),
    Column("school_name", gettext_lazy("Trường"), width=22),
    Column("school_level", gettext_lazy("Cấp học"), choices="ds_cap_hoc", width=14),
    Column(
        "category",
        gettext_lazy("Loại hỗ trợ"),
        True,
        gettext_lazy("Chọn trong danh sách."),
        choices="ds_loai",
        width=24,
    ),
    Column("description", gettext_lazy("Mô tả nhu cầu"), help=gettext_lazy("Ví dụ: áo phao cỡ 6–7 tuổi."), width=28),
    Column("quantity", gettext_lazy("Số lượng"), help=gettext_lazy("Số nguyên; bỏ trống là 1."), kind=INTEGER, width=9),
    Column(
        "unit_cost",
        gettext_lazy("Đơn giá dự kiến (đồng)"),
        True,
        gettext_lazy("Số nguyên, đơn vị đồng, ví dụ 250000 hoặc 250.000."),
        kind=MONEY,
        width=14,
    ),
    Column(
        "season",
        gettext_lazy("Mùa/đợt"),
        help=gettext_lazy("Chọn trong danh sách; bỏ trống thì tính theo ngày cần (hoặc hôm nay) và loại hỗ trợ."),
        choices="ds_mua",
        width=22,
    ),
    Column(
        "needed_by",
        gettext_lazy("Cần trước ngày"),
        help=gettext_lazy("Ngày/tháng/năm, có thể bỏ trống."),
        kind=DATE,
        width=12,
    ),
    Column(
        "priority",
        gettext_lazy("Mức ưu tiên"),
        help=gettext_lazy("Thấp, Trung bình hoặc Cao; bỏ trống là Trung bình."),
        choices="ds_uu_tien",
        width=12,
    ),
    Column("justification", gettext_lazy("Lý do, căn cứ"), True, gettext_lazy("Vì sao trẻ cần hỗ trợ này."), width=32),
    Column("notes", gettext_lazy("Ghi chú về trẻ"), width=24),
]
CHILD_KEYS = [
    "full_name",
    "sex",
    "birth_date",
    "ethnic_group",
    "guardian_name",
    "guardian_phone",
    "school_name",
    "school_level",
    "notes",
]


def import_units_q(user) -> Q:
    """Communes a user may import into: commune officers their communes, department staff their province."""
    scope = scope_for(user)
    return scope.q("id", Perm.REGISTER_NEEDS) | scope.q("id", Perm.VERIFY_NEEDS)


def may_import(user) -> bool:
    scope = scope_for(user)
    return scope.has_perm(Perm.REGISTER_NEEDS) or scope.has_perm(Perm.VERIFY_NEEDS)


def importable_communes(user):
    return AdministrativeUnit.objects.communes().current().filter(import_units_q(user)).order_by(collated("name"), "pk")


def _unit_keys(name: str) -> list[str]:
    key = label_key(name)
    short = _UNIT_PREFIX.sub("", key)
    return [key, short] if short != key else [key]


def _village_keys(name: str) -> list[str]:
    key = label_key(name)
    short = _VILLAGE_PREFIX.sub("", key)
    return [key, short] if short != key else [key]


def _seasons(today: dt.date) -> list[tuple[str, str]]:
    return season_choices(today, years_back=1, years_ahead=1)


class PhoneWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            digits = text(value)
            # A number cell drops the leading 0 of a Vietnamese phone number.
            return f"0{digits}" if len(digits) == 9 else digits
        return super().clean(value, row=row, **kwargs)


class ChildNeedResource(ScopedImportResource):
    """One row = one need of one child; children are found or created as the rows go."""

    description = Field(attribute="description", column_name="description", widget=TextWidget(max_length=200))
    quantity = Field(attribute="quantity", column_name="quantity", widget=IntegerWidget(minimum=1))
    unit_cost = Field(attribute="unit_cost", column_name="unit_cost", widget=VndWidget(minimum=0))
    needed_by = Field(attribute="needed_by", column_name="needed_by", widget=DateWidget())
    justification = Field(attribute="justification", column_name="justification", widget=TextWidget())
    category = Field(attribute="category", column_name="category")
    priority = Field(attribute="priority", column_name="priority")

    class Meta(ScopedImportResource.Meta):
        model = Need
        fields = ["description", "quantity", "unit_cost", "needed_by", "justification", "category", "priority"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.today = timezone.localdate()
        self.fields["category"].widget = LookupWidget(
            choice_mapping(Category.choices), _("Không có loại hỗ trợ “%(value)s”.")
        )
        self.fields["priority"].widget = LookupWidget(
            choice_mapping(Priority.choices), _("Mức ưu tiên “%(value)s” không có; chọn Thấp, Trung bình hoặc Cao.")
        )
        self.child_widgets = {
            "full_name": TextWidget(max_length=120),
            "sex": LookupWidget(
                choice_mapping(Sex.choices, ("nu", Sex.FEMALE), ("nam", Sex.MALE)),
                _("Giới tính “%(value)s” không rõ; ghi Nam hoặc Nữ."),
            ),
            "birth_date": DateWidget(),
            "guardian_name": TextWidget(max_length=120),
            "guardian_phone": PhoneWidget(max_length=20),
            "school_name": TextWidget(max_length=160),
            "school_level": LookupWidget(choice_mapping(SchoolLevel.choices), _("Không có cấp học “%(value)s”.")),
            "notes": TextWidget(),
        }
        self.season_widget = LookupWidget(
            choice_mapping(_seasons(self.today)), _("Không có mùa/đợt “%(value)s”; chọn trong danh sách.")
        )
        self.in_file_children: dict[tuple, tuple[Child, int, tuple]] = {}  # key → (child, first row, details)
        self.in_file_needs: dict[tuple, int] = {}  # (child key, category, season) → first row
        self.existing_used: set[int] = set()

    # --- lookups, loaded once -------------------------------------------------------------------------------
    def prepare(self, dataset):
        self.communes, self.communes_by_key = {}, {}
        for unit in importable_communes(self.user):
            self.communes[unit.pk] = unit
            self.communes_by_key.setdefault(unit.code, unit)
            for key in _unit_keys(unit.name):
                self.communes_by_key[key] = None if key in self.communes_by_key else unit  # None: ambiguous
        self.commune_cache = {}
        self.all_commune_keys = None  # loaded only when a commune is not found, to tell "unknown" from "not yours"
        groups = EthnicGroup.objects.all()
        self.ethnic_groups = {label_key(g.name): g for g in groups} | {g.code: g for g in groups}
        self.ethnic_groups |= {alias: g for g in groups for alias, code in ETHNIC_ALIASES.items() if g.code == code}
        self.villages = {}
        for village in Village.objects.filter(commune_id__in=self.communes, active=True):
            for key in _village_keys(village.name):
                self.villages.setdefault((village.commune_id, key), village)
        named = {self._commune_of(value)[0] for value in dataset["commune"]} if "commune" in dataset.headers else set()
        self._load_existing({unit.pk for unit in named if unit is not None})

    def _load_existing(self, commune_ids: set[int]) -> None:
        """Children already registered in these communes (or in older communes merged into them), and their needs."""
        successor = {pk: pk for pk in commune_ids}
        frontier = set(commune_ids)
        while frontier:
            older = dict(AdministrativeUnit.objects.filter(merged_into__in=frontier).values_list("id", "merged_into"))
            older = {pk: successor[parent] for pk, parent in older.items() if pk not in successor}
            successor |= older
            frontier = set(older)
        self.existing_children = {}
        for pk, code, name_key, birth, commune_id in (
            Child.objects.active()
            .filter(commune_id__in=successor)
            .values_list("id", "code", "name_key", "birth_date", "commune_id")
        ):
            self.existing_children[(name_key, birth, successor[commune_id])] = (pk, code)
        self.existing_needs = {
            (child_id, category, season): pk
            for pk, child_id, category, season in Need.objects.filter(
                child__commune_id__in=successor, duplicate_override_reason=""
            )
            .exclude(status=NeedStatus.CANCELLED)
            .values_list("id", "child_id", "category", "season")
        }

    def _commune_of(self, value) -> tuple[AdministrativeUnit | None, str | None]:
        if is_empty(value):
            return None, None
        typed = text(value)
        if typed not in self.commune_cache:
            self.commune_cache[typed] = self._find_commune(typed)
        return self.commune_cache[typed]

    def _find_commune(self, typed: str) -> tuple[AdministrativeUnit | None, str | None]:
        keys = [typed, *_unit_keys(typed)]
        for key in keys:
            if key in self.communes_by_key:
                unit = self.communes_by_key[key]
                if unit is None:
                    return None, _("Có nhiều xã tên “%(value)s”; hãy ghi mã xã.") % {"value": typed}
                return unit, None
        if self.all_commune_keys is None:
            self.all_commune_keys = set()
            for code, name in AdministrativeUnit.objects.communes().values_list("code", "name"):
                self.all_commune_keys |= {code, *_unit_keys(name)}
        if any(key in self.all_commune_keys for key in keys):
            return None, _("“%(value)s” không thuộc phạm vi bạn phụ trách.") % {"value": typed}
        return None, _("không tìm thấy “%(value)s” trong danh mục xã.") % {"value": typed}

    # --- one row ---------------------------------------------------------------------------------------------
    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:  # keyed by attribute
            for key, messages in error.message_dict.items():
                errors[key] = list(messages)
        child_values = {}
        for key, widget in self.child_widgets.items():
            try:
                child_values[key] = widget.clean(row.get(key), row=row)
            except ValueError as error:
                errors[key] = [str(error)]
        group = row.get("ethnic_group")
        child_values["ethnic_group"] = self.ethnic_groups.get(label_key(text(group))) if not is_empty(group) else None
        if not is_empty(group) and child_values["ethnic_group"] is None:
            errors["ethnic_group"] = [
                _("Không có dân tộc “%(value)s” trong danh mục 54 dân tộc.") % {"value": text(group)}
            ]
        commune, problem = self._commune_of(row.get("commune"))
        if problem:
            errors["commune"] = [problem]
        village = None
        if commune is not None and not is_empty(row.get("village")):
            village = next(
                (
                    self.villages[(commune.pk, key)]
                    for key in _village_keys(text(row["village"]))
                    if (commune.pk, key) in self.villages
                ),
                None,
            )
            if village is None:
                errors["village"] = [
                    _("%(commune)s không có thôn/bản “%(value)s”.")
                    % {"commune": commune.name, "value": text(row["village"])}
                ]
        for column in COLUMNS:
            if column.required and is_empty(row.get(column.key)):
                errors[column.key] = [_("Chưa nhập.")]
        birth = child_values.get("birth_date")
        if birth and "birth_date" not in errors:
            problem = birth_date_problem(birth, today=self.today)
            if problem:
                errors["birth_date"] = [problem]
        season = self._season(instance, row, errors)
        if errors:
            raise _invalid(errors)

        instance.commune, instance.village = commune, village
        instance.season = season
        instance.quantity = instance.quantity or 1
        instance.priority = instance.priority or Priority.NORMAL
        instance.description = instance.description or ""
        instance.beneficiary_count = 1
        instance.status = NeedStatus.DRAFT
        instance.created_by = self.user
        instance.child, child_key = self._child(row, child_values, commune, village, errors)
        if not errors:
            self._refuse_duplicate_need(row, instance, child_key, errors)
        if errors:
            raise _invalid(errors)
        if instance.child.pk is not None:
            self.existing_used.add(instance.child.pk)

    def _season(self, instance, row, errors) -> str | None:
        if "category" in errors or not instance.category:
            return None
        typed = row.get("season")
        if is_empty(typed):
            return season_for(instance.category, instance.needed_by or self.today)
        code = text(typed).upper()
        if not SEASON_CODE.match(code):
            try:
                code = self.season_widget.clean(typed)
            except ValueError as error:
                errors["season"] = [str(error)]
                return None
        if problem := season_problem(instance.category, code, today=self.today):
            errors["season"] = [problem]
            return None
        return code

    def _child(self, row, values, commune, village, errors) -> tuple[Child | None, tuple]:
        name_key = fold(values["full_name"])
        key = (name_key, values["birth_date"], commune.pk)
        details = tuple(values[name] for name in CHILD_KEYS if name not in ("full_name", "birth_date"))
        if key in self.in_file_children:
            child, first_row, first_details = self.in_file_children[key]
            if child.pk is not None:
                self._warn_registered(row, child)
            elif details != first_details:
                errors["__all__"] = [
                    _("Cùng trẻ với dòng %(row)s nhưng thông tin trẻ khác (giới tính, dân tộc, người giám hộ…).")
                    % {"row": first_row}
                ]
            return child, key
        existing = self.existing_children.get(key)
        if existing is not None:
            pk, code = existing
            child = Child(pk=pk, code=code, commune=commune, birth_date=values["birth_date"])
            self._warn_registered(row, child)
        else:
            child = Child(
                **{
                    name: values[name] or ""
                    for name in ("full_name", "guardian_name", "guardian_phone", "school_name", "notes")
                },
                name_key=name_key,
                sex=values["sex"],
                birth_date=values["birth_date"],
                ethnic_group=values["ethnic_group"],
                school_level=values["school_level"] or SchoolLevel.NOT_IN_SCHOOL,
                commune=commune,
                village=village,
                created_by=self.user,
            )
        self.in_file_children[key] = (child, row[ROW_KEY], details)
        return child, key

    def _warn_registered(self, row, child) -> None:
        self.warn(
            row,
            _(
                "Trẻ đã có hồ sơ %(code)s (cùng họ tên, ngày sinh, xã): nhu cầu được gắn vào hồ sơ đó, "
                "thông tin trẻ trong tệp không được dùng."
            )
            % {"code": child.code},
        )

    def _refuse_duplicate_need(self, row, need, child_key, errors) -> None:
        """The rule of constraint need_once_per_child_category_season, told per row before the database says it."""
        need_key = (child_key, need.category, need.season)
        first_row = self.in_file_needs.get(need_key)
        if first_row is not None:
            errors["__all__"] = [
                _("Trùng với dòng %(row)s: cùng trẻ, cùng loại hỗ trợ, cùng mùa/đợt.") % {"row": first_row}
            ]
            return
        if need.child.pk is not None:
            existing = self.existing_needs.get((need.child.pk, need.category, need.season))
            if existing is not None:
                errors["__all__"] = [
                    _("Trẻ đã có nhu cầu “%(category)s” trong %(season)s (nhu cầu số %(number)s).")
                    % {"category": need.get_category_display(), "season": season_label(need.season), "number": existing}
                ]
                return
        self.in_file_needs[need_key] = row[ROW_KEY]

    # --- saving, in batches ----------------------------------------------------------------------------------
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.create_instances:
            return
        needs = list(self.create_instances)
        if dry_run:
            # The preview checks every row against lookups loaded from the database; inserting only to roll back
            # would double the time of a large file. Confirming inserts for real, and any refusal from the
            # database there still rolls the whole file back.
            self.count("children_new", len({id(n.child) for n in needs if n.child.pk is None}))
            self.count("needs", len(needs))
            self.counts["children_existing"] = len(self.existing_used)
            self.create_instances.clear()
            return
        try:
            new_children = len({id(n.child) for n in needs if n.child.pk is None})
            reason = _("Nhập từ Excel: %(name)s") % {"name": self.record.original_name}
            child_need_bulk_create(user=self.user, needs=needs, reason=reason, import_record=self.record)
            self.count("children_new", new_children)
            self.count("needs", len(needs))
            self.counts["children_existing"] = len(self.existing_used)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()


def _invalid(errors: dict[str, list[str]]) -> ValidationError:
    return ValidationError(errors)


SPEC = ImportSpec(
    kind="needs.children_needs",
    title=gettext_lazy("Nhập danh sách trẻ em và nhu cầu từ Excel"),
    sheet_name="DanhSach",
    columns=COLUMNS,
    resource_class=ChildNeedResource,
    count_labels={
        "children_new": gettext_lazy("Trẻ em mới"),
        "children_existing": gettext_lazy("Trẻ em đã có hồ sơ"),
        "needs": gettext_lazy("Nhu cầu (nháp)"),
    },
    hint=gettext_lazy(
        "Mỗi dòng là một nhu cầu của một trẻ; trẻ có hai nhu cầu thì ghi hai dòng. Ngày ghi theo dạng ngày/tháng/năm."
    ),
    preview_columns=("full_name", "birth_date", "commune", "village", "category", "quantity", "unit_cost"),
)


def template_lists(user) -> dict[str, list[str]]:
    """What the template's drop-down lists offer this user: only communes and villages they may import into."""
    communes = list(importable_communes(user))
    villages = (
        Village.objects.filter(commune__in=communes, active=True)
        .order_by(collated("name"))
        .values_list("name", flat=True)
        .distinct()
    )
    return {
        "ds_xa": [unit.name for unit in communes],
        "ds_thon": list(villages),
        "ds_dan_toc": list(EthnicGroup.objects.order_by(collated("name")).values_list("name", flat=True)),
        "ds_gioi_tinh": [str(label) for _value, label in Sex.choices],
        "ds_cap_hoc": [str(label) for _value, label in SchoolLevel.choices],
        "ds_loai": [str(label) for _value, label in Category.choices],
        "ds_mua": [label for _code, label in _seasons(timezone.localdate())],
        "ds_uu_tien": [str(label) for _value, label in Priority.choices],
    }


def template_instructions() -> list[str]:
    return [
        _("MẪU NHẬP DANH SÁCH TRẺ EM VÀ NHU CẦU HỖ TRỢ"),
        _("Điền dữ liệu vào trang “DanhSach”, bắt đầu từ dòng 2; không đổi tên, thứ tự hay gộp ô ở dòng tiêu đề."),
        _("Mỗi dòng là một nhu cầu của một trẻ. Trẻ có hai nhu cầu thì ghi hai dòng với cùng họ tên, ngày sinh và xã."),
        _("Cột có dấu (*) là bắt buộc. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 14/03/2018."),
        _(
            "Trẻ đã có hồ sơ trên cổng (cùng họ tên, ngày sinh, xã) sẽ không bị tạo trùng; "
            "nhu cầu được gắn vào hồ sơ đó."
        ),
        _("Mỗi trẻ chỉ có một nhu cầu cùng loại trong một mùa/đợt."),
        _(
            "Sau khi tải lên, cổng kiểm tra mọi dòng và chưa lưu gì cho tới khi bạn xác nhận. "
            "Nhu cầu nhập vào ở trạng thái nháp."
        ),
    ]


# --- exports ------------------------------------------------------------------------------------------------
def _name(obj):
    return obj.name if obj is not None else ""


CHILD_EXPORT = [
    ExportColumn(gettext_lazy("Mã hồ sơ"), lambda c: c.code, width=16),
    ExportColumn(gettext_lazy("Họ và tên"), lambda c: c.full_name, width=26),
    ExportColumn(gettext_lazy("Giới tính"), lambda c: c.get_sex_display(), width=10),
    ExportColumn(gettext_lazy("Ngày sinh"), lambda c: c.birth_date, DATE, width=12),
    ExportColumn(gettext_lazy("Dân tộc"), lambda c: _name(c.ethnic_group)),
    ExportColumn(gettext_lazy("Xã"), lambda c: _name(c.commune), width=22),
    ExportColumn(gettext_lazy("Thôn/bản"), lambda c: _name(c.village)),
    ExportColumn(gettext_lazy("Trường"), lambda c: c.school_name, width=22),
    ExportColumn(gettext_lazy("Cấp học"), lambda c: c.get_school_level_display(), width=14),
    ExportColumn(gettext_lazy("Họ tên cha, mẹ hoặc người giám hộ"), lambda c: c.guardian_name, width=26),
    ExportColumn(gettext_lazy("Điện thoại người giám hộ"), lambda c: c.guardian_phone, width=14),
    ExportColumn(gettext_lazy("Ghi chú"), lambda c: c.notes, width=30),
]

NEED_EXPORT = [
    ExportColumn(gettext_lazy("Số"), lambda n: n.pk, INTEGER, width=8),
    ExportColumn(gettext_lazy("Mã hồ sơ trẻ"), lambda n: n.child.code if n.child else "", width=16),
    ExportColumn(
        gettext_lazy("Trẻ em / tập thể"), lambda n: n.child.full_name if n.child else n.facility_name, width=26
    ),
    ExportColumn(gettext_lazy("Ngày sinh"), lambda n: n.child.birth_date if n.child else None, DATE, width=12),
    ExportColumn(gettext_lazy("Số trẻ được hưởng"), lambda n: n.beneficiary_count, INTEGER, width=10),
    ExportColumn(gettext_lazy("Xã"), lambda n: _name(n.commune), width=22),
    ExportColumn(gettext_lazy("Thôn/bản"), lambda n: _name(n.village)),
    ExportColumn(gettext_lazy("Loại hỗ trợ"), lambda n: n.get_category_display(), width=24),
    ExportColumn(gettext_lazy("Mô tả nhu cầu"), lambda n: n.description, width=28),
    ExportColumn(gettext_lazy("Số lượng"), lambda n: n.quantity, INTEGER, width=9),
    ExportColumn(gettext_lazy("Đơn giá dự kiến (đồng)"), lambda n: n.unit_cost, MONEY, width=14),
    ExportColumn(gettext_lazy("Kinh phí dự kiến (đồng)"), lambda n: n.estimated_cost, MONEY, width=16),
    ExportColumn(gettext_lazy("Mùa/đợt"), lambda n: n.season_label, width=22),
    ExportColumn(gettext_lazy("Cần trước ngày"), lambda n: n.needed_by, DATE, width=12),
    ExportColumn(gettext_lazy("Mức ưu tiên"), lambda n: n.get_priority_display(), width=12),
    ExportColumn(gettext_lazy("Trạng thái"), lambda n: n.get_status_display(), width=16),
    ExportColumn(gettext_lazy("Lý do, căn cứ"), lambda n: n.justification, width=32),
]
