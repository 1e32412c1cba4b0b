"""The benchmark database: created when missing, migrated, filled with the demo province."""

import io

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.db import connection


def prepare_database(*, large: bool = False) -> None:
    """With `large`, add the benchmark-scale province (`seed_demo --size large`) unless it is there already:
    the generator leaves existing rows alone, so the data is built once and reused by later runs."""
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
    call_command("seed_demo", size="large" if large else "small", stdout=io.StringIO())
    if large:
        # A freshly loaded table has no visibility map until autovacuum passes, so every count reads the heap
        # (a 42,000-row count took 217 ms instead of ~15); a running portal is always vacuumed. Cheap when done.
        with connection.cursor() as cursor:
            for table in LARGE_TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")


LARGE_TABLES = [
    "needs_child", "needs_need", "donors_receipt", "allocations_allocation", "allocations_receiptbalance",
    "allocations_needbalance", "allocations_delivery",
]  # fmt: skip
