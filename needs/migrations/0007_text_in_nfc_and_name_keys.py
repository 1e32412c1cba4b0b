"""Text stored before it was normalised on the way in, rewritten in NFC; children's search keys recomputed where the
name holds a look-alike of Đ, which search keys now read as d (portal.text.fold)."""

from django.db import migrations
from django.db.models import Q

from portal.text import D_LOOKALIKES, fold, nfc_stored_text


def forwards(apps, schema_editor):
    nfc_stored_text(apps, "needs")
    Child = apps.get_model("needs", "Child")
    lookalike = Q()
    for letter in D_LOOKALIKES:
        lookalike |= Q(full_name__contains=letter)
    for pk, full_name in Child.objects.filter(lookalike).values_list("pk", "full_name"):
        Child.objects.filter(pk=pk).update(name_key=fold(full_name))


class Migration(migrations.Migration):
    dependencies = [("needs", "0006_group_need_age_band"), ("portal", "0005_text_in_nfc_and_vietnamese_d_in_villages")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
