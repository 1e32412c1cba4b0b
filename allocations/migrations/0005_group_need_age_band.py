"""The allocation rules take a group need's stated age band where there is no child to compute one from: an
earmark or a goods item for an age band may now go to, say, a kindergarten's meals for 3–5-year-olds.

The rules function of 0003 with that one branch added, derived from 0003's text so the two cannot drift.
"""

import importlib

from django.db import migrations

_ledger = importlib.import_module("allocations.migrations.0003_ledger_triggers")
_start = _ledger.RULES_SQL.index("CREATE OR REPLACE FUNCTION allocations_allocation_rules()")
_end = _ledger.RULES_SQL.index("END $$ LANGUAGE plpgsql;", _start) + len("END $$ LANGUAGE plpgsql;")
CHILD_ONLY_RULES = _ledger.RULES_SQL[_start:_end]
CHILD_BAND = "    band := allocations_age_band(birth, today);\n  END IF;\n"
GROUP_BAND = (
    "    band := allocations_age_band(birth, today);\n  ELSIF n.age_band <> '' THEN\n    band := n.age_band;\n  END IF;\n"
)
assert CHILD_ONLY_RULES.count(CHILD_BAND) == 1
WITH_GROUP_RULES = CHILD_ONLY_RULES.replace(CHILD_BAND, GROUP_BAND)


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":  # SQLite: allocations.rules checks in Python
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("allocations", "0004_ledger_counters_per_statement"),
        ("needs", "0006_group_need_age_band"),
    ]

    operations = [migrations.RunPython(_run(WITH_GROUP_RULES), _run(CHILD_ONLY_RULES))]
