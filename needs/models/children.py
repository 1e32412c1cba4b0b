"""Children (beneficiaries). Personal data of minors: only commune and province roles in scope see it."""

import datetime as dt
import functools

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.scoping import ScopedQuerySet
from portal.text import fold
from portal.versioning import Versioned

# The child's own consent is needed from this age (Law on Children 2016, Art. 33; Decree 356/2025/NĐ-CP).
CHILD_CONSENT_AGE = 7


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class AgeBand(models.TextChoices):
    """Age bands used for earmarks, in-kind matching and every count shown to donors and the public."""

    UNDER_3 = "0-2", _("Dưới 3 tuổi")
    PRESCHOOL = "3-5", _("3–5 tuổi")
    PRIMARY = "6-10", _("6–10 tuổi")
    LOWER_SECONDARY = "11-14", _("11–14 tuổi")
    OLDER = "15-17", _("15–17 tuổi")

    @classmethod
    def for_age(cls, years: int) -> "AgeBand":
        return _bands_by_age().get(years, cls.OLDER)


@functools.cache
def _bands_by_age() -> dict[int, AgeBand]:
    """{age in years: band}, worked out once: the matching assistant asks for 200,000 children at a time."""
    by_age = {}
    for band in AgeBand:
        low, high = (int(part) for part in band.value.split("-"))
        by_age.update(dict.fromkeys(range(low, high + 1), band))
    return by_age


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


class SchoolLevel(models.TextChoices):
    NOT_IN_SCHOOL = "none", _("Chưa/không đi học")
    PRESCHOOL = "preschool", _("Mầm non")
    PRIMARY = "primary", _("Tiểu học")
    LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")


class SpecialCircumstance(models.TextChoices):
    """The groups of children in special circumstances, Article 10 of the Law on Children 2016."""

    ORPHAN = "orphan", _("Mồ côi cả cha và mẹ")
    ABANDONED = "abandoned", _("Bị bỏ rơi")
    NO_SUPPORT = "no_support", _("Không nơi nương tựa")
    DISABLED = "disabled", _("Khuyết tật")
    HIV = "hiv", _("Nhiễm HIV/AIDS")
    LAW_VIOLATION = "law_violation", _("Vi phạm pháp luật")
    DRUG_ADDICTION = "drug_addiction", _("Nghiện ma túy")
    DROPPED_OUT = "dropped_out", _("Phải bỏ học kiếm sống, chưa hoàn thành phổ cập THCS")
    VIOLENCE = "violence", _("Bị tổn hại nghiêm trọng về thể chất, tinh thần do bạo lực")
    EXPLOITED = "exploited", _("Bị bóc lột")
    SEXUAL_ABUSE = "sexual_abuse", _("Bị xâm hại tình dục")
    TRAFFICKED = "trafficked", _("Bị mua bán")
    SERIOUS_ILLNESS = "serious_illness", _("Mắc bệnh hiểm nghèo hoặc phải điều trị dài ngày, thuộc hộ nghèo, cận nghèo")
    MIGRANT = "migrant", _("Di cư, lánh nạn, tị nạn chưa xác định được cha mẹ hoặc không có người chăm sóc")


class ChildQuerySet(ScopedQuerySet):
    def active(self):
        """Records in use: a record merged into another stays only for its history."""
        return self.filter(merged_into__isnull=True)

    def search(self, text: str):
        """Match a name typed with or without diacritics, in any case."""
        key = fold(text)
        return self.filter(Q(name_key__contains=key) | Q(code__iexact=text.strip())) if key else self


