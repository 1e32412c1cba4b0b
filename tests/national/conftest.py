"""Three provinces for the ministry: P (tests/reports' small province, every figure known), Q (one commune, one
donor's 30.000.000 đ received) and R (no reporting cycle at all)."""

from types import SimpleNamespace

import pytest

from portal.permissions import Role
from tests.factories import ProvinceFactory, user_with_role
from tests.national.factories import MinistryFactory
from tests.reports.conftest import world  # noqa: F401 - the small province P, with Q's rows
from tests.reports.factories import AgencyFactory, CycleFactory


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path, monkeypatch):
    settings.REPORTS_ROOT = tmp_path / "reports"
    monkeypatch.setenv("REPORTS_ROOT", str(tmp_path / "reports"))  # for a worker subprocess


@pytest.fixture
def nation(world):  # noqa: F811 - the fixture imported above
    p = world.personas
    AgencyFactory(province=p.other_province, parent_agency_name="ỦY BAN NHÂN DÂN TỈNH THỬ Q")
    MinistryFactory()
    return SimpleNamespace(
        world=world,
        p=p,
        cycle_p=world.cycle,
        cycle_q=CycleFactory(province=p.other_province),
        province_r=ProvinceFactory(name="Tỉnh Chưa Mở Kỳ"),
        ministry=user_with_role(Role.MINISTRY, None, username="ministry"),
        leader_q=user_with_role(Role.LEADERSHIP, p.other_province, username="leader_q"),
    )
