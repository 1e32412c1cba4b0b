"""The offline app on a phone-class device: the app shell and one commune's data (2,000 children and a need each,
two printed distribution lists of 30 lines) stored on the device, opened without a connection with the CPU slowed
4× (Chrome DevTools' CPU throttling), as issue 16 asks: "fit in a few MB and load in under 2 s".

The snapshot is made here in the shape of docs/offline.md (section 1) and handed to the app through a route, so the
figures do not depend on how many children the bench database happens to hold in a commune.
"""

import gzip
import json
import os
import random
import statistics
import threading

CHILDREN = 2_000
RUNS = 5
THROTTLE = 4
FAMILY = ["Lò", "Giàng", "Hoàng", "Lường", "Sùng", "Vàng", "Mùa", "Nông", "Triệu", "Đặng"]
MIDDLE = ["Văn", "Thị", "A", "Seo", "Mí"]
VILLAGES = [[400 + i, f"Bản {i}"] for i in range(12)]
GIVEN = ["Mai", "Páo", "Dung", "Sính", "Lan", "Chư", "Hoa", "Thào", "Minh", "Nhung", "Sơn", "Tùng"]


def snapshot(children: int = CHILDREN) -> dict:
    """A commune's snapshot as the server sends it (the columns are the server's), with realistic names and dates."""
    from offline.selectors import CHILD_COLUMNS, NEED_COLUMNS

    rng = random.Random(16)
    need_columns = (*NEED_COLUMNS, "return_reason", "units_to_deliver")
    child_rows, need_rows = [], []
    for number in range(1, children + 1):
        child = {
            "id": number,
            "code": f"08134-{number:05d}",
            "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            "birth_date": f"{rng.randint(2009, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "sex": rng.choice("MF"),
            "ethnic_group": "04",
            "commune": "08134",
            "village": 400 + number % 12,
            "version": 1,
        }
        need = dict.fromkeys(need_columns)
        need.update(id=10_000 + number, child=number, commune="08134", facility_name="", beneficiary_count=1)
        need.update(age_band="", category="warm_clothing", description="Áo ấm", clothing_size="8-9", care_type="")
        need.update(quantity=1, unit_cost=250_000, season="W2026", priority=2, status="funded", version=2)
        need.update(justification="Nhà nghèo, thiếu áo ấm mùa đông", return_reason="", units_to_deliver=1)
        child_rows.append([child[name] for name in CHILD_COLUMNS])
        need_rows.append([need[name] for name in need_columns])
    choices = {
        "sex": [["M", "Nam"], ["F", "Nữ"]],
        "category": [["warm_clothing", "Đồ ấm"], ["nutrition", "Bữa ăn dinh dưỡng"], ["healthcare", "Khám, chữa bệnh"]],
        "priority": [[1, "Thấp"], [2, "Trung bình"], [3, "Cao"]],
        "season": [["W2026", "Mùa đông 2026–2027"], ["SY2026", "Năm học 2026–2027"], ["Y2026", "Năm 2026"]],
        "need_status": [["funded", "Đã đủ tài trợ"], ["draft", "Nháp"]],
        "ethnic_group": [["04", "Thái"], ["12", "Mông"]],
        "common_ethnic_groups": ["04"],
        "category_season_kind": {"warm_clothing": "W", "nutrition": "SY", "healthcare": "Y"},
    }
    lines = {"fields": ["id", "need", "planned_quantity"], "rows": [[700 + i, 10_001 + i, 1] for i in range(30)]}
    distributions = [
        {"id": 31 + i, "commune": "08134", "title": f"Cấp áo ấm đợt {i + 1}", "distributed_on": "2026-12-01"}
        | {"place": "Nhà văn hóa", "status": "printed", "version": 2, "lines": lines}
        for i in range(2)
    ]
    return {
        "generated_at": "2026-12-06T22:40:00+07:00",
        "user": {"username": "commune", "full_name": "", "permissions": ["register_needs", "record_deliveries"]},
        "communes": [{"code": "08134", "name": "Xã Bằng Thành", "villages": VILLAGES}],
        "choices": choices,
        "children": {"fields": list(CHILD_COLUMNS), "rows": child_rows},
        "needs": {"fields": list(need_columns), "rows": need_rows},
        "distributions": distributions,
    }


def _serve():
    """The portal on a free local port (the bench database, DEBUG on: whitenoise serves static from the apps)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def offline_app():
    """Sizes on the device and time to a usable children list, offline, CPU 4× slower."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    body = json.dumps(snapshot(), ensure_ascii=False).encode()
    server, base = _serve()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"], headless=True
            )
            context = browser.new_context(locale="vi-VN", base_url=base, viewport={"width": 360, "height": 740})
            page = context.new_page()
            page.route(
                "**/api/v1/offline/snapshot/**",
                lambda route: route.fulfill(status=200, body=body, content_type="application/json"),
            )
            page.goto("/accounts/login/")
            page.get_by_label("Tên đăng nhập").fill("commune")
            page.get_by_label("Mật khẩu").fill("portal-demo")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url("**/")
            page.goto("/offline/")
            page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
            page.get_by_text(f"{CHILDREN:,} trẻ".replace(",", ".")).wait_for(timeout=60_000)
            shell = page.evaluate(
                """async () => { let total = 0; for (const name of await caches.keys()) {
                     const cache = await caches.open(name);
                     for (const request of await cache.keys()) {
                       total += (await (await cache.match(request)).arrayBuffer()).byteLength; } }
                   return total; }"""
            )
            usage = page.evaluate("navigator.storage.estimate().then((e) => e.usage)")
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
            context.set_offline(True)
            samples = []
            for _ in range(RUNS):
                page.reload(wait_until="commit")
                page.get_by_text(f"{CHILDREN:,} trẻ".replace(",", ".")).wait_for(timeout=60_000)
                samples.append(page.evaluate("performance.now()"))
            browser.close()
    finally:
        server.shutdown()
    note = f"{CHILDREN} children, offline, CPU {THROTTLE}× slower, median of {RUNS}"
    return [
        {"workload": "offline app", "measure": "app shell cached, KB", "value": round(shell / 1024, 1)},
        {
            "workload": "offline app",
            "measure": "snapshot JSON, KB",
            "value": round(len(body) / 1024, 1),
            "reference": f"{round(len(gzip.compress(body)) / 1024, 1)} KB gzip on the wire",
            "note": f"{CHILDREN} children + needs",
        },
        {
            "workload": "offline app",
            "measure": "device storage used, KB",
            "value": round(usage / 1024, 1),
            "note": "IndexedDB (sealed) + caches",
        },
        {
            "workload": "offline app",
            "measure": "open to children list, ms",
            "value": round(statistics.median(samples)),
            "reference": f"max {round(max(samples))} ms",
            "note": note,
        },
    ]
