"""Demo partner organisations: the province's Women's Union (its account is the demo user `partner`) and Red
Cross, each with a few support records inside the demo period — one of them for a child the department already
supported in the same category and season (recorded with a reason, so it shows on the overlap list), and one child
the commune shared with the Women's Union on the guardian's consent (the partner sees that name, no other).

Runs only the first time (the organisations' records are found by their description's demo mark)."""

import datetime as dt

from django.contrib.auth import get_user_model

from allocations.models import Delivery, PartnerSupport
from allocations.rules import support_overlaps
from allocations.services import partner_support_build, partner_support_record
from needs.models import Category, Child
from needs.seasons import season_for
from needs.services import child_share_with_partner
from portal.demo import demo_date, ensure
from portal.models import PartnerKind, PartnerOrganisation, RoleAssignment
from portal.permissions import Perm, Role
from portal.scoping import scope_for

DEMO_MARK = "(dữ liệu demo)"


def seed(context):
    province = context.data["province"]
    users = context.data["users"]
    women = ensure(
        PartnerOrganisation,
        province=province,
        name="Hội Liên hiệp Phụ nữ tỉnh Thái Nguyên",
        defaults={"kind": PartnerKind.WOMEN_UNION},
    )
    red_cross = ensure(
        PartnerOrganisation,
        province=province,
        name="Hội Chữ thập đỏ tỉnh Thái Nguyên",
        defaults={"kind": PartnerKind.RED_CROSS},
    )
    women.members.add(users["partner"])
    red_cross_user = _red_cross_account(province)
    red_cross.members.add(red_cross_user)
    if PartnerSupport.objects.filter(partner__in=[women, red_cross]).exists():
        return
    officer = users["commune"]
    communes = scope_for(officer).units(Perm.REGISTER_NEEDS)
    _overlapping(women, users["partner"], communes)
    _shared(women, users["partner"], officer, communes)
    _groups(women, red_cross, users["partner"], red_cross_user, context.data["communes"])


def _red_cross_account(province):
    """The Red Cross records its own support; this account has no usable password in the demo."""
    user, created = get_user_model().objects.get_or_create(
        username="chuthapdo", defaults={"full_name": "Vi Văn Sơn", "email": "chuthapdo@demo.invalid"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(user=user, role=Role.PARTNER, unit=province)
    return user


def _record(user, partner, **data):
    support = partner_support_build(partner=partner, **data)
    return partner_support_record(user=user, support=support)


def _overlapping(partner, user, communes):
    """Warm clothes for a child the department's donors already clothed this winter: a known overlap."""
    deliveries = Delivery.objects.filter(need__child__isnull=False, need__commune__in=communes)
    delivery = (
        deliveries.filter(need__category=Category.WARM_CLOTHING).first() or deliveries.order_by("need_id").first()
    )
    if delivery is None:
        return
    need = delivery.need
    given_on = demo_date(dt.date(2026, 10, 28))
    _record(
        user,
        partner,
        child=need.child,
        category=need.category,
        season=need.season,
        description=f"{need.get_category_display()}: hỗ trợ thêm tại điểm trường {DEMO_MARK}",
        value=450_000,
        quantity=1,
        given_on=given_on,
        overlap_reason="Hội trao tại điểm trường trước khi biết Sở đã phân bổ; xã đã được báo để điều chỉnh.",
    )


def _shared(partner, user, officer, communes):
    """A pupil the commune shared with the Women's Union (guardian and child consenting), given school books."""
    given_on = demo_date(dt.date(2026, 9, 10))
    season = season_for(Category.EDUCATION, given_on)
    for child in Child.objects.active().filter(commune__in=communes, guardian_name__gt="").order_by("code")[:40]:
        if child.age(given_on) < 7 or support_overlaps(child_id=child.pk, category=Category.EDUCATION, season=season):
            continue
        child_share_with_partner(
            child=child,
            user=officer,
            partner=partner,
            giver_name=child.guardian_name,
            given_on=demo_date(dt.date(2026, 8, 20)),
            child_agrees=True,
        )
        _record(
            user,
            partner,
            child=child,
            category=Category.EDUCATION,
            description=f"Sách giáo khoa, vở, cặp sách năm học mới {DEMO_MARK}",
            value=620_000,
            quantity=1,
            given_on=given_on,
        )
        return


def _groups(women, red_cross, women_user, red_cross_user, communes):
    """Support to groups: the Red Cross's health check-ups and the Women's Union's meals at a school."""
    for commune, partner, user, data in [
        (
            communes[0],
            red_cross,
            red_cross_user,
            dict(
                category=Category.HEALTHCARE,
                description=f"Khám sức khỏe, phát thuốc cho trẻ mầm non {DEMO_MARK}",
                value=18_000_000,
                quantity=60,
                children_count=60,
                given_on=demo_date(dt.date(2026, 6, 1)),
            ),
        ),
        (
            communes[-1],
            women,
            women_user,
            dict(
                category=Category.NUTRITION,
                description=f"Bữa ăn bán trú một tháng cho học sinh tiểu học {DEMO_MARK}",
                value=12_500_000,
                quantity=25,
                children_count=25,
                given_on=demo_date(dt.date(2026, 10, 5)),
            ),
        ),
    ]:
        _record(user, partner, commune=commune, **data)
