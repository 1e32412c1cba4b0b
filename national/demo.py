"""Demo for the ministry: the Ministry of Health as the issuing agency, and every province in force listed.

Only Thái Nguyên has data in the demo: the other provinces are real names and codes without communes, shown as
"no report". Thái Nguyên counts once its leader approves the annual report that staff build; the ministry's
figures and roll-up then show it, and only it.
"""

from national.models import Ministry
from portal.demo import ensure
from portal.units_loader import provinces_load


def seed(context):
    provinces_load()
    ensure(
        Ministry,
        current=True,
        defaults=dict(
            parent_agency_name="",
            department_name="BỘ Y TẾ",
            department_abbreviation="BYT",
            place_name="Hà Nội",
            signer_authority="KT. BỘ TRƯỞNG",
            signer_title="THỨ TRƯỞNG",
            signer_name="Nguyễn Văn Demo",
            recipients="- Thủ tướng Chính phủ (để báo cáo);\n- Các Bộ, ngành liên quan;\n- UBND các tỉnh, thành phố;\n"
            "- Lưu: VT, BMTE.",
        ),
    )
