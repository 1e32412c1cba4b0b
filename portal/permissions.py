"""The one permission vocabulary: named permissions granted by role.

Views, the API and tasks ask `Scope.allows(perm, unit_id)` (see portal.scoping); nothing checks a role name.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã")
    DEPARTMENT_STAFF = "department_staff", _("Cán bộ Sở")
    LEADERSHIP = "leadership", _("Lãnh đạo")
    DONOR = "donor", _("Nhà tài trợ")
    AUDITOR = "auditor", _("Kiểm tra, thanh tra")
    PARTNER = "partner", _("Tổ chức phối hợp")
    ADMIN = "admin", _("Quản trị hệ thống")
    MINISTRY = "ministry", _("Bộ (cơ quan trung ương)")


class Perm(models.TextChoices):
    VIEW_RECORDS = "view_records", _("Xem hồ sơ trong phạm vi")
    VIEW_PERSONAL_DATA = "view_personal_data", _("Xem thông tin cá nhân của trẻ")
    VIEW_AUDIT_TRAIL = "view_audit_trail", _("Xem lịch sử thay đổi")
    MANAGE_VILLAGES = "manage_villages", _("Quản lý thôn/bản")
    CLASSIFY_COMMUNES = "classify_communes", _("Cập nhật phân loại xã")
    REGISTER_NEEDS = "register_needs", _("Đăng ký trẻ em và nhu cầu")
    VERIFY_NEEDS = "verify_needs", _("Thẩm định nhu cầu")
    MANAGE_DONORS = "manage_donors", _("Quản lý nhà tài trợ, cam kết, tiếp nhận")
    ALLOCATE = "allocate", _("Phân bổ, điều phối")
    RECORD_DELIVERIES = "record_deliveries", _("Ghi nhận trao hỗ trợ")
    CONFIRM_FIGURES = "confirm_figures", _("Xác nhận số liệu của xã")
    VIEW_DASHBOARDS = "view_dashboards", _("Xem bảng điều hành")
    PREPARE_REPORTS = "prepare_reports", _("Lập báo cáo, mở lại số liệu xã đã xác nhận")
    DOWNLOAD_REPORTS = "download_reports", _("Tải báo cáo")
    APPROVE_REPORTS = "approve_reports", _("Phê duyệt báo cáo")
    VIEW_OWN_DONATIONS = "view_own_donations", _("Xem đóng góp của mình")
    # A partner organisation records the support it gives directly and finds a child only by record code.
    RECORD_PARTNER_SUPPORT = "record_partner_support", _("Ghi nhận hỗ trợ trực tiếp của tổ chức phối hợp")
    LOOK_UP_CHILD_BY_CODE = "look_up_child_by_code", _("Tra cứu một trẻ theo mã hồ sơ")
    VIEW_NATIONAL = "view_national", _("Xem số liệu đã phê duyệt của các tỉnh, lập báo cáo tổng hợp toàn quốc")


_COMMUNE_OFFICER = {
    Perm.VIEW_RECORDS,
    Perm.VIEW_PERSONAL_DATA,
    Perm.MANAGE_VILLAGES,
    Perm.REGISTER_NEEDS,
    Perm.RECORD_DELIVERIES,
    Perm.CONFIRM_FIGURES,
}
_DEPARTMENT_STAFF = {
    Perm.VIEW_RECORDS,
    Perm.VIEW_PERSONAL_DATA,
    Perm.MANAGE_VILLAGES,
    Perm.CLASSIFY_COMMUNES,
    Perm.VERIFY_NEEDS,
    Perm.MANAGE_DONORS,
    Perm.ALLOCATE,
    Perm.VIEW_DASHBOARDS,
    Perm.PREPARE_REPORTS,
    Perm.DOWNLOAD_REPORTS,
}
_LEADERSHIP = {
    Perm.VIEW_RECORDS,
    Perm.VIEW_DASHBOARDS,
    Perm.DOWNLOAD_REPORTS,
    Perm.APPROVE_REPORTS,
}
_AUDITOR = {
    Perm.VIEW_RECORDS,
    Perm.VIEW_PERSONAL_DATA,
    Perm.VIEW_AUDIT_TRAIL,
    Perm.VIEW_DASHBOARDS,
    Perm.DOWNLOAD_REPORTS,
}

GRANTS: dict[str, frozenset[str]] = {
    Role.COMMUNE_OFFICER: frozenset(_COMMUNE_OFFICER),
    Role.DEPARTMENT_STAFF: frozenset(_DEPARTMENT_STAFF),
    Role.LEADERSHIP: frozenset(_LEADERSHIP),
    Role.DONOR: frozenset({Perm.VIEW_OWN_DONATIONS}),
    Role.AUDITOR: frozenset(_AUDITOR),
    # No VIEW_RECORDS: partners never browse the province's children, needs or donors (see partners/).
    Role.PARTNER: frozenset({Perm.RECORD_PARTNER_SUPPORT, Perm.LOOK_UP_CHILD_BY_CODE}),
    Role.ADMIN: frozenset(Perm.values),
    # The ministry reads the provinces' approved aggregates (national.selectors), bound to no province: every
    # scoped row, children and donors included, stays out of its reach.
    Role.MINISTRY: frozenset({Perm.VIEW_NATIONAL}),
}

# The unit level a role is bound to; None means the role is not bound to a unit.
ROLE_UNIT_LEVEL: dict[str, str | None] = {
    Role.COMMUNE_OFFICER: "commune",
    Role.DEPARTMENT_STAFF: "province",
    Role.LEADERSHIP: "province",
    Role.AUDITOR: "province",
    Role.PARTNER: "province",
    Role.DONOR: None,
    Role.ADMIN: None,
    Role.MINISTRY: None,
}
# Roles never bound to a unit.
UNBOUND_ROLES = (Role.DONOR, Role.ADMIN, Role.MINISTRY)
