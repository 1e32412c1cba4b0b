"""Text stored before it was normalised on the way in, rewritten in NFC (portal.text)."""

from django.db import migrations

from portal.text import nfc_stored_text


def forwards(apps, schema_editor):
    nfc_stored_text(apps, "allocations")


class Migration(migrations.Migration):
    dependencies = [("allocations", "0005_group_need_age_band")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
