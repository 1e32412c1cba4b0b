"""A Decree 03/2026 disclosure in machine-readable form: the figures its build stored, as JSON and as CSV.

Both are the dictionary of reports.figures.disclosure_figures that the PDF states, never computed again: the JSON
is that dictionary (with which report it is), the CSV the same numbers one per line (section, key, label,
measure, value). A count shown "<5" in the PDF is null in the JSON and "<5" in the CSV.
"""

from __future__ import annotations

import csv
import io
import json

from reports.excel import safe_text
from reports.figures import SMALL_COUNT
from reports.models import Report

MONEY = ("cash", "in_kind", "total")
USE = ("allocated", "delivered", "children_reached")
BALANCE_LABELS = {
    "opening": "Số dư đầu kỳ",
    "received": "Tiếp nhận trong kỳ",
    "allocated": "Phân bổ trong kỳ",
    "closing": "Số dư chuyển kỳ sau",
}
CSV_HEADER = ("section", "key", "label", "measure", "value")
SECTIONS = ("unit", "period", "received", "use", "balance", "definitions")  # jsonb stores keys in its own order


def disclosure_rows(figures: dict) -> list[tuple]:
    """Every figure of a disclosure as (section, key, label, measure, value), in the PDF's order."""
    rows = []

    def add(section, key, label, source, measures):
        rows.extend((section, key, label, measure, source[measure]) for measure in measures)

    received = figures["received"]
    add("received", "", "Tổng cộng", received, MONEY)
    for row in received["by_donor_type"]:
        add("received_by_donor_type", row["key"], row["label"], row, MONEY)
    for row in received["donors"]:
        add("received_by_donor", row["type"], row["name"], row, ("donors", *MONEY))
    use = figures["use"]
    add("use", "", "Tổng cộng", use, USE)
    for row in use["by_commune"]:
        add("use_by_commune", row["code"], row["name"], row, USE)
    for row in use["by_category"]:
        add("use_by_category", row["key"], row["label"], row, USE)
    for key, label in BALANCE_LABELS.items():
        add("balance", key, label, figures["balance"][key], MONEY)
    return rows


def disclosure_csv(figures: dict) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Vietnamese letters right."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for section, key, label, measure, value in disclosure_rows(figures):
        shown = f"<{SMALL_COUNT}" if value is None else value
        writer.writerow([section, safe_text(key), safe_text(label), measure, shown])
    return stream.getvalue().encode("utf-8-sig")


def disclosure_json(report: Report) -> bytes:
    document = {
        "report": {
            "kind": report.kind,
            "version": report.version,
            "status": report.status,
            "approved_at": report.approved_at.isoformat() if report.approved_at else None,
            "pdf_sha256": report.sha256,
        },
        **{key: report.figures[key] for key in SECTIONS if key in report.figures},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
