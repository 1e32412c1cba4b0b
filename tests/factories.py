"""factory_boy factories and the personas every access test uses."""

import datetime as dt
from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model

from needs.models import Child, Sex
from portal.models import REFORM_DATE, AdministrativeUnit, EthnicGroup, RoleAssignment, UnitLevel, Village
from portal.permissions import Role

PASSWORD = "correct horse battery"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{90000 + n}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = UnitLevel.COMMUNE
    division_type = "Xã"
    valid_from = REFORM_DATE


class ProvinceFactory(UnitFactory):
    code = factory.Sequence(lambda n: f"{80 + n % 20:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    level = UnitLevel.PROVINCE
    division_type = "Tỉnh"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    name = factory.Sequence(lambda n: f"Thôn {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người Dùng {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    code = factory.Sequence(lambda n: f"T-{n:06d}")
    full_name = factory.Sequence(lambda n: f"Giàng Thị Mỷ {n}")
    sex = Sex.FEMALE
    birth_date = dt.date(2018, 3, 14)
    ethnic_group = factory.LazyFunction(lambda: EthnicGroup.objects.get(code="08"))


def user_with_role(role: str, unit=None, **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


@dataclass
class Personas:
    """Two provinces. In P: communes A (formed from the older commune A0) and B; in Q: commune C.

    One user per role bound inside P, plus outsiders: the officer of B and the staff of Q.
    """

    province: AdministrativeUnit
    other_province: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_a0: AdministrativeUnit
    commune_b: AdministrativeUnit
    commune_c: AdministrativeUnit
    officer_a: object
    officer_b: object
    staff: object
    leader: object
    auditor: object
    donor: object
    staff_q: object

    @classmethod
    def build(cls) -> "Personas":
        province = ProvinceFactory()
        other = ProvinceFactory()
        commune_a = UnitFactory(parent=province, province=province, name="Xã Bằng Thành")
        commune_a0 = UnitFactory(
            parent=None,
            province=None,
            valid_from=None,
            valid_to=REFORM_DATE - dt.timedelta(days=1),
            merged_into=commune_a,
            name="Xã Bộc Bố (cũ)",
        )
        commune_b = UnitFactory(parent=province, province=province, name="Xã Nghiên Loan")
        commune_c = UnitFactory(parent=other, province=other, name="Xã Ngoài Tỉnh")
        return cls(
            province=province,
            other_province=other,
            commune_a=commune_a,
            commune_a0=commune_a0,
            commune_b=commune_b,
            commune_c=commune_c,
            officer_a=user_with_role(Role.COMMUNE_OFFICER, commune_a, username="officer_a"),
            officer_b=user_with_role(Role.COMMUNE_OFFICER, commune_b, username="officer_b"),
            staff=user_with_role(Role.DEPARTMENT_STAFF, province, username="staff"),
            leader=user_with_role(Role.LEADERSHIP, province, username="leader"),
            auditor=user_with_role(Role.AUDITOR, province, username="auditor"),
            donor=user_with_role(Role.DONOR, None, username="donor"),
            staff_q=user_with_role(Role.DEPARTMENT_STAFF, other, username="staff_q"),
        )
