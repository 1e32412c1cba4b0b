"""Workloads, each returning rows for the table. Issues add theirs here with the scale they name."""

import gzip
import math
import os
import re
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from bench.offline_app import offline_app

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


def _saved_and_read(book) -> tuple[bytes, float]:
    """The workbook's bytes, and the seconds openpyxl alone takes to read every row of them (the reference)."""
    import io

    from openpyxl import load_workbook

    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    started = time.perf_counter()
    read_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sum(1 for _row in read_book.worksheets[0].iter_rows(values_only=True))
    read_book.close()
    return data, time.perf_counter() - started


def excel_import():
    """Import of 10,000 "child + need" rows by the demo commune officer: preview (dry run) and confirm, next to
    reading the same file with openpyxl alone (budget: preview + save under 20 s). Rolled back afterwards."""
    import datetime as dt
    import os
    import time

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from openpyxl import Workbook

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
    data, openpyxl_seconds = _saved_and_read(book)

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


# --- At the scale of issue 7 (seed_demo --size large) ------------------------------------------------------


def matching_accept():
    """The matching assistant end to end on the large province, as staff run it: the task reads every fundable need
    and every receipt with money or goods left, solves and labels the plan; staff accept it whole as one batch,
    every line checked again by the ledger. Issue 5's budgets: the plan under 10 s, the accept under 30 s.
    It runs on a throwaway copy of the benchmark database, so the accepted batch is not kept."""
    from allocations.models import MatchingRun
    from allocations.selectors import matching_inputs
    from allocations.services import Line, matching_run_accept
    from allocations.tasks import matching_run_execute
    from bench.database import on_throwaway_copy
    from portal.demo import PROVINCE_CODE
    from portal.models import AdministrativeUnit, User

    with on_throwaway_copy():
        staff = User.objects.get(username="staff")
        province = AdministrativeUnit.objects.get(level="province", code=PROVINCE_CODE, valid_to__isnull=True)
        started = time.perf_counter()
        receipts, needs = matching_inputs(user=staff, province=province)
        read_seconds = time.perf_counter() - started
        run = MatchingRun.objects.create(province=province, created_by=staff)
        started = time.perf_counter()
        matching_run_execute(run.pk)
        plan_seconds = time.perf_counter() - started
        run.refresh_from_db()
        result = run.result
        lines = [
            Line(line["receipt"], line["need"], None if line["quantity"] else line["amount"], line["quantity"])
            for line in result["lines"]
        ]
        started = time.perf_counter()
        batch = matching_run_accept(user=staff, run=run, lines=lines)
        accept_seconds = time.perf_counter() - started
        written = batch.allocations.count()
    scale = f"{len(needs):,} needs × {len(receipts):,} receipts".replace(",", ".")
    greedy_share = result["greedy"]["covered_value"] / result["covered_value"] if result["covered_value"] else 1
    return [
        {
            "workload": f"matching assistant on the large province ({scale})",
            "measure": "run: read inputs, solve, greedy, labels; s",
            "value": round(plan_seconds, 1),
            "reference": f"reading the inputs alone {read_seconds:.1f} s; OR-Tools plan {result['seconds']:.1f} s",
            "note": f"greedy covers {greedy_share:.1%} of the optimum's value; "
            f"the 10 s budget names 100,000 needs, this is {len(needs) / 100_000:.1f}× that",
        },
        {
            "workload": f"matching assistant on the large province ({scale})",
            "measure": "accept the whole plan as one batch, s",
            "value": round(accept_seconds, 1),
            "reference": f"{written:,} allocations written".replace(",", "."),
            "note": "budget 30 s",
        },
    ]


NEED_FILTERS = {
    "status + category": {"status": "open", "category": "warm_clothing"},
    "season + commune": {"season": "W2026", "commune": None},  # the largest commune, looked up at run time
    "name search (no diacritics)": {"q": None},  # a generated child's name, folded
}


