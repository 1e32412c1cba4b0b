"""Text stored before it was normalised on the way in, rewritten in NFC (portal.text)."""

from django.db import migrations

from portal.text import nfc_stored_text


def forwards(apps, schema_editor):
    nfc_stored_text(apps, "reports")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_report_build_attempts_and_task")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