class Child(Versioned):
    code = models.CharField(_("mã hồ sơ"), max_length=24, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False, db_index=True)  # fold(full_name), for search
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"))
    ethnic_group = models.ForeignKey(
        "portal.EthnicGroup", verbose_name=_("dân tộc"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("xã"),
        on_delete=models.PROTECT,
        related_name="children_registered",
        limit_choices_to={"level": "commune"},
    )
    village = models.ForeignKey(
        "portal.Village", verbose_name=_("thôn/bản"), null=True, blank=True, on_delete=models.PROTECT
    )
    school_name = models.CharField(_("trường"), max_length=160, blank=True)
    school_level = models.CharField(
        _("cấp học"), max_length=20, choices=SchoolLevel.choices, default=SchoolLevel.NOT_IN_SCHOOL
    )
    special_circumstances = models.JSONField(
        _("hoàn cảnh đặc biệt"),
        default=list,
        blank=True,
        help_text=_("Các nhóm trẻ em có hoàn cảnh đặc biệt theo Điều 10 Luật Trẻ em 2016."),
    )
    guardian_name = models.CharField(_("họ tên người giám hộ"), max_length=120, blank=True)
    guardian_phone = models.CharField(_("điện thoại người giám hộ"), max_length=20, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("đã gộp vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    merged_at = models.DateTimeField(_("gộp lúc"), null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merge_reason = models.CharField(_("lý do gộp"), max_length=250, blank=True)
    anonymised_at = models.DateTimeField(_("ẩn danh lúc"), null=True, blank=True)
    anonymised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ẩn danh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    anonymisation_reason = models.CharField(_("lý do ẩn danh"), max_length=250, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ChildQuerySet.as_manager()
    scope_unit_path = "commune"
    child_code_path = "code"  # how the audit log finds a child's rows by record code (portal.audit)
    history = HistoricalRecords(excluded_fields=["name_key"])
    history_choices = {"special_circumstances": SpecialCircumstance.choices}  # labels of the codes in the list

    class Meta:
        verbose_name = _("trẻ em")
        verbose_name_plural = _("trẻ em")
        ordering = ["commune", "full_name"]
        indexes = [
            models.Index(fields=["commune", "full_name"]),
            models.Index(fields=["commune", "birth_date"]),
            # The registry lists only records in use; merged ones stay for history.
            models.Index(fields=["commune", "full_name"], condition=Q(merged_into__isnull=True), name="child_active"),
        ]

    def __str__(self):
        return f"{self.code} {self.full_name}"

    def save(self, *args, **kwargs):
        self.name_key = fold(self.full_name)
        super().save(*args, **kwargs)

    def age(self, on: dt.date | None = None) -> int:
        return age_on(self.birth_date, on or dt.date.today())

    def age_band(self, on: dt.date | None = None) -> AgeBand:
        return AgeBand.for_age(self.age(on))

    def circumstance_labels(self) -> list[str]:
        """The special circumstances recorded, as people read them (codes no longer in the law are skipped)."""
        return [SpecialCircumstance(code).label for code in self.special_circumstances if code in SpecialCircumstance]

    def consents_to(self, purpose: str, on: dt.date | None = None) -> bool:
        """Whether the consents in force cover a purpose: the guardian's, and the child's own from age 7."""
        on = on or dt.date.today()
        givers = set(
            self.consents.filter(purpose=purpose, given_on__lte=on)
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
            .values_list("given_by", flat=True)
        )
        needed = {ConsentGiver.GUARDIAN}
        if self.age(on) >= CHILD_CONSENT_AGE:
            needed.add(ConsentGiver.CHILD)
        return needed <= givers


CHILD_CODE_DIGITS = 5


def child_code(commune_code: str, number: int) -> str:
    """A record code officers read out on the phone and write on lists: "<commune code>-<number>", e.g. 08134-00027."""
    return f"{commune_code}-{number:0{CHILD_CODE_DIGITS}d}"


def highest_code_numbers(codes, communes: dict[str, int]) -> dict[int, int]:
    """The highest number among codes "<commune code>-<digits>", per commune id (`communes`: code → id).

    Codes of other shapes (the random hex codes of early quick registrations, demo codes) are not numbers and are
    skipped; a hex code that happens to be all digits counts, so no number ever handed out can repeat it.
    """
    highest: dict[int, int] = {}
    for code in codes:
        prefix, _dash, number = code.partition("-")
        commune_id = communes.get(prefix)
        if commune_id is not None and number.isascii() and number.isdigit():
            highest[commune_id] = max(highest.get(commune_id, 0), int(number))
    return highest


class ChildCodeCounter(models.Model):
    """The last record-code number handed out in a commune; only needs.services.child_codes_reserve moves it."""

    commune = models.OneToOneField(
        "portal.AdministrativeUnit",
        verbose_name=_("xã"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last = models.PositiveBigIntegerField(_("số đã cấp sau cùng"), default=0)

    class Meta:
        db_table = "needs_childcodecounter"  # named in needs.services' statements
        verbose_name = _("bộ đếm mã hồ sơ trẻ")
        verbose_name_plural = _("bộ đếm mã hồ sơ trẻ")

    def __str__(self):
        return f"{self.commune_id}: {self.last}"


class ConsentGiver(models.TextChoices):
    GUARDIAN = "guardian", _("Cha, mẹ hoặc người giám hộ")
    CHILD = "child", _("Trẻ em (từ đủ 7 tuổi)")


class ConsentPurpose(models.TextChoices):
    PROCESS_DATA = "process_data", _("Thu thập, lưu trữ và xử lý thông tin của trẻ để hỗ trợ")
    SHARE_WITH_SPONSOR = "share_with_sponsor", _("Cho nhà tài trợ đỡ đầu biết danh tính của trẻ")
    SHARE_WITH_PARTNER = "share_with_partner", _("Cho tổ chức phối hợp biết danh tính của trẻ")
    USE_PHOTOS = "use_photos", _("Dùng hình ảnh làm minh chứng cho nhà tài trợ")
    PUBLISH_APPEAL = "publish_appeal", _("Công khai danh tính của trẻ trong cuộc vận động hỗ trợ trẻ")


class ChildConsent(models.Model):
    """One consent given (and possibly withdrawn) by the guardian or by the child."""

    child = models.ForeignKey(Child, verbose_name=_("trẻ em"), on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("người đồng ý"), max_length=10, choices=ConsentGiver.choices)
    giver_name = models.CharField(_("họ tên người đồng ý"), max_length=120)
    purpose = models.CharField(_("nội dung đồng ý"), max_length=30, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("ngày đồng ý"))
    withdrawn_on = models.DateField(_("ngày rút lại"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    note = models.CharField(_("ghi chú"), max_length=250, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "child__commune"
    child_code_path = "child__code"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sự đồng ý")
        verbose_name_plural = _("sự đồng ý")
        ordering = ["child", "-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            )
        ]

    def __str__(self):
        return f"{self.child_id} {self.purpose} {self.given_by}"


class ChildShare(models.Model):
    """The commune shared who a child is with one partner organisation, on the consent recorded with it.

    A partner that looks the child up by record code sees the name only while this share stands and the consents
    to share with partners are in force (the guardian's, and the child's own from age 7): `in_force()`."""

    child = models.ForeignKey(Child, verbose_name=_("trẻ em"), on_delete=models.CASCADE, related_name="shares")
    partner = models.ForeignKey(
        "portal.PartnerOrganisation",
        verbose_name=_("tổ chức phối hợp"),
        on_delete=models.CASCADE,
        related_name="child_shares",
    )
    consent = models.ForeignKey(
        ChildConsent, verbose_name=_("sự đồng ý"), on_delete=models.PROTECT, related_name="shares"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chia sẻ"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("chia sẻ lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "child__commune"
    child_code_path = "child__code"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chia sẻ với tổ chức phối hợp")
        verbose_name_plural = _("chia sẻ với tổ chức phối hợp")
        constraints = [models.UniqueConstraint(fields=["child", "partner"], name="child_shared_once_per_partner")]

    def __str__(self):
        return f"{self.child_id} → {self.partner_id}"

    def in_force(self, on: dt.date | None = None) -> bool:
        """The guardian's consent this share was made on stands, and from age 7 the child's own consent too."""
        on = on or dt.date.today()
        consent, child = self.consent, self.child
        if child.anonymised_at is not None or consent.given_on > on:
            return False
        if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
            return False
        if child.age(on) < CHILD_CONSENT_AGE:
            return True
        return (
            child.consents.filter(
                purpose=ConsentPurpose.SHARE_WITH_PARTNER, given_by=ConsentGiver.CHILD, given_on__lte=on
            )
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
            .exists()
        )
