"""`seed_demo --size national` at a tiny fraction: every province generated, within the rules, each with the
approved annual report the ministry's roll-up reads."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from allocations.models import PartnerSupport
from allocations.rules import department_support
from national.selectors import approved_figures, national_year
from needs.models import Child
from needs.scale import generated_children
from partners.scale import NOTE
from portal.models import AdministrativeUnit, UnitLevel
from reports.models import Report, ReportStatus

SCALE = 0.0005  # about 1,000 children across the 34 provinces


@pytest.fixture
def national(db, settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"
    call_command("seed_demo", size="national", scale=SCALE, stdout=io.StringIO())


def test_it_spreads_every_province_over_its_rural_communes_with_an_approved_report(national):
    provinces = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
    assert provinces.count() == 34
    generated = generated_children()
    per_province = dict(generated.values_list("commune__province").annotate(n=Count("id")))
    assert set(per_province) == set(provinces.values_list("pk", flat=True))
    assert max(per_province.values()) > 3 * min(per_province.values())  # a realistic spread, not an even one
    assert not generated.exclude(commune__division_type="Xã").exists()

    # Partner support never overlaps the department's without the reason the partner's page asks for.
    supports = PartnerSupport.objects.filter(description__endswith=NOTE, child__isnull=False)
    funded = department_support().values_list("need__child", "need__category", "need__season")
    unexplained = [
        key
        for key in supports.filter(overlap_reason="").values_list("child", "category", "season")
        if key in set(funded)
    ]
    assert supports.exists()
    assert unexplained == []
    assert PartnerSupport.objects.filter(child__isnull=True, children_count__gt=1).exists()

    # The ministry's roll-up counts every province, with the figures each final report stores.
    year, programme = national_year(2026)
    figures = approved_figures(year=year, programme=programme)
    assert len(figures["provinces"]) == 34
    assert figures["missing"] == []
    finals = Report.objects.filter(status=ReportStatus.FINAL, kind="annual")
    stored = sum(report.figures["totals"]["children"] for report in finals)
    assert figures["totals"]["children"] == stored > 0

    # Running it again adds nothing.
    counts = (Child.objects.count(), PartnerSupport.objects.count(), finals.count())
    call_command("seed_demo", size="national", scale=SCALE, stdout=io.StringIO())
    assert (Child.objects.count(), PartnerSupport.objects.count(), finals.count()) == counts
