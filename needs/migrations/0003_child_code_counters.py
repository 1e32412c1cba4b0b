import django.db.models.deletion
from django.db import migrations, models

from needs.models.children import highest_code_numbers


def initialise_counters(apps, schema_editor):
    """Start each commune in force after the highest numeric code with its prefix; no code is renumbered.

    Codes of earlier communes that kept their code through a merger count for the commune in force; the random
    hex codes of quick registration are not numbers (unless all their digits happen to be decimal).
    """
    Child = apps.get_model("needs", "Child")
    Unit = apps.get_model("portal", "AdministrativeUnit")
    Counter = apps.get_model("needs", "ChildCodeCounter")
    communes = dict(Unit.objects.filter(level="commune", valid_to__isnull=True).values_list("code", "id"))
    highest = highest_code_numbers(Child.objects.values_list("code", flat=True).iterator(), communes)
    Counter.objects.bulk_create([Counter(commune_id=pk, last=last) for pk, last in highest.items()], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('needs', '0002_merge_record_and_list_indexes'),
        ('portal', '0003_import_records_and_export_log'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChildCodeCounter',
            fields=[
                ('commune', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='+', serialize=False, to='portal.administrativeunit', verbose_name='xã')),
                ('last', models.PositiveBigIntegerField(default=0, verbose_name='số đã cấp sau cùng')),
            ],
            options={
                'verbose_name': 'bộ đếm mã hồ sơ trẻ',
                'verbose_name_plural': 'bộ đếm mã hồ sơ trẻ',
                'db_table': 'needs_childcodecounter',
            },
        ),
        migrations.RunPython(initialise_counters, migrations.RunPython.noop),
    ]
