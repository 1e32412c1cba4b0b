"""Text stored before it was normalised on the way in, rewritten in NFC; donors' search keys recomputed where the
name holds a look-alike of Đ, which search keys now read as d (portal.text.fold)."""

from django.db import migrations
from django.db.models import Q

from portal.text import D_LOOKALIKES, fold, nfc_stored_text


def forwards(apps, schema_editor):
    nfc_stored_text(apps, "donors")
    Donor = apps.get_model("donors", "Donor")
    lookalike = Q()
    for letter in D_LOOKALIKES:
        lookalike |= Q(name__contains=letter)
    for pk, name in Donor.objects.filter(lookalike).values_list("pk", "name"):
        Donor.objects.filter(pk=pk).update(name_key=fold(name))


class Migration(migrations.Migration):
    dependencies = [("donors", "0001_initial"), ("portal", "0005_text_in_nfc_and_vietnamese_d_in_villages")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
