"""The documented backup is real: dump, restore into a fresh database, same rows and đồng totals."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from needs.models import Need
from portal.reference_data import ethnic_groups_load
from tests.factories import ChildFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_the_same_totals(personas, tmp_path):
    ethnic_groups_load()  # an earlier transactional test may have flushed the reference rows
    child = ChildFactory(commune=personas.commune_a, full_name="Sùng Thị Mỷ")
    Need.objects.create(
        child=child,
        commune=personas.commune_a,
        category="warm_clothing",
        quantity=2,
        unit_cost=185_000,
        season="W2026",
        justification="Áo ấm mùa đông",
    )
    settings = connection.settings_dict
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    url = f"postgres://{credentials}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"
    dump = tmp_path / "portal.dump"
    result = subprocess.run(
        ["bash", "ops/backup-restore-check.sh", str(dump)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Restore check passed" in result.stdout
    assert dump.stat().st_size > 0
