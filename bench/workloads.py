"""Workloads, each returning rows for the table. Issues add theirs here with the scale they name."""

import gzip
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

DEMO_USERS = ["commune", "staff", "leader", "donor", "auditor"]
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def page_weight():
    """Home page of each role: HTML plus the CSS/JS it loads, gzip-compressed as GZipMiddleware/WhiteNoise serve
    them (budget: under 100 KB)."""
    rows = []
    for username in [None, *DEMO_USERS]:
        client = Client(SERVER_NAME="localhost")
        if username:
            client.login(username=username, password="portal-demo")  # noqa: S106 - demo password
        html = client.get("/").content
        assets = [finders.find(path.removeprefix(settings.STATIC_URL)) for path in ASSET.findall(html.decode())]
        asset_bytes = [Path(path).read_bytes() for path in assets if path and not path.endswith(".svg")]
        raw = len(html) + sum(map(len, asset_bytes))
        compressed = len(gzip.compress(html)) + sum(len(gzip.compress(body)) for body in asset_bytes)
        rows.append(
            {
                "workload": "page weight",
                "measure": f"home ({username or 'public'}), gzip KB",
                "value": round(compressed / 1024, 1),
                "reference": f"{round(raw / 1024, 1)} KB uncompressed",
                "note": "budget 100 KB",
            }
        )
    return rows


