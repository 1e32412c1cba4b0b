"""Configuration from the environment, checked in fresh interpreters as an operator would start them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qz!m2@Lr9$Wv4^Np8&Xs3*Tb6(Hc1)Jd5-Fg0+Ye7_uR4%aZ8!oP2=iM6~eK9",
    "ALLOWED_HOSTS": "treem.thainguyen.gov.vn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
}


def _run(args, env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {*PRODUCTION, "EMAIL_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_with_nothing_set_it_uses_sqlite_and_runs_tasks_in_process(tmp_path):
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, s.DATABASES['default']['NAME'])"
    )
    result = _run(["-c", script], {"PORTAL_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    engine, eager, debug, name = result.stdout.split()
    assert (engine, eager, debug) == ("django.db.backends.sqlite3", "True", "True")
    assert name == str(tmp_path / "portal.sqlite3")


def test_a_bad_boolean_is_refused_loudly():
    result = _run(["manage.py", "check"], {"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
