"""Names in Vietnamese order, in Python (portal.text.vietnamese_key) and in the database (portal.text.collated):
PostgreSQL's ICU collation, and on SQLite the collation of the same name the portal registers."""

import random

import pytest
from django.db import connection

from portal.models import Village
from portal.text import vietnamese_key
from tests.factories import UnitFactory

# In Vietnamese order: ă, â after a; đ after d; ê after e; ô, ơ after o; ư after u; tones only break ties.
ORDERED = [
    "Ba-na",
    "Bố Y",
    "Dương",
    "Đặng",
    "Ê-đê",
    "Hầu",
    "Hoàng",
    "La Chí",
    "La Hủ",
    "Lào",
    "Lầu",
    "Lô Lô",
    "Lương",
    "Lý",
    "Ma",
    "Man",
    "Màn",
    "Mản",
    "Mãn",
    "Mán",
    "Mạn",
    "Mavăn",
    "Mẫn",
    "Mnông",
    "Mông",
    "Mường",
    "Ơ-đu",
    "Thôn 10",
    "Thôn 2",
    "Thôn Ba",
]


def test_it_sorts_names_in_vietnamese_order_in_python():
    assert sorted(["Hoàng", "Hầu"], key=vietnamese_key) == ["Hầu", "Hoàng"]
    assert sorted(["Lý", "Lương", "Lầu"], key=vietnamese_key) == ["Lầu", "Lương", "Lý"]
    shuffled = ORDERED[:]
    random.Random(15).shuffle(shuffled)
    assert sorted(shuffled, key=vietnamese_key) == ORDERED


def test_it_sorts_decomposed_text_as_composed():
    assert sorted(["Lu\u031bo\u031bng", "Lâ\u0300u", "Ly\u0301"], key=vietnamese_key) == [
        "Lâ\u0300u",
        "Lu\u031bo\u031bng",
        "Ly\u0301",
    ]


@pytest.mark.django_db
def test_the_database_sorts_as_python_does(db):
    commune = UnitFactory()
    names = ORDERED[:]
    random.Random(7).shuffle(names)
    Village.objects.bulk_create([Village(commune=commune, name=name) for name in names])
    from portal.text import collated

    stored = list(Village.objects.filter(commune=commune).order_by(collated("name")).values_list("name", flat=True))
    assert stored == ORDERED, connection.vendor


def test_sqlite_connections_have_the_collation_too(django_db_blocker):
    """The quick start runs on SQLite: `collated(...)` must sort there as on PostgreSQL."""
    from django.db.utils import ConnectionHandler

    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    try:
        with django_db_blocker.unblock(), sqlite.cursor() as cursor:
            cursor.execute("CREATE TABLE t (name TEXT)")
            cursor.executemany("INSERT INTO t VALUES (%s)", [(name,) for name in reversed(ORDERED)])
            cursor.execute('SELECT name FROM t ORDER BY name COLLATE "vi-VN-x-icu"')
            assert [row[0] for row in cursor.fetchall()] == ORDERED
    finally:
        sqlite.close()
