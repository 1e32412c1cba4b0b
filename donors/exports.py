"""Excel exports of the donor registry, pledges and the commendation ranking, on the shared spreadsheet module
(portal.spreadsheets: formula-safe typed cells, every export logged in ExportLog)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.spreadsheets.columns import DATE, MONEY
from portal.spreadsheets.exporting import ExportColumn, export_response

DONOR_EXPORT = [
    ExportColumn(_("Tên nhà tài trợ"), lambda d: d.name, width=36),
    ExportColumn(_("Loại"), lambda d: d.get_type_display(), width=20),
    ExportColumn(_("Mã số thuế"), lambda d: d.tax_code, width=14),
    ExportColumn(_("Quốc gia"), lambda d: d.country, width=8),
    ExportColumn(_("Địa chỉ"), lambda d: d.address, width=30),
    ExportColumn(_("Điện thoại"), lambda d: d.phone, width=14),
    ExportColumn(_("Thư điện tử"), lambda d: d.email, width=24),
    ExportColumn(_("Không công khai tên"), lambda d: _("Có") if d.anonymous_publicly else "", width=10),
]
PLEDGE_EXPORT = [
    ExportColumn(_("Số cam kết"), lambda p: p.pk, width=10),
    ExportColumn(_("Nhà tài trợ"), lambda p: p.donor.name, width=36),
    ExportColumn(_("Đợt vận động"), lambda p: p.campaign.name if p.campaign else "", width=28),
    ExportColumn(_("Hình thức"), lambda p: p.get_kind_display(), width=10),
    ExportColumn(_("Ngày cam kết"), lambda p: p.pledged_on, DATE, width=12),
    ExportColumn(_("Hạn chuyển/giao"), lambda p: p.receive_by, DATE, width=12),
    ExportColumn(_("Giá trị cam kết (đồng)"), lambda p: p.amount, MONEY, width=16),
    ExportColumn(_("Đã tiếp nhận (đồng)"), lambda p: p.received_total, MONEY, width=16),
    ExportColumn(_("Trạng thái"), lambda p: p.get_status_display(), width=16),
]
COMMENDATION_EXPORT = [
    ExportColumn(_("Thứ hạng"), lambda d: d.rank, width=8),
    ExportColumn(_("Nhà tài trợ"), lambda d: d.name, width=36),
    ExportColumn(_("Loại"), lambda d: d.get_type_display(), width=20),
    ExportColumn(_("Mã số thuế"), lambda d: d.tax_code, width=14),
    ExportColumn(_("Quốc gia"), lambda d: d.country, width=8),
    ExportColumn(_("Không công khai tên"), lambda d: _("Có") if d.anonymous_publicly else "", width=10),
    ExportColumn(_("Giá trị đã tiếp nhận (đồng)"), lambda d: d.received_total, MONEY, width=18),
]


def _ranked(ranking):
    for rank, donor in enumerate(ranking.iterator(), start=1):
        donor.rank = rank
        yield donor


def commendation_xlsx(ranking, *, start: dt.date, end: dt.date, user, type: str = ""):
    """Donors ranked by value received in the period, to propose for commendation (khen thưởng)."""
    return export_response(
        user=user,
        what="donors.commendation",
        filters={"start": start.isoformat(), "end": end.isoformat(), "type": type},
        filename=f"khen-thuong-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        sheet_title="KhenThuong",
        columns=COMMENDATION_EXPORT,
        rows=_ranked(ranking),
    )


def donors_xlsx(donors, *, user, filters: dict):
    return export_response(
        user=user,
        what="donors.donors",
        filters=filters,
        filename=f"nha-tai-tro-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title="NhaTaiTro",
        columns=DONOR_EXPORT,
        rows=donors.iterator(chunk_size=2000),
    )


def pledges_xlsx(pledges, *, user, filters: dict):
    return export_response(
        user=user,
        what="donors.pledges",
        filters=filters,
        filename=f"cam-ket-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title="CamKet",
        columns=PLEDGE_EXPORT,
        rows=pledges.iterator(chunk_size=2000),
    )
