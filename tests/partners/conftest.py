import pytest

from tests.partners.factories import PartnerOrganisationFactory, partner_account


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def partner(personas):
    return PartnerOrganisationFactory(province=personas.province, name="Hội Liên hiệp Phụ nữ tỉnh")


@pytest.fixture
def partner_user(partner):
    return partner_account(partner, username="partner")
