import pytest

from portal.models import REFORM_DATE, AdministrativeUnit, UnitLevel
from portal.units_loader import units_load


@pytest.fixture
def thai_nguyen(db):
    units_load(province_codes=["19"])
    return AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="19", valid_to__isnull=True)


def test_it_loads_thai_nguyen_with_its_92_communes_in_force(thai_nguyen):
    # Resolution 1683/NQ-UBTVQH15: 77 communes and 15 wards.
    in_force = AdministrativeUnit.objects.communes().current().filter(province=thai_nguyen)
    assert in_force.count() == 92
    assert in_force.filter(division_type="Phường").count() == 15
    assert thai_nguyen.valid_from == REFORM_DATE


def test_it_keeps_bac_kan_as_history_merged_into_thai_nguyen(thai_nguyen):
    bac_kan = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="06")
    assert bac_kan.name == "Tỉnh Bắc Kạn"
    assert bac_kan.merged_into == thai_nguyen
    assert bac_kan.valid_to.isoformat() == "2025-06-30"
    old_communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, province=bac_kan)
    assert old_communes.count() > 100
    # Every former Bắc Kạn commune rolls up to a commune in force in Thái Nguyên.
    assert not old_communes.filter(merged_into__isnull=True).exists()
    assert {c.successor().province_id for c in old_communes[:50]} == {thai_nguyen.pk}


def test_a_successor_may_keep_its_predecessors_code(thai_nguyen):
    # Phường Đức Xuân kept code 01840 when it absorbed its neighbours on 1 July 2025.
    same_code = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, code="01840")
    assert same_code.count() == 2
    new, old = same_code.get(valid_to__isnull=True), same_code.get(valid_to__isnull=False)
    assert old.merged_into == new
    assert old.parent.name == "Thành Phố Bắc Kạn"


def test_loading_twice_changes_nothing(thai_nguyen):
    before = list(AdministrativeUnit.objects.order_by("pk").values())
    units_load(province_codes=["19"])
    assert list(AdministrativeUnit.objects.order_by("pk").values()) == before


def test_it_loads_the_whole_country(db):
    units_load()
    communes = AdministrativeUnit.objects.communes().current()
    assert AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True).count() == 34
    assert communes.count() == 3321


def test_it_rejects_an_unknown_province(db):
    with pytest.raises(ValueError, match="99"):
        units_load(province_codes=["99"])
