"""What partner pages read. Partners reach only their own organisation's records (`visible_to` follows
`partner__members` for them) and aggregates; a child only by record code, named only when shared with consent."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from allocations.models import PartnerSupport
from allocations.rules import department_support, partner_support
from needs.models import Category, Child, ChildShare
from portal import audit
from portal.models import AccessView, PartnerOrganisation
from portal.money import format_vnd
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import collated


def partners_of(user):
    """The organisations the user records for (members of, in a province where they hold the partner role)."""
    provinces = scope_for(user).units(Perm.RECORD_PARTNER_SUPPORT)
    return PartnerOrganisation.objects.filter(members=user, province_id__in=provinces).order_by(collated("name"))


def support_list(*, user, partner_ids=None):
    supports = PartnerSupport.objects.visible_to(user).select_related("partner", "commune", "village", "child")
    if partner_ids is not None:
        supports = supports.filter(partner_id__in=partner_ids)
    return supports.order_by("-given_on", "-id")


def support_totals(supports) -> list[dict]:
    """Records, đồng and children of these supports by commune and category (the partner's own aggregates)."""
    labels = dict(Category.choices)
    rows = (
        supports.order_by()
        .values("commune__name", "category")
        .annotate(records=Count("id"), value=Sum("value"), children=Sum("children_count"))
        .order_by(collated("commune__name"), "category")
    )
    return [{**row, "category_label": labels.get(row["category"], row["category"])} for row in rows]


@dataclass(frozen=True)
class LookedUp:
    code: str
    commune: str
    child_id: int
    name: str | None  # only when the commune shared the child with one of the user's organisations, with consent


def children_by_codes(*, user, codes) -> dict[str, Child]:
    """Children of the user's partner provinces (communes merged into theirs included) by exact record code: how a
    partner names a child, never a search (partners do not browse). Records merged away or anonymised are not found."""
    communes = scope_for(user).units(Perm.LOOK_UP_CHILD_BY_CODE)
    children = Child.objects.active().filter(
        code__in={code.strip() for code in codes}, commune_id__in=communes, anonymised_at__isnull=True
    )
    return {child.code: child for child in children.select_related("commune")}


def child_lookup(*, user, code: str) -> LookedUp | None:
    """A child by record code, with the name only if shared with one of the user's organisations, with consent."""
    child = children_by_codes(user=user, codes=[code]).get(code.strip())
    if child is None:
        return None
    shares = child.shares.filter(partner__in=partners_of(user)).select_related("consent", "child")
    name = child.full_name if any(share.in_force() for share in shares) else None
    if name is not None:
        audit.access_record(
            user=user, view=AccessView.PAGE, commune_id=child.commune_id, record_id=child.pk, record_code=child.code
        )
    return LookedUp(code=child.code, commune=child.commune.name, child_id=child.pk, name=name)


def shared_names(*, user, child_ids) -> dict[int, str]:
    """Names of these children the user's organisations may see (shared with consent in force)."""
    partners = partners_of(user)
    shares = ChildShare.objects.filter(child_id__in=child_ids, partner__in=partners).select_related("consent", "child")
    return {share.child_id: share.child.full_name for share in shares if share.in_force()}


def overlap_list(*, user):
    """Partner records of a child who has other support of the same category and season (the department's or
    another record), for those who see the commune's records: the department's overlap list."""
    other_department = department_support().filter(
        need__child=OuterRef("child"), need__category=OuterRef("category"), need__season=OuterRef("season")
    )
    other_partner = (
        partner_support()
        .filter(child=OuterRef("child"), category=OuterRef("category"), season=OuterRef("season"))
        .exclude(pk=OuterRef("pk"))
    )
    return (
        PartnerSupport.objects.visible_to(user)
        .filter(child__isnull=False)
        .filter(Q(Exists(other_department)) | Q(Exists(other_partner)))
        .select_related("partner", "commune", "child")
        .order_by("child__code", "category", "season", "given_on")
    )


def child_record_sections(child) -> list[dict]:
    """For the guardian's copy of the record: support partner organisations recorded for the child."""
    rows = [
        [s.given_on.strftime("%d/%m/%Y"), s.partner.name, s.get_category_display(), s.description, format_vnd(s.value)]
        for s in child.partner_supports.select_related("partner").order_by("given_on", "pk")
    ]
    if not rows:
        return []
    return [
        {
            "title": _("Hỗ trợ trực tiếp của tổ chức phối hợp"),
            "columns": [_("Ngày"), _("Tổ chức"), _("Loại hỗ trợ"), _("Nội dung"), _("Giá trị")],
            "rows": rows,
        }
    ]
