"""Children (beneficiaries). Personal data of minors: only commune and province roles in scope see it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.scoping import ScopedQuerySet


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Child(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=24, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
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
    guardian_name = models.CharField(_("họ tên người giám hộ"), max_length=120, blank=True)
    guardian_phone = models.CharField(_("điện thoại người giám hộ"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "commune"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trẻ em")
        verbose_name_plural = _("trẻ em")
        ordering = ["commune", "full_name"]
        indexes = [models.Index(fields=["commune", "full_name"])]

    def __str__(self):
        return f"{self.code} {self.full_name}"
