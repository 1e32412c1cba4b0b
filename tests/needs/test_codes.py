"""Record codes: "<commune code>-00001" onwards, one counter per commune for quick registration, import and loaders."""

import datetime as dt
import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse

from needs import services
from needs.models import Child, ChildCodeCounter
from needs.spreadsheets import SPEC
from portal.reference_data import ethnic_groups_load
from portal.spreadsheets.importing import import_confirm
from tests.factories import ChildFactory
from tests.needs.excel_files import many_rows, row
from tests.needs.test_excel_import import preview
from tests.threads import race


def register(personas, name="Triệu Thị Mẩy", in_b=False) -> Child:
    """Quick registration, as the officer's page does it."""
    data = {
        "full_name": name,
        "sex": "F",
        "birth_date": dt.date(2016, 10, 2),
        "ethnic_group": ChildFactory._meta.declarations["ethnic_group"].function(),
        "guardian_name": "Triệu Văn Tòn",
    }
    if in_b:
        return services.child_create(user=personas.officer_b, commune=personas.commune_b, data=data)
    return services.child_create(user=personas.officer_a, commune=personas.commune_a, data=data)


def numbers(commune) -> list[int]:
    prefix = f"{commune.code}-"
    codes = Child.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    return sorted(int(code.removeprefix(prefix)) for code in codes)


@pytest.mark.django_db
def test_quick_registration_and_import_number_on_from_each_other(client, personas):
    first = register(personas)
    record, _page = preview(client, personas.officer_a, many_rows(3))
    client.post(reverse("needs-import-confirm", args=[record.token]))
    last = register(personas, name="Lý Thị Mai")

    a = personas.commune_a.code
    assert first.code == f"{a}-00001"
    imported = Child.objects.filter(full_name__startswith="Hoàng Văn Thắng").order_by("code")
    assert [child.code for child in imported] == [f"{a}-00002", f"{a}-00003", f"{a}-00004"]
    assert last.code == f"{a}-00005"
    in_b = register(personas, in_b=True)
    assert in_b.code == f"{personas.commune_b.code}-00001"  # each commune counts on its own


@pytest.mark.django_db
def test_it_goes_on_after_the_highest_numeric_code_and_renumbers_nothing(personas):
    a = personas.commune_a.code
    kept = [
        ChildFactory(commune=personas.commune_a, code=f"{a}-00041").code,
        ChildFactory(commune=personas.commune_a, code=f"{a}-7F3A0C").code,  # an early random code
    ]
    assert services.child_codes_reserve(commune=personas.commune_a, count=2) == [f"{a}-00042", f"{a}-00043"]
    assert sorted(Child.objects.values_list("code", flat=True)) == sorted(kept)


@pytest.mark.django_db
def test_a_child_of_a_merged_commune_keeps_its_code_and_new_children_get_the_current_communes(personas):
    old = ChildFactory(commune=personas.commune_a0, code=f"{personas.commune_a0.code}-00007")
    new = register(personas)
    old.refresh_from_db()
    assert old.code == f"{personas.commune_a0.code}-00007"
    assert new.code == f"{personas.commune_a.code}-00001"


@pytest.mark.django_db
def test_a_commune_that_kept_its_predecessors_code_never_repeats_its_numbers(personas):
    personas.commune_a0.code = personas.commune_a.code
    personas.commune_a0.save()
    ChildFactory(commune=personas.commune_a0, code=f"{personas.commune_a.code}-00012")
    assert register(personas).code == f"{personas.commune_a.code}-00013"


@pytest.mark.django_db
def test_the_migration_starts_each_counter_after_the_communes_highest_numeric_code(personas):
    a, b, c = (personas.commune_a.code, personas.commune_b.code, personas.commune_c.code)
    for code, commune in [
        (f"{a}-00003", personas.commune_a),
        (f"{a}-00017", personas.commune_a),
        (f"{a}-3B9F1E", personas.commune_a),  # random hex: not a number
        (f"{b}-204518", personas.commune_b),  # random hex that is all digits: counted, so never handed out
        (f"TN-{c}-0001", personas.commune_c),  # the old demo codes
    ]:
        ChildFactory(commune=commune, code=code)
    migration = importlib.import_module("needs.migrations.0003_child_code_counters")

    migration.initialise_counters(apps, connection.schema_editor())

    counters = dict(ChildCodeCounter.objects.values_list("commune_id", "last"))
    assert counters == {personas.commune_a.pk: 17, personas.commune_b.pk: 204518}
    assert services.child_codes_reserve(commune=personas.commune_a, count=1) == [f"{a}-00018"]
    assert services.child_codes_reserve(commune=personas.commune_c, count=1) == [f"{c}-00001"]


@pytest.mark.django_db
def test_a_rolled_back_import_leaves_no_code_and_reuses_none(client, personas):
    register(personas)
    record, _page = preview(client, personas.officer_a, many_rows(5))
    with connection.cursor() as cursor:  # the database refuses the import when it saves the children
        cursor.execute(
            """
            CREATE FUNCTION refuse_import() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_import BEFORE INSERT ON needs_child FOR EACH ROW
            WHEN (NEW.full_name = 'Hoàng Văn Thắng 3') EXECUTE FUNCTION refuse_import();
            """
        )
    client.post(reverse("needs-import-confirm", args=[record.token]))
    assert Child.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_import ON needs_child")

    client.post(reverse("needs-import-confirm", args=[record.token]))
    register(personas, name="Lý Thị Mai")

    codes = list(Child.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 7
    assert numbers(personas.commune_a) == list(range(1, 8))


@pytest.mark.django_db(transaction=True)
def test_registrations_and_imports_at_once_never_draw_the_same_code(client, personas):
    ethnic_groups_load()  # an earlier transactional test may have flushed the reference rows
    files = [many_rows(40), [row(name=f"Lò Văn Sình {n}", sex="Nam") for n in range(30)]]
    imports = [preview(client, personas.officer_a, rows)[0] for rows in files]

    def slow_registration(n):
        with transaction.atomic():
            child = register(personas, name=f"Vàng Thị Say {n}")
            threading.Event().wait(0.05)  # hold the counter a moment, as a slower page would
            return child

    workers = [lambda n=n: slow_registration(n) for n in range(6)]
    workers += [
        lambda record=record: import_confirm(spec=SPEC, user=personas.officer_a, token=record.token)
        for record in imports
    ]
    results = race(workers)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Child.objects.count() == 76
    assert numbers(personas.commune_a) == list(range(1, 77))
