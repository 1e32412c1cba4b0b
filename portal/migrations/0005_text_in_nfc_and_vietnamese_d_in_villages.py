"""Text stored before it was normalised on the way in, rewritten in NFC; and village names spelt with a look-alike
of Đ get the Vietnamese letter (the demo's "Thôn Khau Đấng" had the Icelandic eth, U+00D0), so the name typed on a
Vietnamese keyboard finds them. Each renamed village gets a history row saying why."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from portal.text import D_LOOKALIKES, nfc_stored_text, vietnamese_d

REASON = "Sửa chữ Đ gõ nhầm bằng ký tự giống Đ (Unicode)"


def forwards(apps, schema_editor):
    nfc_stored_text(apps, "portal")
    Village = apps.get_model("portal", "Village")
    HistoricalVillage = apps.get_model("portal", "HistoricalVillage")
    lookalike = Q()
    for letter in D_LOOKALIKES:
        lookalike |= Q(name__contains=letter)
    for village in Village.objects.filter(lookalike):
        name = vietnamese_d(village.name)
        if Village.objects.filter(commune_id=village.commune_id, name=name).exists():
            continue  # both spellings were registered; search finds either, an officer may merge them
        village.name = name
        village.save(update_fields=["name"])
        HistoricalVillage.objects.create(
            id=village.pk,
            commune_id=village.commune_id,
            name=name,
            active=village.active,
            history_date=timezone.now(),
            history_type="~",
            history_change_reason=REASON,
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_access_log")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
