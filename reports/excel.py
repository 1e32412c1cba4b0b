"""The figures as an Excel workbook: the same tables as the PDF, Vietnamese headers, đồng as whole numbers."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.figures import DEFINITIONS, Figures, reconciliation_for

MONEY_FORMAT = "#,##0"
SUB = "  – "  # a row that is part of the row above
# A text cell starting with one of these would be read as a formula by spreadsheet programs (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Text as text: a leading apostrophe keeps a would-be formula inert; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _sheet(book, title: str, headers: list[str], rows: list[list], money_columns: set[int] = frozenset()):
    sheet = book.create_sheet(title=title[:31])
    sheet.append([safe_text(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_text(value) for value in row])
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = MONEY_FORMAT
    for index, header in enumerate(headers):
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = max(12, len(header) + 4)
    sheet.freeze_panes = "A2"
    return sheet


def figures_workbook(figures: Figures) -> bytes:
    book = Workbook()
    book.remove(book.active)
    r = figures.resources
    _sheet(
        book,
        _("Tổng hợp"),
        [_("Chỉ tiêu"), _("Giá trị")],
        [
            [_("Đơn vị"), figures.unit.name],
            [_("Từ ngày"), figures.period_start.strftime("%d/%m/%Y")],
            [_("Đến ngày"), figures.period_end.strftime("%d/%m/%Y")],
            [_("Tổng nguồn lực (đồng)"), r["total"]],
            [_("Tiền (đồng)"), r["cash"]],
            [_("Hiện vật quy đổi (đồng)"), r["in_kind"]],
            [_("Số trẻ được hỗ trợ"), figures.local["children"]],
            [_("Số trẻ hưởng lợi"), figures.local["beneficiaries"]],
            [_("Đã phân bổ (đồng)"), figures.totals()["allocated"]],
            [_("Đã trao, quy đổi (đồng)"), figures.totals()["delivered"]],
        ],
    )
    book[_("Tổng hợp")].column_dimensions["A"].width = 32
    for cell in list(book[_("Tổng hợp")]["B"])[4:7] + list(book[_("Tổng hợp")]["B"])[9:11]:
        cell.number_format = MONEY_FORMAT
    money_headers = [_("Tiền (đồng)"), _("Hiện vật (đồng)"), _("Cộng (đồng)")]
    for title, key in [
        (_("Theo loại nhà tài trợ"), "by_donor_type"),
        (_("Theo đợt vận động"), "by_campaign"),
        (_("Theo loại hỗ trợ"), "by_category"),
    ]:
        rows = [[row["label"], row["cash"], row["in_kind"], row["total"]] for row in r[key]]
        _sheet(book, title, [_("Nhóm"), *money_headers], rows, {1, 2, 3})
    _sheet(
        book,
        _("Trẻ em theo loại hỗ trợ"),
        [_("Loại hỗ trợ"), _("Số trẻ"), _("Số trẻ hưởng lợi")],
        [[row["label"], row["children"], row["beneficiaries"]] for row in figures.children_by_category()],
    )
    _sheet(
        book,
        _("Trẻ em theo xã"),
        [_("Xã, phường"), _("Số trẻ"), _("Số trẻ hưởng lợi"), _("Đã xác nhận")],
        [
            [row["label"], row["children"], row["beneficiaries"], _("Có") if row["confirmed"] else ""]
            for row in figures.children_by_commune()
        ],
    )
    _sheet(
        book,
        _("Trẻ em theo nhóm"),
        [_("Nhóm"), _("Số trẻ")],
        [
            [row["label"], row["children"]]
            for row in figures.children_by_sex() + figures.children_by_age_band() + figures.children_by_ethnic_group()
        ],
    )
    need_headers = [
        _("Đăng ký"),
        _("Đã thẩm định"),
        _("Đủ tài trợ"),
        _("Đã trao"),
        _("Kinh phí dự kiến (đồng)"),
        _("Đã phân bổ (đồng)"),
        _("Đã trao, quy đổi (đồng)"),
    ]
    need_keys = ["registered", "verified", "funded", "delivered", "estimated_cost", "allocated", "delivered_value"]
    for title, rows in [
        (_("Nhu cầu theo loại"), figures.needs_by_category()),
        (_("Nhu cầu theo xã"), figures.needs_by_commune()),
    ]:
        _sheet(
            book,
            title,
            [_("Nhóm"), *need_headers],
            [[row["label"], *(row[k] for k in need_keys)] for row in rows],
            {5, 6, 7},
        )
    _sheet(
        book,
        _("Theo tháng"),
        [_("Tháng"), _("Tiếp nhận (đồng)"), _("Phân bổ (đồng)"), _("Đã trao, quy đổi (đồng)")],
        [
            [row["month"].strftime("%m/%Y"), row["received"], row["allocated"], row["delivered"]]
            for row in figures.by_month
        ],
        {1, 2, 3},
    )
    _sheet(
        book,
        _("Kế hoạch"),
        [
            _("Loại hỗ trợ"),
            _("Địa bàn"),
            _("Kinh phí kế hoạch (đồng)"),
            _("Thực hiện (đồng)"),
            _("Số trẻ kế hoạch"),
            _("Số trẻ thực hiện"),
        ],
        [
            [
                row["category"],
                row["commune"],
                row["target_amount"],
                row["actual_amount"],
                row["target_children"],
                row["actual_children"],
            ]
            for row in figures.plan
        ],
        {2, 3},
    )
    _sheet(
        book,
        _("Đề xuất khen thưởng"),
        [_("Nhà tài trợ"), _("Loại"), _("Giá trị đã nhận (đồng)")],
        [[row["name"], row["type"], row["total"]] for row in figures.donors],
        {2},
    )
    if figures.is_province:
        _reconciliation_sheet(
            book, reconciliation_for(province=figures.unit, start=figures.period_start, end=figures.period_end)
        )
    support = figures.support_map
    partner_names = [partner["name"] for partner in support.get("partners", [])]
    money = {3, 4, *range(5, 6 + len(partner_names))}
    _sheet(
        book,
        _("Ai làm gì, ở đâu (3W)"),
        [
            _("Xã, phường"),
            _("Loại hỗ trợ"),
            _("Nhu cầu đăng ký"),
            _("Qua Sở: đã phân bổ (đồng)"),
            _("Qua Sở: đã trao, quy đổi (đồng)"),
            *partner_names,
            _("Tổ chức phối hợp: cộng (đồng)"),
            _("Số trẻ được tổ chức phối hợp hỗ trợ"),
            _("Chưa có hỗ trợ"),
        ],
        [
            [
                row["commune"],
                row["category_label"],
                row["needs"],
                row["allocated"],
                row["delivered"],
                *row["partners"],
                row["partner_total"],
                row["partner_children"],
                _("Có") if row["gap"] else "",
            ]
            for row in support.get("rows", [])
        ],
        money,
    )
    _sheet(
        book,
        _("Cách tính số liệu"),
        [_("Cách tính")],
        [[str(text)] for text in DEFINITIONS.values()],
    )
    book[_("Cách tính số liệu")].column_dimensions["A"].width = 120
    stream = BytesIO()
    book.save(stream)
    return stream.getvalue()


def _reconciliation_sheet(book, r: dict) -> None:
    """The reconciliation with the bank: the totals, then every line still waiting and every receipt not yet seen."""
    rows = [
        [_("Tiền vào theo sao kê"), r["credits"]["count"], r["credits"]["total"]],
        *[[SUB + row["label"], row["count"], row["total"]] for row in r["lines"]],
        [_("Tiền đã tiếp nhận"), None, r["money_received"]],
        [SUB + _("Đã thấy trên sao kê"), None, r["on_statement"]],
        [SUB + _("Chưa thấy trên sao kê"), None, r["awaiting"]],
        [SUB + _("Tiền mặt"), None, r["cash"]],
        [_("Đã phân bổ trong kỳ"), None, r["allocated"]],
        [_("Đã nhận trong kỳ, chưa phân bổ"), None, r["unallocated"]],
        [_("Dòng đã khớp − tiền đã thấy trên sao kê"), None, r["matched_gap"]],
        [SUB + _("Chênh lệch số tiền (sửa, hủy sau khi khớp)"), None, r["amount_gap"]],
        [SUB + _("Chênh lệch kỳ"), None, r["date_gap"]],
        [],
        [_("Dòng sao kê chờ đối chiếu")],
        *[
            [f"{row['booked_on']:%d/%m/%Y} {row['bank_reference']} {row['description']}", None, row["amount"]]
            for row in r["unmatched_lines"]["rows"]
        ],
        [_("Khoản tiếp nhận chưa thấy trên sao kê")],
        *[
            [f"{row['received_on']:%d/%m/%Y} #{row['pledge_id']} {row['donor']}", None, row["amount"]]
            for row in r["awaiting_receipts"]["rows"]
        ],
    ]
    sheet = _sheet(book, _("Đối chiếu sao kê"), [_("Nội dung"), _("Số dòng"), _("Số tiền (đồng)")], rows, {2})
    sheet.column_dimensions["A"].width = 70
