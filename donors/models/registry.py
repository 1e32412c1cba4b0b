"""The department's donor registry, its campaigns and the yearly mobilisation plan."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from needs.models import Category
from portal.scoping import ScopedQuerySet
from portal.text import fold


class DonorType(models.TextChoices):
    COMPANY = "company", _("Doanh nghiệp")
    INDIVIDUAL = "individual", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức, NGO")
    CHARITY_FUND = "charity_fund", _("Quỹ từ thiện")
    STATE_AGENCY = "state_agency", _("Cơ quan nhà nước")
    FOREIGN = "foreign", _("Nhà tài trợ nước ngoài")


class DonorQuerySet(ScopedQuerySet):
    def search(self, text: str):
        key = fold(text)
        return self.filter(Q(name_key__contains=key) | Q(tax_code=text.strip())) if key else self


class Donor(models.Model):
    """A donor in one province's registry; its user accounts (`members`) see only its own records."""

    province = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="donors",
        limit_choices_to={"level": "province"},
    )
    type = models.CharField(_("loại nhà tài trợ"), max_length=20, choices=DonorType.choices)
    name = models.CharField(_("tên nhà tài trợ"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)  # fold(name), for search
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True, db_index=True)
    country = models.CharField(_("quốc gia"), max_length=2, default="VN", help_text=_("Mã ISO 3166, ví dụ VN, JP."))
    address = models.CharField(_("địa chỉ"), max_length=250, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    anonymous_publicly = models.BooleanField(
        _("không công khai tên"), default=False, help_text=_("Tên không xuất hiện trên trang công khai.")
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản của nhà tài trợ"),
        blank=True,
        related_name="donors",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = DonorQuerySet.as_manager()
    scope_unit_path = "province"
    scope_owner_path = "members"
    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        verbose_name = _("nhà tài trợ")
        verbose_name_plural = _("nhà tài trợ")
        ordering = ["name"]
        indexes = [models.Index(fields=["province", "type"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        super().save(*args, **kwargs)


class DonorContact(models.Model):
    donor = models.ForeignKey(Donor, verbose_name=_("nhà tài trợ"), on_delete=models.CASCADE, related_name="contacts")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "donor__province"
    scope_owner_path = "donor__members"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("người liên hệ")
        verbose_name_plural = _("người liên hệ")
        ordering = ["donor", "full_name"]

    def __str__(self):
        return self.full_name


class CampaignKind(models.TextChoices):
    ACTION_MONTH = "action_month", _("Tháng hành động vì trẻ em (tháng 6)")
    CHILDREN_DAY = "children_day", _("Quốc tế thiếu nhi 1/6")
    MID_AUTUMN = "mid_autumn", _("Tết Trung thu")
    TET = "tet", _("Tết Nguyên đán")
    SCHOOL_OPENING = "school_opening", _("Khai giảng năm học")
    AD_HOC = "ad_hoc", _("Đột xuất")
    APPEAL = "appeal", _("Cuộc vận động theo Nghị định 93/2021")


class Campaign(models.Model):
    province = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        limit_choices_to={"level": "province"},
    )
    kind = models.CharField(_("loại đợt vận động"), max_length=20, choices=CampaignKind.choices)
    name = models.CharField(_("tên đợt vận động"), max_length=200)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    description = models.TextField(_("mô tả"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "province"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt vận động")
        verbose_name_plural = _("đợt vận động")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="campaign_dates_ordered")
        ]

    def __str__(self):
        return self.name


class MobilisationPlan(models.Model):
    """The province's yearly plan (kế hoạch vận động): targets per category and commune."""

    province = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="mobilisation_plans",
        limit_choices_to={"level": "province"},
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=250)
    decision_reference = models.CharField(_("số, ký hiệu văn bản"), max_length=80, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "province"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch vận động")
        verbose_name_plural = _("kế hoạch vận động")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="one_plan_per_province_year")]

    def __str__(self):
        return self.title


class PlanTarget(models.Model):
    """One target line; a blank category or commune means all of them."""

    plan = models.ForeignKey(
        MobilisationPlan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="targets"
    )
    category = models.CharField(_("loại hỗ trợ"), max_length=20, choices=Category.choices, blank=True)
    commune = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("xã"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "commune"},
    )
    amount = models.BigIntegerField(_("chỉ tiêu kinh phí (đồng)"), default=0)
    children = models.PositiveIntegerField(_("chỉ tiêu số trẻ"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "plan__province"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="plan_target_amount_not_negative"),
            models.UniqueConstraint(
                fields=["plan", "category", "commune"],
                nulls_distinct=False,
                name="plan_target_once_per_category_commune",
            ),
        ]

    def __str__(self):
        return f"{self.plan_id} {self.category or '*'} {self.commune_id or '*'}"
