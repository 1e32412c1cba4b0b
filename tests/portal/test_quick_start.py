"""The README's quick start as a newcomer runs it: nothing configured, so SQLite and in-process tasks.

The rest of the suite runs on PostgreSQL only, so this is what keeps the newcomer's path working: the demo loads
(twice, as `./dev start` runs it every time), every demo user's menu answers, and the README's
`build_report --sync` stores a PDF.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNSET = {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}

# Every demo user logs in and opens every entry of their menu and the home page.
WALK = """
import json
from django.test import Client
from portal import extensions
from portal.scoping import scope_for
from django.contrib.auth import get_user_model

answers = {}
for username in ("commune", "staff", "leader", "donor", "auditor"):
    client = Client(HTTP_HOST="localhost")  # the hosts DEBUG allows
    assert client.login(username=username, password="portal-demo")
    user = get_user_model().objects.get(username=username)
    urls = ["/", *(url for _label, url in extensions.nav_items(scope_for(user)))]
    answers[username] = {url: client.get(url).status_code for url in urls}
print(json.dumps(answers))
"""


def _manage(*args, var_dir):
    env = {key: value for key, value in os.environ.items() if key not in UNSET} | {"PORTAL_VAR_DIR": str(var_dir)}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_demo_loads_on_sqlite_every_menu_answers_and_the_report_builds(tmp_path):
    _manage("migrate", "--verbosity", "0", var_dir=tmp_path)
    _manage("seed_demo", var_dir=tmp_path)
    again = _manage("seed_demo", var_dir=tmp_path)

    assert (tmp_path / "portal.sqlite3").exists()
    assert "portal-demo" in again
    answers = json.loads(_manage("shell", "--command", WALK, var_dir=tmp_path).strip().splitlines()[-1])
    assert set(answers) == {"commune", "staff", "leader", "donor", "auditor"}
    assert all(len(pages) > 1 for pages in answers.values())  # a menu beside the home page
    failing = {f"{user} {url}": code for user, pages in answers.items() for url, code in pages.items() if code != 200}
    assert failing == {}
    stored = Path(_manage("build_report", "--year", "2026", "--sync", var_dir=tmp_path).strip().splitlines()[-1])
    assert stored.read_bytes().startswith(b"%PDF-")
