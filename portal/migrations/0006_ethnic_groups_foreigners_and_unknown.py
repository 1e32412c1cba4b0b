"""Add the official list's two other codes: 55 (foreigners) and 99 (not known)."""

from django.db import migrations

from portal.reference_data import ethnic_groups_load


def load(apps, schema_editor):
    ethnic_groups_load(apps.get_model("portal", "EthnicGroup"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_text_in_nfc_and_vietnamese_d_in_villages")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
