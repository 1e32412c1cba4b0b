"""An index on the units' names in Vietnamese order (PostgreSQL only).

The children list is sorted by commune name, then child name, in Vietnamese order (needs.selectors.CHILD_ORDER). With
this index PostgreSQL walks the communes in that order and sorts only the first commune's children (nested loop +
incremental sort): 41 ms instead of 236 ms for the first page of 200,000 children (a seq scan and a top-N sort of
every child with the ICU collation). An index on the children's names with the collation is not used by that plan,
so there is none. SQLite (the quick start, a few hundred rows) needs no index, and an index there would tie the file
to the collation portal.apps registers on each connection.
"""

from django.db import migrations

INDEX = "portal_unit_name_vi"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON portal_administrativeunit ((name COLLATE "vi-VN-x-icu"))'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_ethnic_groups_foreigners_and_unknown")]
    operations = [migrations.RunPython(create, drop)]
