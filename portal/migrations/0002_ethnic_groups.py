"""Load the 54 ethnic groups with their official codes."""

from django.db import migrations

from portal.reference_data import ethnic_groups_load


def load(apps, schema_editor):
    ethnic_groups_load(apps.get_model("portal", "EthnicGroup"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
