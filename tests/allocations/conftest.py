import base64
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allocations.services import Line, batch_accept
from donors.models import Donor
from needs.models import ChildConsent, ConsentGiver, ConsentPurpose, Sex
from tests.allocations.factories import NeedFactory, PledgeFactory, ReceiptFactory, child_need

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def png_upload(name="trao-qua.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def funded(personas):
    """The donor persona's pledge: 3,000,000 đ received, allocated to two child needs and one group need."""
    donor = Donor.objects.create(province=personas.province, type="company", name="Công ty Chè Tân Cương")
    donor.members.add(personas.donor)
    pledge = PledgeFactory(donor=donor, amount=5_000_000)
    receipt = ReceiptFactory(pledge=pledge, amount=3_000_000)
    girl = child_need(personas.commune_a, quantity=2, unit_cost=300_000)
    boy = child_need(personas.commune_a, birth_date=dt.date(2021, 5, 1), quantity=1, unit_cost=400_000)
    boy.child.sex = Sex.MALE
    boy.child.save()
    school = NeedFactory(commune=personas.commune_b, quantity=10, unit_cost=100_000, beneficiary_count=30)
    ChildConsent.objects.create(
        child=girl.child, given_by=ConsentGiver.GUARDIAN, giver_name="Mẹ", purpose=ConsentPurpose.USE_PHOTOS,
        given_on=dt.date(2026, 1, 1),
    )  # fmt: skip
    ChildConsent.objects.create(
        child=girl.child, given_by=ConsentGiver.CHILD, giver_name="Em", purpose=ConsentPurpose.USE_PHOTOS,
        given_on=dt.date(2026, 1, 1),
    )  # fmt: skip
    batch = batch_accept(
        user=personas.staff,
        province=personas.province,
        lines=[
            Line(receipt.pk, girl.pk, amount=600_000),
            Line(receipt.pk, boy.pk, amount=400_000),
            Line(receipt.pk, school.pk, amount=555_555),
        ],
    )
    return dict(donor=donor, pledge=pledge, receipt=receipt, girl=girl, boy=boy, school=school, batch=batch)
