"""The benchmark database: created when missing, migrated, filled with the demo province."""

import io

import psycopg2
from django.conf import settings
from django.core.management import call_command


def prepare_database() -> None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set BENCH_DATABASE_URL.")
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