def _stats(samples: list[float]) -> tuple[float, float]:
    """Median and p95 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)] * 1000


def _time_sql(queries, repeat: int) -> float:
    """Median milliseconds of running the captured SQL statements (all of them, in order) with a bare cursor."""
    from django.db import connection

    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql)
                cursor.fetchall()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def bench_province_code() -> str:
    """The province the per-province workloads run on: BENCH_PROVINCE (a code), or the demo province."""
    from portal.demo import PROVINCE_CODE

    return os.environ.get("BENCH_PROVINCE", PROVINCE_CODE)


def _province_staff():
    """The demo `staff` user, or for another province (national data) a department staff account of its own."""
    from portal.demo import PROVINCE_CODE
    from portal.models import AdministrativeUnit, RoleAssignment, User
    from portal.permissions import Role

    code = bench_province_code()
    if code == PROVINCE_CODE:
        return User.objects.get(username="staff")
    user, _created = User.objects.get_or_create(username=f"bench-staff-{code}")
    province = AdministrativeUnit.objects.get(level="province", code=code, valid_to__isnull=True)
    RoleAssignment.objects.get_or_create(user=user, role=Role.DEPARTMENT_STAFF, unit=province)
    return user


def _volume() -> str:
    """The province's needs, and all provinces' when the database holds more (`seed_demo --size national`)."""
    from needs.models import Need

    province = Need.objects.filter(commune__province__code=bench_province_code()).count()
    total = Need.objects.count()
    volume = f"{province / 1000:.0f}k needs"
    if total < province * 1.5:
        return volume
    return f"{volume} in province {bench_province_code()}, {total / 1000:.0f}k in the database"


def _need_filters() -> dict[str, dict]:
    from django.db.models import Count

    from needs.models import Need
    from needs.scale import generated_children

    code = bench_province_code()
    needs = Need.objects.filter(commune__province__code=code)
    commune = needs.values("commune").annotate(n=Count("id")).order_by("-n").first()["commune"]
    children = generated_children().filter(commune__province__code=code)
    name = children.order_by("code").values_list("name_key", flat=True)[7]
    filters = {label: dict(params) for label, params in NEED_FILTERS.items()}
    filters["season + commune"]["commune"] = commune
    filters["name search (no diacritics)"]["q"] = name  # e.g. "ly thi mai": folded, as typed on a phone
    return filters


def needs_list():
    """The staff user's filtered needs list page and API page at 200,000 children / 600,000 needs: median and
    p95 over repeated requests (django.test.Client, in process), next to the SQL those requests ran, timed with
    a bare cursor (budget from issue 3: median under 150 ms)."""
    from urllib.parse import urlencode

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    repeat = int(os.environ.get("BENCH_REPEAT", 20))
    client = Client(SERVER_NAME="localhost")
    client.force_login(_province_staff())
    workload = f"needs list (staff, {_volume()})"
    rows = []
    for label, params in _need_filters().items():
        for kind, path in (("page", "/needs/"), ("API", "/api/v1/needs/")):
            url = f"{path}?{urlencode(params)}"
            assert client.get(url).status_code == 200, url  # warm-up, and the page must work
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            sql = [q["sql"] for q in captured.captured_queries if "needs_need" in q["sql"]]
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(url)
                samples.append(time.perf_counter() - started)
            median, p95 = _stats(samples)
            rows.append(
                {
                    "workload": workload,
                    "measure": f"{kind}, {label}: median / p95 ms",
                    "value": f"{median:.0f} / {p95:.0f}",
                    "reference": f"{_time_sql(sql, repeat):.0f} ms bare SQL ({len(sql)} of {len(captured)} queries)",
                    "note": "budget median 150 ms",
                }
            )
    return rows


def annual_report():
    """The annual report (figures + Decree 30 PDF) built as `build_report --sync` does, in a separate process
    like the worker (time and peak RSS), next to its own SQL timed with a bare cursor plus WeasyPrint rendering
    the same HTML as a static page."""
    import subprocess
    import sys

    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation
    from weasyprint import HTML

    from reports.documents import report_context, report_figures
    from reports.models import Report, ReportingCycle

    code = bench_province_code()
    cycle = ReportingCycle.objects.select_related("province").get(province__code=code, year=2026, kind="annual")
    started = time.perf_counter()
    worker = subprocess.run(
        [sys.executable, "-c", BUILD_REPORT_WITH_PEAK % code], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    assert worker.returncode == 0, worker.stderr[-2000:]
    peak_kb = int(re.search(r"VmHWM:\s+(\d+)", worker.stderr).group(1))
    report = Report.objects.filter(cycle=cycle, unit=cycle.province).order_by("-version").first()
    workload = f"annual report (province, {_volume()})"

    with translation.override("vi"), CaptureQueriesContext(connection) as captured:
        context = report_context(report, report_figures(report))
    sql_ms = _time_sql([q["sql"] for q in captured.captured_queries], 3)
    html = render_to_string("reports/pdf/report.html", context)
    started = time.perf_counter()
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    render_seconds = time.perf_counter() - started
    return [
        {
            "workload": workload,
            "measure": "build_report --sync, s (process start to PDF stored)",
            "value": round(seconds, 1),
            "reference": f"{sql_ms / 1000:.1f} s bare SQL ({len(captured)} queries)"
            f" + {render_seconds:.1f} s WeasyPrint",
            "note": f"{report.size // 1024} KB PDF; static HTML {len(html) // 1024} KB → {len(pdf) // 1024} KB",
        },
        {
            "workload": workload,
            "measure": "worker peak RSS during the build, MB",
            "value": round(peak_kb / 1024),
            "note": "VmHWM of the build_report process",
        },
    ]


# `manage.py build_report --sync`, then its own peak memory. Read from /proc/self/status (VmHWM) because the
# rusage of a child started from the bench process counts the bench's own memory, inherited across exec.
BUILD_REPORT_WITH_PEAK = """
import runpy, sys
sys.argv = ["manage.py", "build_report", "--year", "2026", "--unit", "%s", "--sync"]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    sys.stderr.write(open("/proc/self/status").read())
"""


def concurrent_allocation():
    """Several API clients over loopback (gunicorn) allocating from the same few receipts for a fixed time:
    throughput, refusals by kind, then a check that no receipt or need is over-allocated and that the balances
    equal the sums of the ledger. Also the web workers' peak RSS while serving list pages and allocations.
    It runs on a throwaway copy of the benchmark database, so its allocations never change what later runs see."""
    import json
    import subprocess
    import sys
    import urllib.request

    import psycopg2
    from django.db.models import F

    from allocations.models import ReceiptBalance
    from bench.database import throwaway_copy
    from needs.models import Need, NeedStatus

    seconds = float(os.environ.get("BENCH_SECONDS", 20))
    clients = int(os.environ.get("BENCH_CLIENTS", 6))
    port = int(os.environ.get("BENCH_PORT", 8765))
    base = f"http://127.0.0.1:{port}"
    # A few unearmarked receipts with 2–20 million đồng left: the clients compete for their rows and run them dry
    # within the run, so both the lock queue and the refusal at exhaustion are exercised.
    receipts = list(
        ReceiptBalance.objects.annotate(left=F("received") - F("allocated"))
        .filter(left__range=(2_000_000, 20_000_000), receipt__kind="money", receipt__pledge__earmark_categories=[])
        .order_by("receipt_id")
        .values_list("receipt_id", flat=True)[:5]
    )
    needs = list(
        Need.objects.filter(status=NeedStatus.OPEN, justification__startswith="Hộ nghèo")
        .order_by("id")
        .values_list("id", flat=True)[:2000]
    )
    with throwaway_copy() as copy_url:
        env = {**os.environ, "DEBUG": "1", "ALLOWED_HOSTS": "127.0.0.1,localhost", "DATABASE_URL": copy_url}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--threads", "4", "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=env,
        )  # fmt: skip
        try:
            token = _wait_for_token(base, urllib.request, json)
            counts, latencies, elapsed = _allocate_concurrently(base, token, receipts, needs, clients, seconds)
            for _ in range(5):  # list pages over HTTP too, for the web workers' memory
                listing = f"{base}/api/v1/needs/?status=open"
                request = urllib.request.Request(listing, headers={"Authorization": f"Token {token}"})  # noqa: S310
                urllib.request.urlopen(request, timeout=30).read()  # noqa: S310
            rss = _peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        copy = psycopg2.connect(copy_url)
        try:
            with copy.cursor() as cursor:
                cursor.execute(CONSISTENCY_SQL)
                over_receipts, over_needs, drift = cursor.fetchone()
        finally:
            copy.close()
    median, p95 = _stats(latencies)
    total = sum(counts.values())
    kinds = ", ".join(f"{kind}: {n}" for kind, n in counts.most_common())
    return [
        {
            "workload": f"concurrent allocation ({clients} clients, {seconds:.0f} s, {len(receipts)} receipts)",
            "measure": "requests/s; median / p95 ms",
            "value": f"{total / elapsed:.1f}; {median:.0f} / {p95:.0f}",
            "reference": kinds,
            "note": f"over-allocated receipts {over_receipts}, needs {over_needs}; balances ≠ ledger {drift}",
        },
        {
            "workload": "web process",
            "measure": "peak RSS of a gunicorn worker, MB",
            "value": rss,
            "note": "after the allocations and API list pages (2 workers × 4 threads)",
        },
    ]


def _allocate_concurrently(base, token, receipts, needs, clients, seconds):
    """`clients` threads posting one-line batches until the time is up: (counts by outcome, latencies, elapsed)."""
    import json
    import random
    import threading
    import urllib.error
    import urllib.request
    from collections import Counter

    from portal.demo import PROVINCE_CODE

    counts: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(number)
        while time.monotonic() < deadline:
            body = {
                "province": PROVINCE_CODE,
                "note": "bench",
                "lines": [{"receipt": rng.choice(receipts), "need": rng.choice(needs), "amount": 50_000}],
            }
            request = urllib.request.Request(  # noqa: S310 - http on loopback
                f"{base}/api/v1/batches/", data=json.dumps(body).encode(), method="POST",
                headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
            )  # fmt: skip
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    kind = str(response.status)
            except urllib.error.HTTPError as error:
                try:
                    detail = json.loads(error.read() or b"{}").get("detail", "")
                except ValueError:
                    detail = "(not JSON)"
                # "Khoản #54 → nhu cầu #8260: khoản tiếp nhận chỉ còn 20.000 đ…": group by the reason alone
                reason = re.sub(r"\d[\d.]*", "N", str(detail).split(": ", 1)[-1])
                kind = f"{error.code} {reason[:70]}"
            except OSError as error:
                kind = type(error).__name__
            with lock:
                counts[kind] += 1
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts, latencies, time.perf_counter() - started


CONSISTENCY_SQL = """
WITH r AS (
  SELECT b.receipt_id, b.received, b.allocated, COALESCE(SUM(a.amount) FILTER (WHERE a.active), 0) AS ledger
  FROM allocations_receiptbalance b LEFT JOIN allocations_allocation a ON a.receipt_id = b.receipt_id
  GROUP BY b.receipt_id
), n AS (
  SELECT b.need_id, b.quantity * b.unit_cost AS cost, b.allocated_money,
         COALESCE(SUM(a.amount) FILTER (WHERE a.active AND a.quantity IS NULL), 0) AS ledger
  FROM allocations_needbalance b LEFT JOIN allocations_allocation a ON a.need_id = b.need_id
  GROUP BY b.need_id, b.quantity, b.unit_cost, b.allocated_money
)
SELECT (SELECT COUNT(*) FROM r WHERE ledger > received),
       (SELECT COUNT(*) FROM n WHERE ledger > cost),
       (SELECT COUNT(*) FROM r WHERE ledger <> allocated) + (SELECT COUNT(*) FROM n WHERE ledger <> allocated_money)
