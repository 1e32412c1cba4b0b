"""Factories for the national app's rows."""

import factory

from national.models import Ministry


class MinistryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ministry
        django_get_or_create = ("current",)

    current = True
    parent_agency_name = ""
    department_name = "BỘ Y TẾ"
    department_abbreviation = "BYT"
    place_name = "Hà Nội"
    signer_authority = "KT. BỘ TRƯỞNG"
    signer_title = "THỨ TRƯỞNG"
    signer_name = "Nguyễn Văn Thử"
    recipients = "- Thủ tướng Chính phủ (để báo cáo);\n- Lưu: VT, BMTE."
