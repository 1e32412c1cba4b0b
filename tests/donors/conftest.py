import pytest

from portal.models import Agency
from tests.donors.factories import DonorFactory, make_pledge, receive_money


@pytest.fixture
def world(personas):
    """Donor D in province P (the persona `donor` speaks for it), donor E in P, donor F in Q; a pledge each."""
    d = DonorFactory(province=personas.province, name="Công ty Chè Thái Nguyên", members=[personas.donor])
    e = DonorFactory(province=personas.province, name="Quỹ Ánh Dương")
    f = DonorFactory(province=personas.other_province, name="Công ty Ngoài Tỉnh")
    pledges = {name: make_pledge(donor, actor=personas.staff) for name, donor in (("d", d), ("e", e), ("f", f))}
    receipts = {name: receive_money(pledge, 4_000_000) for name, pledge in pledges.items()}
    personas.donors = {"d": d, "e": e, "f": f}
    personas.pledges = pledges
    personas.receipts = receipts
    for province, place in ((personas.province, "Thái Nguyên"), (personas.other_province, "Lạng Sơn")):
        Agency.objects.create(
            province=province,
            parent_agency_name=f"ỦY BAN NHÂN DÂN TỈNH {place.upper()}",
            department_name="SỞ Y TẾ",
            department_abbreviation="SYT",
            place_name=place,
            signer_authority="KT. GIÁM ĐỐC",
            signer_title="PHÓ GIÁM ĐỐC",
            signer_name="Ma Thị Thu Hà",
            recipients="- Lưu: VT, BVTE.",
        )
    return personas