"""


def _wait_for_token(base, request_module, json) -> str:
    body = json.dumps({"username": "staff", "password": "portal-demo"}).encode()
    for _ in range(100):
        try:
            request = request_module.Request(
                f"{base}/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"}
            )
            with request_module.urlopen(request, timeout=5) as response:
                return json.loads(response.read())["token"]
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


def _peak_rss_mb(master_pid: int) -> int:
    """Highest VmHWM among the gunicorn workers (children of the master)."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"PPid:\t{master_pid}\n" in text:
            peak = max(peak, int(re.search(r"VmHWM:\s+(\d+)", text).group(1)))
    return round(peak / 1024)


def _top_up_receipts(wanted: int) -> int:
    """Add money receipts spread over the generated pledges (and 2025–2026) until there are `wanted`, as a province
    whose donors give in many small transfers would have; the balance trigger keeps each one's balance row."""
    from django.db import connection

    from donors.models import Receipt

    missing = wanted - Receipt.all_objects.count()
    if missing > 0:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO donors_receipt (pledge_id, kind, received_on, amount, method, bank_reference,
                                            beyond_pledge_confirmed, note, recorded_at, cancel_reason)
                SELECT p.ids[1 + ((n * 7919) %% array_length(p.ids, 1))::int], 'money',
                       DATE '2025-02-01' + ((n * 37) %% 640)::int, 100000 + (n %% 500) * 50000, 'bank_transfer',
                       'FT' || n, false, '', now(), ''
                  FROM generate_series(1::bigint, %s) AS n,
                       (SELECT array_agg(id ORDER BY id) AS ids FROM donors_pledge) AS p
                """,
                [missing],
            )
            cursor.execute("VACUUM ANALYZE donors_receipt")
            cursor.execute("VACUUM ANALYZE allocations_receiptbalance")
    return Receipt.all_objects.count()


def public_ledger():
    """The public ledger (/transparency/ledger/ and /api/v1/ledger/) at a few hundred thousand receipts
    (BENCH_LEDGER_RECEIPTS, default 300,000: the large province's receipts topped up with small transfers, on a
    throwaway copy), anonymous visitor, each way a donor searches: median and p95 over repeated requests, next to
    the SQL those requests ran, timed with a bare cursor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.database import on_throwaway_copy
    from donors.models import Donor, Receipt
    from donors.transfer_codes import pledge_code

    repeat = int(os.environ.get("BENCH_REPEAT", 20))
    rows = []
    with on_throwaway_copy():
        total = _top_up_receipts(int(os.environ.get("BENCH_LEDGER_RECEIPTS", 300_000)))
        allocated = Receipt.objects.filter(allocations__isnull=False).select_related("pledge__donor__province")
        sample = allocated.order_by("id").first()
        named = Donor.objects.filter(anonymous_publicly=False, pledges__receipts__isnull=False).order_by("id").first()
        searches = {
            "newest, no search": {},
            "page 200": {"page": 200},
            "transfer code": {"q": str(pledge_code(sample.pledge)).lower()},
            "amount 10.000.000": {"q": "10.000.000"},
            "date dd/mm/yyyy": {"q": sample.received_on.strftime("%d/%m/%Y")},
            "donor name, no diacritics": {"q": named.name_key},
        }
        client = Client(SERVER_NAME="localhost")
        for label, params in searches.items():
            for kind, path in (("page", "/transparency/ledger/"), ("API", "/api/v1/ledger/")):
                if kind == "API" and label not in ("newest, no search", "transfer code"):
                    continue
                assert client.get(path, params).status_code == 200, (path, params)
                with CaptureQueriesContext(connection) as captured:
                    client.get(path, params)
                sql = [q["sql"] for q in captured.captured_queries]
                samples = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    client.get(path, params)
                    samples.append(time.perf_counter() - started)
                median, p95 = _stats(samples)
                rows.append(
                    {
                        "workload": f"public ledger ({total:,} receipts)".replace(",", "."),
                        "measure": f"{kind}, {label}: median / p95 ms",
                        "value": f"{median:.0f} / {p95:.0f}",
                        "reference": f"{_time_sql(sql, repeat):.0f} ms bare SQL ({len(sql)} queries)",
                        "note": "budget median 150 ms",
                    }
                )
    return rows


