"""The national roll-up as documents: its stored figures, the PDF (Decree 30/2020/NĐ-CP layout, the ministry as the
issuing agency) and the workbook. Both are rendered from the stored figures only."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from national.models import Ministry, NationalReport
from portal.pdf import render_pdf
from reports.excel import _sheet as table_sheet  # the province workbook's sheet layout, shared

NOTE = (
    "Số liệu của mỗi tỉnh lấy nguyên từ báo cáo năm chính thức đã được lãnh đạo cơ quan chủ trì của tỉnh phê duyệt "
    "(số liệu lưu cùng bản báo cáo khi lập, không tính lại); tổng toàn quốc là tổng các số liệu đó. Tỉnh chưa có "
    "báo cáo chính thức được liệt kê riêng và không được tính vào tổng (không coi là số 0)."
)


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return value.strftime("%d/%m/%Y")


def rollup_snapshot(figures: dict) -> dict:
    """What a roll-up stores and renders (national.selectors.approved_figures made JSON): measures by province
    and in total, the breakdowns, the provinces missing, and which final report of each province was used."""
    measures = [name for name, _label, _money in figures["measures"]]
    programme = figures["programme"]
    return {
        "year": figures["year"],
        "programme": {"code": programme.code, "name": programme.name, "decision": programme.decision},
        "measures": [{"key": name, "label": str(label), "money": money} for name, label, money in figures["measures"]],
        "totals": figures["totals"],
        "provinces": [
            {
                "code": row["province"].code,
                "name": row["province"].name,
                "report_id": row["report"]["pk"],
                "version": row["report"]["version"],
                "approved_on": _day(row["report"]["approved_at"]),
                "due_on": _day(row["due_on"]),
                "late": row["late"],
                "outdated": row["report"]["outdated"],
                **{name: row["report"][name] for name in measures},
            }
            for row in figures["provinces"]
        ],
        "missing": [
            {
                "code": row["province"].code,
                "name": row["province"].name,
                "state": str(row["state_label"]),
                "due_on": _day(row["due_on"]),
            }
            for row in figures["missing"]
        ],
        "breakdowns": figures["breakdowns"],
        "note": NOTE,
    }


def rollup_pdf(report: NationalReport, snapshot: dict, *, issued_on: dt.date) -> bytes:
    ministry = Ministry.objects.get()
    total = len(snapshot["provinces"]) + len(snapshot["missing"])
    context = {
        # The shared Decree 30 header and closing read these five names.
        "agency": ministry,
        "number": "",
        "symbol": f"BC-{ministry.department_abbreviation}",
        "issued_on": issued_on,
        "recipients": [line for line in ministry.recipients.splitlines() if line.strip()],
        "report": report,
        "figures": snapshot,
        "province_count": total,
        "total_rows": [{**m, "value": snapshot["totals"][m["key"]]} for m in snapshot["measures"]],
        "subject": f"Tổng hợp kết quả vận động, hỗ trợ trẻ em vùng dân tộc thiểu số và miền núi năm {report.year}",
    }
    return render_pdf("national/pdf/rollup.html", context)


def rollup_workbook(snapshot: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    measures = snapshot["measures"]
    money_columns = {index + 2 for index, m in enumerate(measures) if m["money"]}
    table_sheet(
        book,
        _("Số liệu các tỉnh"),
        [_("Mã"), _("Tỉnh, thành phố"), *(m["label"] for m in measures), _("Phiên bản"), _("Phê duyệt ngày")],
        [
            [row["code"], row["name"], *(row[m["key"]] for m in measures), row["version"], row["approved_on"]]
            for row in snapshot["provinces"]
        ]
        + [["", _("Tổng cộng"), *(snapshot["totals"][m["key"]] for m in measures), "", ""]],
        money_columns,
    )
    table_sheet(
        book,
        _("Chưa có báo cáo chính thức"),
        [_("Mã"), _("Tỉnh, thành phố"), _("Tình trạng"), _("Hạn gửi")],
        [[row["code"], row["name"], row["state"], row["due_on"]] for row in snapshot["missing"]],
    )
    categories = snapshot["breakdowns"]["by_category"]
    table_sheet(
        book,
        _("Theo loại hỗ trợ"),
        [
            _("Loại hỗ trợ"),
            _("Nhu cầu đăng ký"),
            _("Đã phân bổ (đồng)"),
            _("Đã trao, quy đổi (đồng)"),
            _("Số trẻ hưởng lợi"),
        ],
        [
            [r["label"], r["registered"], r["allocated"], r["delivered_value"], r["children_reached"]]
            for r in categories
        ],
        {2, 3},
    )
    donor_types = snapshot["breakdowns"]["by_donor_type"]
    table_sheet(
        book,
        _("Theo loại nhà tài trợ"),
        [_("Loại nhà tài trợ"), _("Tiền (đồng)"), _("Hiện vật (đồng)"), _("Cộng (đồng)")],
        [[r["label"], r["cash"], r["in_kind"], r["total"]] for r in donor_types],
        {1, 2, 3},
    )
    notes = table_sheet(book, _("Cách tính số liệu"), [_("Cách tính")], [[snapshot["note"]]])
    notes.column_dimensions["A"].width = 120
    stream = BytesIO()
    book.save(stream)
    return stream.getvalue()
