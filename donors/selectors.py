"""Reads for donors, pledges, receipts, the yearly plan and commendation; always through the user's scope.

A pledge's received total is never stored: `with_received` annotates it from the receipts (a grouped Sum in a
subquery, so joins elsewhere in the query cannot multiply it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import BigIntegerField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from donors.figures import awaiting_statement, plan_progress_totals, plan_year, received_in, received_receipts
from donors.models import (
    Campaign,
    Donor,
    MobilisationPlan,
    Pledge,
    PledgeEvent,
    PledgeKind,
    PledgeStatus,
    Receipt,
    Sponsorship,
)
from donors.transfer_codes import campaign_code, pledge_code
from donors.vietqr import Transfer, transfer_to
from needs.models import ConsentPurpose
from needs.selectors import consent_in_force
from portal.models import Agency
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import collated, fold


def received_total_expression():
    """The sum of a pledge's receipts in đồng (0 when none), as a subquery on OuterRef('pk')."""
    per_pledge = (
        received_receipts().filter(pledge=OuterRef("pk")).order_by().values("pledge").annotate(total=Sum("amount"))
    )
    return Coalesce(Subquery(per_pledge.values("total"), output_field=BigIntegerField()), Value(0))


def with_received(pledges):
    return pledges.annotate(received_total=received_total_expression())


def received_total(pledge: Pledge) -> int:
    return received_receipts().filter(pledge=pledge).aggregate(total=Sum("amount"))["total"] or 0


# --- Donors -----------------------------------------------------------------------------------------------


def donor_list(*, user, search: str = "", type: str = ""):
    donors = Donor.objects.visible_to(user).select_related("province")
    if search:
        donors = donors.search(search)
    if type:
        donors = donors.filter(type=type)
    return donors.order_by(collated("name"), "pk")


# Words that say what kind of body a donor is, not who it is; left out when names are compared.
_LEGAL_FORMS = re.compile(
    r"\b(cong ty|tnhh|co phan|cp|mtv|mot thanh vien|tap doan|quy|to chuc|hoi|ngan hang|chi nhanh|jsc|co|ltd|"
    r"inc|foundation|fund)\b"
)


def _name_core(name: str) -> str:
    return " ".join(_LEGAL_FORMS.sub(" ", fold(name)).split())


def donor_duplicates(*, province_id: int, name: str, tax_code: str = "", exclude_pk: int | None = None):
    """Donors in the province that may be the same: the same tax code, or a similar name — equal once
    diacritics, case and legal-form words ("Công ty TNHH", "Quỹ"…) are set aside, or one containing the other."""
    core = _name_core(name)
    tax_code = tax_code.strip()
    condition = Q(tax_code=tax_code) if tax_code else Q(pk__in=[])
    if len(core) >= 4:
        first_word = core.split()[0]
        condition |= Q(name_key__contains=first_word)
    candidates = Donor.objects.filter(province_id=province_id).filter(condition)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    found = []
    for donor in candidates.order_by("name_key")[:50]:
        other = _name_core(donor.name)
        same_tax = bool(tax_code) and donor.tax_code == tax_code
        similar = len(core) >= 4 and len(other) >= 4 and (core == other or core in other or other in core)
        if same_tax or similar:
            found.append(donor)
    return found


# --- Pledges and receipts ---------------------------------------------------------------------------------


def pledge_list(*, user, donor_id: int | None = None, status: str = "", campaign_id: int | None = None):
    pledges = with_received(Pledge.objects.visible_to(user).select_related("donor", "campaign"))
    if donor_id:
        pledges = pledges.filter(donor_id=donor_id)
    if status:
        pledges = pledges.filter(status=status)
    if campaign_id:
        pledges = pledges.filter(campaign_id=campaign_id)
    return pledges.order_by("-pledged_on", "-id")


def pledge_detail_queryset(*, user):
    return with_received(
        Pledge.objects.visible_to(user)
        .select_related("donor", "donor__province", "campaign", "submitted_by")
        .prefetch_related("items", "earmark_communes")
    )


def pledge_transfer(pledge: Pledge, *, received: int | None = None) -> Transfer | None:
    """How to pay into a pledge (VietQR and the details written out): its code, and for a money pledge the amount
    not yet RECEIVED (`received`: the pledge's received total when already known). None for a cancelled or lapsed
    pledge, and while the province has entered no charity account."""
    if pledge.status in (PledgeStatus.CANCELLED, PledgeStatus.LAPSED):
        return None
    agency = Agency.objects.filter(province_id=pledge.donor.province_id).first()
    amount = None
    if pledge.kind == PledgeKind.CASH:
        amount = pledge.amount - (received_total(pledge) if received is None else received)
    return transfer_to(agency, pledge_code(pledge), amount)


def campaign_transfer(campaign: Campaign) -> Transfer | None:
    """How to give to a campaign: its code, no amount (each gives what they wish)."""
    agency = Agency.objects.filter(province_id=campaign.province_id).first()
    return transfer_to(agency, campaign_code(campaign))


