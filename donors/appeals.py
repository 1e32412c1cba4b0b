"""Writes for appeals (Decree 93/2021/NĐ-CP): open one, add its documents, let its money reach another commune.

An appeal's money stays in its affected communes: every pledge to the appeal is earmarked for them
(`appeal_pledge_communes`, applied by donors.services.pledge_create), so the ledger's own rules — the services'
messages and the database trigger — refuse an allocation elsewhere. Only staff widen that, commune by commune,
with a reason (`appeal_release_commune`), and the release is recorded (who, when, why) and shown to the public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from donors.models import Appeal, AppealDocument, AppealKind, AppealRelease, Campaign, CampaignKind, Pledge
from donors.rules import appeal_window_problems
from needs.models import Child
from portal.models import AdministrativeUnit
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import fold
from portal.uploads import CheckedUpload, store_upload


def _require_manager(user, province_id: int) -> None:
    if not scope_for(user).allows(Perm.MANAGE_DONORS, province_id):
        raise PermissionDenied


def appeal_validate(appeal: Appeal, campaign: Campaign, communes: list) -> None:
    """Every rule of an appeal being opened, as one ValidationError keyed by field: the receiving window (at most
    90 days, donors.rules), communes of the appeal's province, and for a critically ill child a child registered
    in one of them."""
    errors: dict = {}
    for field, message in appeal_window_problems(campaign.start_date, campaign.end_date).items():
        errors.setdefault(field, []).append(message)
    if not communes:
        errors.setdefault("communes", []).append(_("Chọn ít nhất một xã bị ảnh hưởng."))
    elif any(commune.province_id != campaign.province_id for commune in communes):
        errors.setdefault("communes", []).append(_("Chỉ chọn được các xã thuộc tỉnh của cuộc vận động."))
    if appeal.kind == AppealKind.ILL_CHILD:
        if appeal.child is None:
            errors.setdefault("child", []).append(_("Cuộc vận động cho trẻ mắc bệnh hiểm nghèo cần chọn trẻ."))
        elif appeal.child.commune_id not in {commune.pk for commune in communes}:
            errors.setdefault("child", []).append(_("Xã của trẻ phải nằm trong các xã của cuộc vận động."))
    elif appeal.child is not None:
        errors.setdefault("child", []).append(_("Chỉ cuộc vận động cho một trẻ mắc bệnh hiểm nghèo mới chọn trẻ."))
    if appeal.child is not None and _names_the_child(appeal.child, campaign):
        # The campaign's name travels where consent does not reach (campaign lists, pledges, letters, transfer
        # descriptions): the child's identity is published only through the appeal, and only with consent.
        errors.setdefault("name", []).append(
            _(
                "Tên và mô tả cuộc vận động không được nêu tên trẻ hoặc người giám hộ; trang công khai chỉ nêu danh "
                "tính trẻ khi đã có đồng ý công khai."
            )
        )
    for instance, exclude in ((campaign, ["province"]), (appeal, ["campaign", "child", "opened_by"])):
        try:
            instance.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    account = (appeal.bank_bin, appeal.bank_account_number, appeal.bank_account_name)
    if any(account) and not all(account):
        errors.setdefault("bank_account_number", []).append(
            _("Tài khoản riêng cần đủ mã ngân hàng, số tài khoản và tên tài khoản.")
        )
    if errors:
        raise ValidationError(errors)


def _names_the_child(child: Child, campaign: Campaign) -> bool:
    text = fold(f"{campaign.name} {campaign.description}")
    return any(fold(name) in text for name in (child.full_name, child.guardian_name) if name and name.strip())


@transaction.atomic
def appeal_open(
    *,
    user,
    campaign: Campaign,
    appeal: Appeal,
    communes: Iterable,
    documents: Iterable[tuple[str, CheckedUpload, bool]] = (),
) -> Appeal:
    """Open an appeal: its campaign (kind `appeal`, name, receiving window), the appeal and its documents.

    Raises PermissionDenied unless the user manages donors of the campaign's province (and, for a critically ill
    child, may see the child), ValidationError keyed by field for a rule broken (appeal_validate)."""
    _require_manager(user, campaign.province_id)
    if appeal.child_id and not Child.objects.visible_to(user).filter(pk=appeal.child_id).exists():
        raise PermissionDenied
    communes = list(communes)
    campaign.kind = CampaignKind.APPEAL
    appeal_validate(appeal, campaign, communes)
    campaign.save()
    appeal.campaign = campaign
    appeal.opened_by = user
    appeal.save()
    appeal.communes.set(communes)
    for title, upload, identity_removed in documents:
        appeal_document_add(user=user, appeal=appeal, title=title, upload=upload, identity_removed=identity_removed)
    return appeal


def appeal_document_add(*, user, appeal: Appeal, title: str, upload: CheckedUpload, identity_removed: bool = False):
    """Store a checked document of the appeal (the decision, an announcement) under a random file name."""
    _require_manager(user, appeal.campaign.province_id)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": [_("Cần ghi tên văn bản.")]})
    document = AppealDocument(appeal=appeal, title=title, identity_removed=identity_removed, uploaded_by=user)
    return store_upload(document, upload)


def appeal_allowed_communes(appeal: Appeal) -> set[int]:
    """Ids of the communes where the appeal's money may be used: the affected ones and those staff released."""
    return set(appeal.communes.values_list("pk", flat=True)) | set(appeal.releases.values_list("commune_id", flat=True))