def excel_import():
    """Import of 10,000 "child + need" rows by the demo commune officer: preview (dry run) and confirm, next to
    reading the same file with openpyxl alone (budget: preview + save under 20 s). Rolled back afterwards."""
    import datetime as dt
    import io
    import os
    import time

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from openpyxl import Workbook, load_workbook

    from needs.spreadsheets import COLUMNS, SPEC
    from portal.spreadsheets.columns import header_text
    from portal.spreadsheets.importing import import_confirm, import_stage

    rows_wanted = int(os.environ.get("BENCH_ROWS", 10_000))
    user = get_user_model().objects.get(username="commune")
    commune = user.roles.select_related("unit").filter(unit__isnull=False).order_by("unit__name").first().unit
    book = Workbook()
    sheet = book.active
    sheet.title = SPEC.sheet_name
    sheet.append([header_text(column) for column in COLUMNS])
    keys = [column.key for column in COLUMNS]
    for n in range(rows_wanted):
        values = {
            "full_name": f"Bàn Văn Kiềm {n}",
            "sex": "Nam",
            "birth_date": (dt.date(2012, 1, 1) + dt.timedelta(days=n % 4000)).strftime("%d/%m/%Y"),
            "ethnic_group": "Dao",
            "commune": commune.name,
            "category": "Đồ ấm",
            "unit_cost": "250.000",
            "season": "W2026",
            "justification": "Hộ nghèo, mùa đông giá rét",
        }
        sheet.append([values.get(key) for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()

    started = time.perf_counter()
    read_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sum(1 for _row in read_book.active.iter_rows(values_only=True))
    read_book.close()
    openpyxl_seconds = time.perf_counter() - started

    with transaction.atomic():
        cpu_started = time.process_time()
        started = time.perf_counter()
        record = import_stage(spec=SPEC, user=user, upload=SimpleUploadedFile("bench.xlsx", data))
        preview_seconds = time.perf_counter() - started
        assert not record.report["errors"], record.report["errors"][:3]
        started = time.perf_counter()
        record = import_confirm(spec=SPEC, user=user, token=record.token)
        save_seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        assert record.counts["needs"] == rows_wanted, record.counts
        transaction.set_rollback(True)
    total = preview_seconds + save_seconds
    note = f"{len(data) // 1024} KB file"
    return [
        {
            "workload": "excel import",
            "measure": "openpyxl read only, s",
            "value": round(openpyxl_seconds, 2),
            "note": note,
        },
        {"workload": "excel import", "measure": "preview (checks + dry run), s", "value": round(preview_seconds, 2)},
        {"workload": "excel import", "measure": "confirm (validate again + save), s", "value": round(save_seconds, 2)},
        {
            "workload": "excel import",
            "measure": f"preview + save of {rows_wanted:,} rows, s",
            "value": round(total, 2),
            "reference": f"{round(total / max(openpyxl_seconds, 0.001), 1)}× openpyxl read",
            "note": "budget 20 s",
        },
        {
            "workload": "excel import",
            "measure": "of which CPU in the portal process, s",
            "value": round(cpu_seconds, 2),
            "note": "the rest is PostgreSQL and waiting for a CPU on a shared machine",
        },
    ]


def matching():
    """The matching assistant at provincial scale: 100,000 needs × 5,000 receipts, OR-Tools min-cost flow
    against the greedy baseline (time and priority-weighted covered value). Synthetic facts, no database."""
    import datetime as dt
    import random
    import time

    from allocations.matching import greedy_plan, solve_plan
    from allocations.rules import NeedFacts, ReceiptFacts

    rng = random.Random(588)
    today = dt.date(2026, 11, 1)
    communes = list(range(1, 101))
    categories = ["healthcare", "nutrition", "warm_clothing", "play", "education"]
    bands = ["0-2", "3-5", "6-10", "11-14", "15-17"]
    sizes = ["4-5", "6-7", "8-9", "10-11"]
    needs = []
    for i in range(100_000):
        category = rng.choice(categories)
        group = category in ("nutrition", "play") and rng.random() < 0.5
        quantity = rng.randint(20, 200) if group else 1
        needs.append(
            NeedFacts(
                id=i + 1, commune_id=rng.choice(communes), category=category,
                clothing_size=rng.choice(sizes) if category == "warm_clothing" else "",
                age_band="" if group else rng.choice(bands), priority=rng.randint(1, 3),
                unit_cost=rng.randrange(100, 1500, 10) * 1000, quantity=quantity, allocated_money=0,
                allocated_quantity=0,
            )
        )  # fmt: skip
    receipts = []
    for i in range(5_000):
        goods = rng.random() < 0.2
        categories_ = frozenset(rng.sample(categories, rng.choice([0, 0, 1, 2])))
        communes_ = frozenset(rng.sample(communes, rng.choice([0, 0, 0, 3, 10])))
        bands_ = frozenset(rng.sample(bands, rng.choice([0, 0, 0, 2])))
        if goods:
            units, value = rng.randint(20, 400), rng.randrange(100, 500, 10) * 1000
            receipts.append(
                ReceiptFacts(
                    id=i + 1, donor_id=i % 300, kind="goods", remaining=units * value, remaining_quantity=units,
                    unit_value=value, categories=frozenset(), communes=communes_, age_bands=frozenset(),
                    spend_by=None, item_category="warm_clothing", item_size=rng.choice(["", *sizes]),
                )
            )  # fmt: skip
        else:
            receipts.append(
                ReceiptFacts(
                    id=i + 1, donor_id=i % 300, kind="money", remaining=rng.randrange(1, 400) * 1_000_000,
                    remaining_quantity=0, unit_value=0, categories=categories_, communes=communes_,
                    age_bands=bands_, spend_by=None,
                )
            )  # fmt: skip
    rows = []
    for name, solve in (("min-cost flow", solve_plan), ("greedy", greedy_plan)):
        started = time.perf_counter()
        plan = solve(receipts, needs, today)
        seconds = time.perf_counter() - started
        rows.append(
            {
                "workload": "matching 100,000 needs × 5,000 receipts",
                "measure": f"{name}: seconds / covered value (Σ priority × đồng)",
                "value": round(seconds, 2),
                "reference": f"{plan.covered_value:,}".replace(",", "."),
                "note": f"{len(plan.lines):,} lines, {plan.covered:,} đ covered".replace(",", "."),
            }
        )
    return rows


ALL = {"page_weight": page_weight, "excel_import": excel_import, "matching": matching}