def pledge_events(pledge: Pledge):
    return PledgeEvent.objects.filter(pledge=pledge).select_related("actor").order_by("at", "id")


def receipt_list(*, user, pledge_id: int | None = None, include_cancelled: bool = False):
    """Receipts in the user's scope; cancelled ones only when asked (the pledge page shows them struck out)."""
    manager = Receipt.all_objects if include_cancelled else Receipt.objects
    receipts = manager.visible_to(user).select_related("pledge__donor", "item", "recorded_by", "cancelled_by")
    # The flag "not yet seen on a statement" (donors.figures.awaiting_statement) beside each receipt.
    receipts = receipts.annotate(
        not_on_statement=Exists(awaiting_statement(Receipt.all_objects.filter(pk=OuterRef("pk"))))
    )
    if pledge_id:
        receipts = receipts.filter(pledge_id=pledge_id)
    return receipts.order_by("-received_on", "-id")


def donor_summary(*, user):
    """For a donor's home page: their pledges with what was received, newest first."""
    return pledge_list(user=user).filter(donor__in=Donor.objects.filter(members=user))


# --- Campaigns and the yearly plan ------------------------------------------------------------------------


def campaign_list(*, user, year: int | None = None):
    campaigns = Campaign.objects.visible_to(user).select_related("province")
    if year:
        campaigns = campaigns.filter(start_date__year__lte=year, end_date__year__gte=year)
    return campaigns.order_by("start_date", "pk")


@dataclass
class TargetProgress:
    target: object
    received: int

    @property
    def percent(self) -> int:
        if not self.target.amount:
            return 0
        return min(100, round(100 * self.received / self.target.amount))


def plan_progress(*, plan: MobilisationPlan, start: dt.date | None = None, end: dt.date | None = None):
    """Progress of each target of a yearly plan (donors.figures.plan_progress_totals): đồng RECEIVED in the plan
    year, or in [start, end] when given (the annual report asks for its period)."""
    year_start, year_end = plan_year(plan.year)
    totals = plan_progress_totals(province_id=plan.province_id, start=start or year_start, end=end or year_end)
    targets = plan.targets.select_related("commune").order_by("category", collated("commune__name"), "pk")
    return [TargetProgress(target=t, received=totals.get((t.category, t.commune_id), 0)) for t in targets]


def plan_for(*, user, year: int):
    return MobilisationPlan.objects.visible_to(user).filter(year=year).select_related("province").first()


# --- Commendation -----------------------------------------------------------------------------------------


def commendation_ranking(*, user, start: dt.date, end: dt.date, type: str = ""):
    """Donors ranked by the value received from them (money and goods) in [start, end], largest first."""
    received = received_in(start, end).filter(pledge__donor=OuterRef("pk"))
    per_donor = received.order_by().values("pledge__donor").annotate(total=Sum("amount")).values("total")
    donors = Donor.objects.visible_to(user, Perm.VIEW_DASHBOARDS).annotate(
        received_total=Coalesce(Subquery(per_donor, output_field=BigIntegerField()), Value(0))
    )
    if type:
        donors = donors.filter(type=type)
    return donors.filter(received_total__gt=0).select_related("province").order_by("-received_total", "name_key")


# --- Sponsorships -----------------------------------------------------------------------------------------


def sponsorship_list(*, user):
    """Sponsorships in scope, each annotated `shares_identity`: the child's consent to be known by the sponsor is
    in force today (the same rule as needs.Child.consents_to, computed in the same query)."""
    return (
        Sponsorship.objects.visible_to(user)
        .select_related("donor", "child", "child__commune")
        .annotate(shares_identity=consent_in_force(ConsentPurpose.SHARE_WITH_SPONSOR, child="child"))
        .order_by("-start_date", "pk")
    )


def sponsorship_cards(sponsorships, *, user) -> list[dict]:
    """What a user may see of each sponsored child: the identity only for roles with personal-data access in the
    child's commune, or for the sponsoring donor while the child's consent to share it with the sponsor is in
    force (`shares_identity` from sponsorship_list); otherwise only commune, age band and sex."""
    scope = scope_for(user)
    own_donors = set(Donor.objects.filter(members=user).values_list("pk", flat=True))
    cards = []
    for sponsorship in sponsorships:
        child = sponsorship.child
        identified = scope.allows(Perm.VIEW_PERSONAL_DATA, child.commune_id) or (
            sponsorship.donor_id in own_donors and sponsorship.shares_identity
        )
        card = {
            "sponsorship": sponsorship,
            "commune": child.commune.name,
            "age_band": child.age_band().label,
            "sex": child.get_sex_display(),
            "identified": identified,
        }
        if identified:
            card.update(name=child.full_name, birth_date=child.birth_date, code=child.code)
        cards.append(card)
    return cards