def statement_import():
    """A bank statement of 50,000 credit lines (BENCH_LINES) uploaded by the demo staff user and imported as the
    task does (read, stored once, auto-matched: 40,000 carry a pledge's transfer code, 5,000 a campaign's, 5,000
    none), then the same file again (every line a duplicate), next to openpyxl reading the same file (budget:
    import under 30 s). Rolled back afterwards."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from openpyxl import Workbook

    from donors.models import Campaign, Donor, LineStatus, Pledge, PledgeKind, PledgeStatus, StatementLine
    from donors.statements.parsing import PRESETS
    from donors.statements.services import statement_import_start, statement_upload
    from donors.transfer_codes import campaign_code, pledge_code
    from portal.models import AdministrativeUnit

    lines_wanted = int(os.environ.get("BENCH_LINES", 50_000))
    staff = get_user_model().objects.get(username="staff")
    province = AdministrativeUnit.objects.get(level="province", code="19", valid_to__isnull=True)
    with transaction.atomic():
        donors = list(Donor.objects.filter(province=province))
        pledges = Pledge.objects.bulk_create(
            Pledge(
                donor=donors[n % len(donors)],
                kind=PledgeKind.CASH,
                amount=1_000_000,
                pledged_on=dt.date(2026, 1, 2),
                status=PledgeStatus.PLEDGED,
                note="[bench]",
            )
            for n in range(lines_wanted // 10)
        )
        campaign = Campaign.objects.filter(province=province).first()
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for text in ("NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM", "SAO KÊ TÀI KHOẢN", ""):
            sheet.append([text])
        sheet.append(
            ["STT", "Ngày giao dịch", "Số tham chiếu", "Số tiền ghi nợ", "Số tiền ghi có", "Số dư", "Nội dung"]
        )
        for n in range(lines_wanted):
            if n % 10 < 8:
                code = pledge_code(pledges[n % len(pledges)])
            elif n % 10 == 8:
                code = campaign_code(campaign)
            else:
                code = ""
            day = dt.date(2026, 1, 1) + dt.timedelta(days=n * 300 // lines_wanted)
            description = f"MBVCB.{n}.NGUYEN VAN A CHUYEN TIEN {code} UNG HO TRE EM"
            sheet.append([n + 1, day.strftime("%d/%m/%Y"), f"FT26{n:08d}", "", "100.000", "", description])
        data, openpyxl_seconds = _saved_and_read(book)

        timings, statements = [], []
        for attempt in (1, 2):
            cpu_started = time.process_time()
            started = time.perf_counter()
            statement = statement_upload(
                actor=staff, province=province, data=data, original_name=f"bench-{attempt}.xlsx",
                mapping=PRESETS["vietcombank"],
            )  # fmt: skip
            statement = statement_import_start(actor=staff, statement_id=statement.pk, in_process=True)
            timings.append((time.perf_counter() - started, time.process_time() - cpu_started))
            statements.append(statement)
        first, again = statements
        assert first.counts["new"] == lines_wanted, first.counts
        assert again.counts["new"] == 0, again.counts
        matched = StatementLine.objects.filter(statement=first, status=LineStatus.MATCHED).count()
        assert matched == lines_wanted * 9 // 10, matched
        for statement in statements:
            statement.file.delete(save=False)
        transaction.set_rollback(True)
    (seconds, cpu), (again_seconds, _cpu) = timings
    note = f"{len(data) // 1024} KB file"
    return [
        {"workload": "statement import", "measure": "openpyxl read only, s", "value": round(openpyxl_seconds, 2),
         "note": note},
        {
            "workload": "statement import",
            "measure": f"import of {lines_wanted:,} lines (read, store once, auto-match {matched:,}), s",
            "value": round(seconds, 2),
            "reference": f"{round(seconds / max(openpyxl_seconds, 0.001), 1)}× openpyxl read",
            "note": "budget 30 s",
        },
        {"workload": "statement import", "measure": "of which CPU in the portal process, s", "value": round(cpu, 2)},
        {
            "workload": "statement import",
            "measure": "the same file again (every line a duplicate), s",
            "value": round(again_seconds, 2),
            "note": "adds nothing",
        },
    ]  # fmt: skip


def offline_snapshot():
    """The snapshot a commune officer downloads for offline work (issue 16), for a commune of 2,000 children with
    3,000 needs in play (each child a warm-clothing need, every other one a school-supplies need too), and a sync of
    50 registrations sent twice (the second time every change is a replay). On a throwaway copy of the database.
    Budget: the snapshot a few hundred KB, gzip-compressed as GZipMiddleware serves it."""
    import datetime as dt
    import json
    import uuid

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from bench.database import on_throwaway_copy
    from needs.models import Category, Child, Need, NeedStatus
    from portal.models import AdministrativeUnit, EthnicGroup, RoleAssignment, UnitLevel, User, Village
    from portal.permissions import Role

    children_wanted = int(os.environ.get("BENCH_CHILDREN", 2_000))
    families = ["Lò", "Vàng", "Sùng", "Giàng", "Hoàng", "Nông", "Bàn", "Triệu", "Lường", "Cầm"]
    given = ["Thị Mai", "A Páo", "Thị Dợ", "Văn Kiềm", "Thị Hoa", "A Sình", "Thị Nhung", "Văn Tủa", "Thị Xoan", "A Lử"]
    with on_throwaway_copy():
        province = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True).first()
        commune = AdministrativeUnit.objects.create(
            code="99999", name="Xã Bench Ngoại Tuyến", level=UnitLevel.COMMUNE, division_type="Xã",
            parent=province, province=province, valid_from=dt.date(2025, 7, 1),
        )  # fmt: skip
        villages = [Village.objects.create(commune=commune, name=f"Bản Nà {n}") for n in range(12)]
        officer = User.objects.create_user(username="bench-offline", password="bench-offline-1")  # noqa: S106
        RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
        groups = list(EthnicGroup.objects.order_by("code")[:6])
        children = Child.objects.bulk_create(
            Child(
                code=f"99999-{n + 1:05d}",
                full_name=f"{families[n % 10]} {given[(n // 10) % 10]} {n}",
                name_key="",
                sex="F" if n % 2 else "M",
                birth_date=dt.date(2009, 1, 1) + dt.timedelta(days=n * 3 % 5000),
                ethnic_group=groups[n % len(groups)],
                commune=commune,
                village=villages[n % len(villages)],
            )
            for n in range(children_wanted)
        )
        needs = [
            Need(child=child, commune=commune, village=child.village, category=Category.WARM_CLOTHING,
                 description="Áo ấm, mũ len", clothing_size="8-9", quantity=1, unit_cost=250_000, season="W2026",
                 justification="Hộ nghèo, nhà trên núi cao, mùa đông rét đậm", status=NeedStatus.DRAFT)
            for child in children
        ]  # fmt: skip
        needs += [
            Need(child=child, commune=commune, village=child.village, category=Category.EDUCATION,
                 description="Sách vở, cặp", quantity=1, unit_cost=300_000, season="SY2026",
                 justification="Gia đình khó khăn", status=NeedStatus.OPEN)
            for child in children[::2]
        ]  # fmt: skip
        Need.objects.bulk_create(needs)
        client = Client(SERVER_NAME="localhost")
        client.force_login(officer)
        samples = []
        for _ in range(5):
            reset_queries()  # the log keeps 9,000 queries: full after seeding, it would count none
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/api/v1/offline/snapshot/", HTTP_ACCEPT_ENCODING="gzip")
            samples.append(time.perf_counter() - start)
        wire = len(response.content)  # as sent: GZipMiddleware compresses it for a browser that accepts gzip
        body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
        snapshot = json.loads(body)
        changes = [
            {"key": str(uuid.uuid4()), "type": "child.create", "client_id": str(uuid.uuid4()), "commune": "99999",
             "not_a_duplicate": True,
             "fields": {"full_name": f"Hờ Thị Bench {n}", "sex": "F", "birth_date": "2016-03-02",
                        "ethnic_group": groups[0].code, "village": villages[0].pk},
             "needs": [{"client_id": str(uuid.uuid4()), "fields": {"category": "warm_clothing", "unit_cost": "250.000",
                                                                    "justification": "Nhà trên núi cao"}}]}
            for n in range(50)
        ]  # fmt: skip
        sync_times = []
        for _ in range(2):
            start = time.perf_counter()
            answer = client.post("/api/v1/offline/sync/", {"changes": changes}, content_type="application/json")
            sync_times.append(time.perf_counter() - start)
        statuses = {result["status"] for result in answer.json()["results"]}
    median, _spread = _stats(samples)
    rows = len(snapshot["children"]["rows"]), len(snapshot["needs"]["rows"])
    return [
        {
            "workload": "offline snapshot",
            "measure": f"{rows[0]:,} children, {rows[1]:,} needs: JSON KB",
            "value": round(len(body) / 1024, 1),
            "reference": f"{round(wire / 1024, 1)} KB sent gzip-compressed",
            "note": "a few hundred KB",
        },
        {
            "workload": "offline snapshot",
            "measure": "server time, ms (median of 5)",
            "value": round(median),
            "reference": f"{len(queries)} queries",
            "note": "",
        },
        {
            "workload": "offline sync",
            "measure": "50 registrations (child + need), s",
            "value": round(sync_times[0], 2),
            "reference": f"{round(sync_times[1], 2)} s sent again (replays)",
            "note": ", ".join(sorted(statuses)),
        },
    ]


# --- At national scale (issue 18, seed_demo --size national) ------------------------------------------------------


def national_rollup():
    """The ministry's national roll-up (issue 18) built in process as the Celery task builds it: every province's
    approved figures read from their final reports and added up, the PDF and the workbook written and stored.
    Next to it the SQL the roll-up read, timed with a bare cursor. Budget: under 120 s."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from national.selectors import approved_figures, national_year
    from national.services import rollup_build, rollup_request
    from reports.models import ReportStatus

    ministry = get_user_model().objects.get(username="ministry")
    year, programme = national_year(2026)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        figures = approved_figures(year=year, programme=programme)
    read_ms = (time.perf_counter() - started) * 1000
    sql = [q["sql"] for q in captured.captured_queries]
    report = rollup_request(user=ministry, year=year, programme=programme)
    started = time.perf_counter()
    built = rollup_build(report_id=report.pk)
    seconds = time.perf_counter() - started
    assert built is not None, report.pk
    assert built.status == ReportStatus.DRAFT, built.error
    counted, missing = len(figures["provinces"]), len(figures["missing"])
    workload = f"national roll-up ({counted} provinces approved, {missing} missing)"
    return [
        {
            "workload": workload,
            "measure": "build in process (read, add up, PDF, workbook, store), s",
            "value": round(seconds, 2),
            "reference": f"{_time_sql(sql, 5):.0f} ms bare SQL ({len(sql)} queries)",
            "note": f"budget 120 s; {built.size // 1024} KB PDF",
        },
        {
            "workload": workload,
            "measure": "approved figures read and added up (ORM + Python), ms",
            "value": round(read_ms),
            "note": "what the ministry's figures page reads",
        },
    ]