def appeal_pledge_communes(pledge: Pledge, chosen: list) -> list:
    """The communes a pledge to an appeal is earmarked for: those the donor chose among the appeal's (all of them
    when the donor chose none). A pledge to another campaign keeps what was chosen."""
    appeal = Appeal.objects.filter(campaign_id=pledge.campaign_id).first() if pledge.campaign_id else None
    if appeal is None:
        return chosen
    allowed = appeal_allowed_communes(appeal)
    if not chosen:
        return list(AdministrativeUnit.objects.filter(pk__in=allowed))
    if any(commune.pk not in allowed for commune in chosen):
        raise ValidationError(
            {"earmark_communes": [_("Tiền của cuộc vận động chỉ dùng cho các xã của cuộc vận động.")]}
        )
    return chosen


def appeal_pledge_date_problems(pledge: Pledge) -> dict[str, str]:
    """A pledge to an appeal is made within its receiving window: after it closed, nothing more is received."""
    campaign = pledge.campaign
    if campaign is None or campaign.kind != CampaignKind.APPEAL or not pledge.pledged_on:
        return {}
    if pledge.pledged_on > campaign.end_date:
        return {
            "campaign": _("Cuộc vận động đã kết thúc tiếp nhận ngày %(end)s.")
            % {"end": campaign.end_date.strftime("%d/%m/%Y")}
        }
    return {}


@transaction.atomic
def appeal_release_commune(*, user, appeal: Appeal, commune, reason: str) -> AppealRelease:
    """Let the appeal's money be used in one more commune, with a reason; the appeal's pledges that were not
    narrowed by their donors to some of its communes are earmarked for it too."""
    _require_manager(user, appeal.campaign.province_id)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": [_("Cần ghi lý do dùng tiền ngoài các xã bị ảnh hưởng.")]})
    if commune.province_id != appeal.campaign.province_id:
        raise ValidationError({"commune": [_("Chỉ chọn được các xã thuộc tỉnh của cuộc vận động.")]})
    if commune.pk in appeal_allowed_communes(appeal):
        raise ValidationError({"commune": [_("Tiền của cuộc vận động đã được dùng ở xã này.")]})
    affected = set(appeal.communes.values_list("pk", flat=True))
    through = Pledge.earmark_communes.through
    earmarks: dict[int, set] = {}
    for pledge_id, unit_id in through.objects.filter(pledge__campaign_id=appeal.campaign_id).values_list(
        "pledge_id", "administrativeunit_id"
    ):
        earmarks.setdefault(pledge_id, set()).add(unit_id)
    through.objects.bulk_create(
        through(pledge_id=pledge_id, administrativeunit_id=commune.pk)
        for pledge_id, units in earmarks.items()
        if affected <= units
    )
    return AppealRelease.objects.create(appeal=appeal, commune=commune, actor=user, reason=reason)


def appeal_countdown(appeal: Appeal, today: dt.date) -> dict:
    """Days left to receive and to distribute (negative: overdue), for the dashboard and the appeal's page."""
    return {
        "receive_days": (appeal.receive_until - today).days,
        "distribute_days": (appeal.distribute_by - today).days,
        "overdue_days": (today - appeal.distribute_by).days,
        "receiving": appeal.receive_from <= today <= appeal.receive_until,
        "not_started": today < appeal.receive_from,
    }
