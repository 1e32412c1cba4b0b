"""Appeals (cuộc vận động) under Decree 93/2021/NĐ-CP: a campaign for a disaster or for a critically ill child.

Decree 93/2021/NĐ-CP of 27/10/2021 (in force 11/12/2021) governs how voluntary contributions for disasters,
epidemics and incidents, and for patients with a critical illness, are mobilised, received, distributed and used:
publicly and for the stated purpose; money received into an account kept for the appeal (for individuals, one account
per appeal), nothing more received once the announced receiving time is over (donors.appeals refuses a pledge dated
after the window), and contributions given without conditions spent on the contents the decree lists (Art. 11(1)).
An appeal is built on a `donors.Campaign` (kind `appeal`): the campaign carries the name and the receiving window
(its start and end dates) and gives the appeal its transfer code (donors.transfer_codes.campaign_code); pledges
to the appeal are pledges with that campaign, and the money received for it is defined once in donors.figures.

What the appeal adds: its documents (the decision or announcement that opens it), the affected communes (where
its money may be used: donors.appeals keeps its pledges earmarked for them, so the ledger's own rules refuse the
rest), an optional account of its own (the province's charity account otherwise), the criteria for beneficiaries
and the support levels it publishes, and for a critically ill child the child, who stays anonymous to the public
unless the guardian (and the child from age 7) consented to publication (needs.ConsentPurpose.PUBLISH_APPEAL).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from donors.rules import appeal_distribution_deadline
from portal.models.agency import Agency
from portal.models.events import Event
from portal.scoping import ScopedQuerySet


class AppealKind(models.TextChoices):
    DISASTER = "disaster", _("Thiên tai, dịch bệnh, sự cố")
    ILL_CHILD = "ill_child", _("Trẻ em mắc bệnh hiểm nghèo")


class Appeal(models.Model):
    campaign = models.OneToOneField(
        "donors.Campaign", verbose_name=_("đợt vận động"), on_delete=models.PROTECT, related_name="appeal"
    )
    kind = models.CharField(_("loại cuộc vận động"), max_length=20, choices=AppealKind.choices)
    decision_reference = models.CharField(
        _("số, ký hiệu văn bản phát động"), max_length=80, help_text=_("Ví dụ: 125/QĐ-UBND.")
    )
    communes = models.ManyToManyField(
        "portal.AdministrativeUnit",
        verbose_name=_("xã bị ảnh hưởng"),
        related_name="appeals",
        limit_choices_to={"level": "commune"},
    )
    child = models.ForeignKey(
        "needs.Child",
        verbose_name=_("trẻ em được vận động hỗ trợ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    # Blank: the province's charity account (portal.Agency), with the appeal's own transfer code.
    bank_bin = models.CharField(
        _("mã ngân hàng (BIN)"), max_length=6, blank=True, validators=Agency._meta.get_field("bank_bin").validators
    )
    bank_account_number = models.CharField(
        _("số tài khoản riêng"),
        max_length=19,
        blank=True,
        validators=Agency._meta.get_field("bank_account_number").validators,
    )
    bank_account_name = models.CharField(_("tên tài khoản"), max_length=70, blank=True)
    beneficiary_criteria = models.TextField(_("tiêu chí lựa chọn đối tượng hỗ trợ"))
    support_levels = models.TextField(_("mức hỗ trợ"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người mở"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "campaign__province"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cuộc vận động (Nghị định 93/2021)")
        verbose_name_plural = _("cuộc vận động (Nghị định 93/2021)")
        ordering = ["-campaign__start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ill_child", child__isnull=False) | Q(kind="disaster", child__isnull=True),
                name="appeal_child_only_for_ill_child",
            ),
            models.CheckConstraint(
                condition=Q(bank_account_number="", bank_bin="", bank_account_name="")
                | ~Q(bank_account_number="") & ~Q(bank_bin="") & ~Q(bank_account_name=""),
                name="appeal_own_account_complete",
            ),
        ]

    def __str__(self):
        return self.campaign.name

    @property
    def receive_from(self) -> dt.date:
        return self.campaign.start_date

    @property
    def receive_until(self) -> dt.date:
        return self.campaign.end_date

    @property
    def distribute_by(self) -> dt.date:
        return appeal_distribution_deadline(self.campaign.end_date)

    @property
    def has_own_account(self) -> bool:
        return bool(self.bank_account_number)


class AppealDocument(models.Model):
    """The decision or announcement of an appeal (or a later document), checked like every upload.

    For a critically ill child the public gets a document only when staff confirmed it shows nothing that
    identifies the child (`identity_removed`) or the child's publication consents are in force."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("cuộc vận động"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("tên văn bản"), max_length=200)
    file = models.FileField(_("tệp"), upload_to="appeals/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    identity_removed = models.BooleanField(
        _("đã che thông tin nhận diện trẻ"),
        default=False,
        help_text=_("Với cuộc vận động cho một trẻ: đánh dấu khi văn bản không còn tên, ảnh, địa chỉ của trẻ."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "appeal__campaign__province"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bản của cuộc vận động")
        verbose_name_plural = _("văn bản của cuộc vận động")
        ordering = ["appeal", "uploaded_at", "id"]

    def __str__(self):
        return self.title


class AppealRelease(Event):
    """Staff allow the appeal's money to be used in a commune it was not opened for, with a reason (who, when)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("cuộc vận động"), on_delete=models.CASCADE, related_name="releases"
    )
    commune = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("xã được dùng thêm"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "commune"},
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "appeal__campaign__province"

    class Meta:
        verbose_name = _("cho phép dùng ngoài xã bị ảnh hưởng")
        verbose_name_plural = _("cho phép dùng ngoài xã bị ảnh hưởng")
        ordering = ["appeal", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "commune"], name="appeal_release_once_per_commune"),
            models.CheckConstraint(condition=~Q(reason=""), name="appeal_release_has_reason"),
        ]

    def __str__(self):
        return f"{self.appeal_id} → {self.commune_id}"