def partner_overlap():
    """The no-overlap check (allocations.rules.support_overlaps) a partner's new support record goes through before
    it is saved (page, import and API alike), for children of the province (BENCH_PROVINCE, or the demo's) in a
    category and season the department funded (the check finds the allocation) and in one nobody supported (it
    finds nothing): median and p95 over BENCH_REPEAT × 5 children each, next to the SQL one check ran, timed with a
    bare cursor. Only the check is timed, not the request around it. Budget: under 50 ms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from allocations.models import PartnerSupport
    from allocations.rules import department_support, support_overlaps

    repeat = int(os.environ.get("BENCH_REPEAT", 20)) * 5
    funded = list(
        department_support()
        .filter(need__commune__province__code=bench_province_code())
        .order_by("need_id")
        .values_list("need__child_id", "need__category", "need__season")[: repeat * 50 : 50]
    )
    keys = {
        "already funded by the department": funded,
        # The same children and categories a season before the generated data: nobody supported them then.
        "not supported yet": [(child, cat, re.sub(r"\d{4}", "2024", season)) for child, cat, season in funded],
    }
    rows = []
    for label, cases in keys.items():
        samples, found = [], 0
        for child_id, category, season in cases:
            started = time.perf_counter()
            found += bool(support_overlaps(child_id=child_id, category=category, season=season))
            samples.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            support_overlaps(child_id=cases[0][0], category=cases[0][1], season=cases[0][2])
        sql = [q["sql"] for q in captured.captured_queries]
        median, p95 = _stats(samples)
        rows.append(
            {
                "workload": f"overlap check ({PartnerSupport.objects.count():,} partner records)".replace(",", "."),
                "measure": f"{label}: median / p95 ms",
                "value": f"{median:.1f} / {p95:.1f}",
                "reference": f"{_time_sql(sql, repeat):.1f} ms bare SQL ({len(sql)} queries)",
                "note": f"budget 50 ms; {found} of {len(cases)} found an overlap",
            }
        )
    return rows


ALL = {
    "page_weight": page_weight,
    "statement_import": statement_import,
    "excel_import": excel_import,
    "matching": matching,
    "needs_list": needs_list,
    "annual_report": annual_report,
    "concurrent_allocation": concurrent_allocation,
    "matching_accept": matching_accept,
    "public_ledger": public_ledger,
    "offline_snapshot": offline_snapshot,
    "offline_app": offline_app,
    "national_rollup": national_rollup,
    "partner_overlap": partner_overlap,
}
LARGE = {
    "needs_list",
    "annual_report",
    "concurrent_allocation",
    "matching_accept",
    "public_ledger",
}  # need `seed_demo --size large` data
NATIONAL = {"national_rollup", "partner_overlap"}  # need `seed_demo --size national` data
