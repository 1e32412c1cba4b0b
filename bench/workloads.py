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


ALL = {"page_weight": page_weight}
