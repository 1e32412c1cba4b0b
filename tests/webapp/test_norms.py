"""static/webapp/norms.js reads dates, counts and names on the device the way the server does (portal.dates,
portal.numbers, portal.text): the same inputs, the same answers."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from portal.dates import parse_day
from portal.numbers import read_grouped
from portal.text import fold

NORMS = Path(__file__).resolve().parents[2] / "static" / "webapp" / "norms.js"
DAYS = ["25/12/2026", "5/6/2026", "25-12-2026", "25.12.2026", " 1 / 2 / 2026 ", "12/25/2026", "31/02/2026", "25/12/26"]
DAYS += ["hôm qua", "2026/12/25"]
COUNTS = ["1.000", "1000", "1 000", "1,000,000", "12.345.678", "10,5", "1.00", "1.0000", "-3", "ba", ""]
# A look-alike of Đ, and a tone typed as a combining mark.
NAMES = ["Giàng Thị Mỷ", "ĐẶNG  văn   Lử", "\u00d0\u1eb7ng Th\u1ecb Hoa", "Ho\u0300ng"]


def _server_day(typed):
    try:
        return {"iso": parse_day(typed).isoformat()}
    except ValidationError as error:
        return {"error": error.code}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_it_reads_dates_counts_and_names_on_the_device_like_the_server():
    program = (
        f"import {{ parseDay, parseCount, fold }} from {json.dumps(NORMS.as_uri())};"
        f"console.log(JSON.stringify({{days: {json.dumps(DAYS)}.map(parseDay),"
        f" counts: {json.dumps(COUNTS)}.map(parseCount), names: {json.dumps(NAMES)}.map(fold)}}));"
    )
    run = subprocess.run(["node", "--input-type=module", "-e", program], capture_output=True, text=True, check=True)
    device = json.loads(run.stdout)
    day_first = [typed for typed in DAYS if typed != "2026/12/25"]
    assert [device["days"][DAYS.index(typed)] for typed in day_first] == [_server_day(typed) for typed in day_first]
    assert device["days"][DAYS.index("2026/12/25")] == {"error": "invalid"}  # the app asks for dd/mm/yyyy only
    assert device["counts"] == [read_grouped(" ".join(typed.split())) for typed in COUNTS]
    assert device["names"] == [fold(name) for name in NAMES]
