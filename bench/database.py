"""The benchmark database: created when missing, migrated, filled with the demo province."""

import io
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.db import connection


def prepare_database(*, size: str = "small", scale: float = 1.0) -> None:
    """With size "large", add the benchmark-scale province (`seed_demo --size large`), with "national" every
    province (`--size national`), at `scale` (BENCH_SCALE), unless it is there already: the generators leave
    existing rows alone, so the data is built once and reused by later runs."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set BENCH_DATABASE_URL.")
    with _admin_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    call_command("migrate", verbosity=0)
    call_command("seed_demo", size=size, scale=scale, stdout=io.StringIO())
    if size != "small":
        # A freshly loaded table has no visibility map until autovacuum passes, so every count reads the heap
        # (a 42,000-row count took 217 ms instead of ~15); a running portal is always vacuumed. Cheap when done.
        with connection.cursor() as cursor:
            for table in LARGE_TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
            # Statistics for the small tables too, as autovacuum keeps them: without them PostgreSQL took the
            # province's 92 communes for one and planned the matching assistant's read as nested loops (8 s, not 3).
            cursor.execute("ANALYZE")


@contextmanager
def throwaway_copy() -> Iterator[str]:
    """A copy of the benchmark database for a workload that writes (CREATE DATABASE … TEMPLATE, a file copy),
    dropped afterwards, so the data every later run measures stays as generated. Yields the copy's URL."""
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_scratch"
    connection.close()  # a template must have no other sessions
    with _admin_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{db["NAME"]}"')
    try:
        yield f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    finally:
        with _admin_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def on_throwaway_copy() -> Iterator[None]:
    """Run this process's ORM on a throwaway copy of the benchmark database (see `throwaway_copy`)."""
    with throwaway_copy() as url:
        saved = connection.settings_dict["NAME"]
        connection.settings_dict["NAME"] = url.rsplit("/", 1)[1]
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = saved


@contextmanager
def _admin_cursor():
    db = settings.DATABASES["default"]
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or 5432
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            yield cursor
    finally:
        admin.close()


LARGE_TABLES = [
    "needs_child", "needs_need", "donors_receipt", "allocations_allocation", "allocations_receiptbalance",
    "allocations_needbalance", "allocations_delivery", "allocations_partnersupport",
]  # fmt: skip
