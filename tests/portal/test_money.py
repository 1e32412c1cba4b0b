"""Money typed the Vietnamese way (portal.money): the one reader of typed đồng, and amounts said in words."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from portal.money import VndFormField, number_in_words, parse_vnd, vnd_in_words
from portal.spreadsheets.cells import VndWidget

ACCEPTED = [
    ("10.000.000", 10_000_000),
    ("10.000.000 đ", 10_000_000),
    ("10.000.000đ", 10_000_000),
    ("10.000.000 đồng", 10_000_000),
    ("10.000.000 VND", 10_000_000),
    ("10000000", 10_000_000),
    (" 10000000 ", 10_000_000),
    ("10 000 000", 10_000_000),
    ("10\u00a0000\u00a0000\u00a0đ", 10_000_000),  # copied from a page that shows 10.000.000 đ with spaces
    ("1,250,000", 1_250_000),  # English grouping with two groups cannot be a decimal
    ("10.500", 10_500),  # Vietnamese: ten thousand five hundred
    ("35.000", 35_000),
    ("0", 0),
    ("10.000.000 \u0110\u1ed3ng".replace("\u0110", "\u0111"), 10_000_000),
    ("10.000.000 \u00d0", 10_000_000),  # the Icelandic Ð look-alike of Đ
    ("10.000.000 d\u0300", None),  # NFD đồng-like junk is not a suffix: refused below
    (10_000_000, 10_000_000),
    (250000.0, 250_000),  # an Excel number cell
]

REFUSED = ["10,5", "10.00", "10.5", "10,000", "1.250.000,50", "10.000,5", "1.2345", "abc", "-10.000", "", "đ", "1e6"]


@pytest.mark.parametrize(("typed", "expected"), [row for row in ACCEPTED if row[1] is not None])
def test_it_reads_amounts_written_the_vietnamese_way(typed, expected):
    assert parse_vnd(typed) == expected


@pytest.mark.parametrize("typed", [*REFUSED, "10.000.000 d\u0300", 10.5, True])
def test_it_refuses_ambiguous_or_wrong_amounts_with_a_message(typed):
    with pytest.raises(ValidationError) as refused:
        parse_vnd(typed)
    assert refused.value.messages[0]


@pytest.mark.parametrize("typed", ["10,5", "10.00", "10,000"])
def test_the_message_for_an_ambiguous_amount_says_how_to_write_it(typed):
    with pytest.raises(ValidationError) as refused:
        parse_vnd(typed)
    assert "10.000.000" in refused.value.messages[0]
    assert typed in refused.value.messages[0]


# Readings as taught and printed on Vietnamese receipts and invoices ("đọc số"), not taken from the code.
WORDS = [
    (0, "không"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (55, "năm mươi lăm"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (1_000, "một nghìn"),
    (1_005, "một nghìn không trăm linh năm"),
    (1_050, "một nghìn không trăm năm mươi"),
    (21_000, "hai mươi mốt nghìn"),
    (250_000, "hai trăm năm mươi nghìn"),
    (1_250_000, "một triệu hai trăm năm mươi nghìn"),
    (2_000_500, "hai triệu năm trăm"),
    (1_005_000, "một triệu không trăm linh năm nghìn"),
    (10_000_000, "mười triệu"),
    (35_000_000, "ba mươi lăm triệu"),
    (1_000_000_000, "một tỷ"),
    (1_500_000_000, "một tỷ năm trăm triệu"),
    (2_000_000_000_000, "hai nghìn tỷ"),
]


@pytest.mark.parametrize(("number", "words"), WORDS)
def test_it_reads_numbers_in_vietnamese(number, words):
    assert number_in_words(number) == words


def test_an_amount_in_words_ends_in_dong():
    assert vnd_in_words(10_000_000) == "mười triệu đồng"


def test_the_form_field_is_a_text_box_that_shows_what_will_be_saved():
    field = VndFormField(label="Số tiền")
    html = field.widget.render("amount", "10.000.000", attrs={"id": "id_amount"})
    assert 'type="text"' in html
    assert 'type="number"' not in html
    assert 'inputmode="numeric"' in html
    assert "10.000.000\u00a0đ — mười triệu đồng" in html
    assert "js/money.js" in html  # the preview script comes with the field, on the pages that have one
    assert field.clean("10.000.000 đ") == 10_000_000
    assert field.widget.render("amount", 35_000_000).count('value="35.000.000"') == 1  # initial shown grouped


def test_the_importer_reads_money_cells_with_the_same_rules():
    widget = VndWidget(minimum=1)
    assert widget.clean("10.000.000 đ") == 10_000_000
    assert widget.clean(None) is None
    for typed in ("10,5", "10.00"):
        with pytest.raises(ValueError, match=r"10\.000\.000"):
            widget.clean(typed)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_preview_reads_and_says_amounts_like_the_server():
    """static/js/money.js mirrors parse_vnd and number_in_words for the preview while typing: same tables."""
    script = Path(__file__).resolve().parents[2] / "static" / "js" / "money.js"
    typed = [t for t, e in ACCEPTED if isinstance(t, str) and e is not None] + REFUSED
    program = (
        f"const m = require({json.dumps(str(script))});"
        f"console.log(JSON.stringify({{parsed: {json.dumps(typed)}.map(m.parseVnd),"
        f" words: {json.dumps([n for n, _ in WORDS])}.map(m.numberInWords)}}));"
    )
    result = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True).stdout)
    expected = [{t: e for t, e in ACCEPTED if isinstance(t, str)}.get(t) for t in typed]
    assert result["parsed"] == expected
    assert result["words"] == [words for _, words in WORDS]
